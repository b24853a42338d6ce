// Strings, streams, regex and formatting: code paths full of exceptions and templates.
#include <iomanip>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>
#include <cstdlib>

std::vector<double> parse_numbers(const std::string &text) {
  std::vector<double> out;
  std::regex num(R"([-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), num); it != std::sregex_iterator(); ++it) {
    try {
      out.push_back(std::stod(it->str()));
    } catch (const std::out_of_range &) {
      out.push_back(0);
    }
  }
  return out;
}

std::string report(const std::vector<double> &xs) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(3);
  double s = 0;
  for (size_t i = 0; i < xs.size(); i++) {
    s += xs[i];
    os << std::setw(8) << xs[i] << (i + 1 < xs.size() ? "," : "\n");
  }
  os << "sum=" << s;
  return os.str();
}

int main(int argc, char **argv) {
  std::string text = argc > 1 ? argv[1] : "x=1.5, y=-2e3 z=.25 w=7";
  auto xs = parse_numbers(text);
  std::cout << report(xs) << std::endl;
  std::istringstream in("3 4.5 6");
  double a, b, c;
  in >> a >> b >> c;
  std::cerr << a + b + c << '\n';
  return xs.empty() ? EXIT_FAILURE : EXIT_SUCCESS;
}

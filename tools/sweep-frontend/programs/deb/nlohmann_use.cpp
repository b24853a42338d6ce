// nlohmann/json (header-only, from its Debian source package): parsing, traversal, exceptions.
#include <nlohmann/json.hpp>
#include <cstdio>
#include <string>
#include <vector>

using nlohmann::json;

struct Point { double x, y; };
void to_json(json &j, const Point &p) { j = json{{"x", p.x}, {"y", p.y}}; }
void from_json(const json &j, Point &p) { j.at("x").get_to(p.x); j.at("y").get_to(p.y); }

double weigh(const std::string &text) {
  double s = 0;
  try {
    json j = json::parse(text);
    for (auto &[k, v] : j.items()) {
      if (v.is_number()) s += v.get<double>();
      else if (v.is_array()) for (auto &e : v) s += e.is_number() ? e.get<double>() : 0.0;
      else if (v.is_object() && v.contains("x")) s += v.get<Point>().x;
    }
    std::vector<Point> pts{{1, 2}, {3, 4}};
    json out = pts;
    s += double(out.dump().size());
  } catch (const json::exception &e) {
    s = -double(e.id);
  }
  return s;
}

int main() {
  std::printf("%g\n", weigh(R"({"a": 1.5, "b": [1, 2, "x"], "p": {"x": 0.25, "y": 2}})"));
  return 0;
}

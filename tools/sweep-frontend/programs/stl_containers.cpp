// The standard library as ordinary C++ uses it: containers, algorithms,
// smart pointers, exceptions thrown and caught, std::function, variant.
#include <algorithm>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <queue>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>
#include <cstdio>

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
};
struct Circle : Shape {
  double r;
  explicit Circle(double r) : r(r) {}
  double area() const override { return 3.14159 * r * r; }
};
struct Rect : Shape {
  double w, h;
  Rect(double w, double h) : w(w), h(h) {}
  double area() const override {
    if (w < 0 || h < 0) throw std::invalid_argument("negative side");
    return w * h;
  }
};

double total_area(const std::vector<std::unique_ptr<Shape>> &shapes) {
  double s = 0;
  for (const auto &sh : shapes) {
    try {
      s += sh->area();
    } catch (const std::exception &e) {
      s -= 1.0;
    }
  }
  return s;
}

using Value = std::variant<int, double, std::string>;
double weigh(const std::vector<Value> &vs) {
  double s = 0;
  for (const auto &v : vs) {
    s += std::visit([](const auto &x) -> double {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<T, std::string>) return double(x.size());
      else return double(x);
    }, v);
  }
  return s;
}

std::optional<double> find_key(const std::map<std::string, double> &m, const std::string &k) {
  auto it = m.find(k);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

double pipeline(std::vector<double> xs, const std::function<double(double)> &f) {
  std::sort(xs.begin(), xs.end(), std::greater<double>());
  std::transform(xs.begin(), xs.end(), xs.begin(), f);
  xs.erase(std::remove_if(xs.begin(), xs.end(), [](double v) { return v < 0; }), xs.end());
  std::deque<double> dq(xs.begin(), xs.end());
  std::list<double> li(dq.rbegin(), dq.rend());
  std::priority_queue<double> pq(li.begin(), li.end());
  double top = pq.empty() ? 0 : pq.top();
  std::set<int> seen;
  std::unordered_map<int, double> hist;
  for (double v : xs) { seen.insert(int(v)); hist[int(v) % 7] += v; }
  return std::accumulate(xs.begin(), xs.end(), 0.0) + top + double(seen.size()) + hist[3] +
         std::inner_product(xs.begin(), xs.end(), xs.begin(), 0.0);
}

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Circle>(1.5));
  shapes.push_back(std::make_unique<Rect>(2, 3));
  shapes.push_back(std::make_unique<Rect>(-2, 3));
  std::vector<Value> vs{1, 2.5, std::string("abc")};
  std::map<std::string, double> m{{"a", 1.0}, {"b", 2.0}};
  auto shared = std::make_shared<double>(4.0);
  double k = 1.5;
  double r = pipeline({3, -1, 4, 1, -5, 9, 2, 6}, [k, shared](double v) { return v * k - *shared; });
  std::printf("%g %g %g %g\n", total_area(shapes), weigh(vs), find_key(m, "b").value_or(-1), r);
  return 0;
}

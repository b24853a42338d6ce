// LLVM's own header-only data structures (ADT), built against the headers of the compiling clang.
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <cstdio>

double adt(llvm::ArrayRef<double> xs, llvm::StringRef key) {
  llvm::SmallVector<double, 8> v(xs.begin(), xs.end());
  llvm::sort(v);
  llvm::DenseMap<int, double> m;
  llvm::DenseSet<unsigned> seen;
  for (unsigned i = 0; i < v.size(); i++) { m[int(v[i] * 10)] += v[i]; seen.insert(i * 7); }
  llvm::SmallString<32> s(key);
  s += "_suffix";
  double acc = 0;
  for (auto &kv : m) acc += kv.second * kv.first;
  bool any = llvm::any_of(v, [](double d) { return d > 2.5; });
  llvm::SmallPtrSet<const double *, 4> ptrs;
  for (const double &d : xs) ptrs.insert(&d);
  return acc + double(s.size()) + (any ? 1 : 0) + double(ptrs.size()) + double(seen.size()) + (!key.empty() && key.front() == 'k' ? 0.5 : 0);
}

int main() {
  double xs[] = {3.0, 1.5, 2.75, 0.25};
  std::printf("%g\n", adt(xs, "key"));
  return 0;
}

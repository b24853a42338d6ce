//! Finite-difference checks for the examples: each example compares every gradient it computes
//! with `#[autodiff]` against central differences (or a closed form) and exits non-zero on a
//! mismatch.

/// Collects comparisons and prints one line per value.
pub struct Report {
    name: &'static str,
    checked: usize,
    failed: usize,
}

impl Report {
    pub fn new(name: &'static str) -> Report {
        println!("{name}:");
        Report { name, checked: 0, failed: 0 }
    }

    /// `got` against `want` within a relative tolerance `rtol` (with an absolute floor `rtol`).
    pub fn close(&mut self, what: &str, got: f64, want: f64, rtol: f64) {
        let err = (got - want).abs() / want.abs().max(1.0);
        let ok = err <= rtol && got.is_finite();
        self.checked += 1;
        if !ok {
            self.failed += 1;
        }
        println!("  {what:<28} {got:>16.9} {want:>16.9}  {err:9.1e}  {}", if ok { "ok" } else { "MISMATCH" });
    }

    /// Every entry of `got` against `want`.
    pub fn all_close(&mut self, what: &str, got: &[f64], want: &[f64], rtol: f64) {
        assert_eq!(got.len(), want.len(), "{what}: lengths differ");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            self.close(&format!("{what}[{i}]"), *g, *w, rtol);
        }
    }

    /// Prints the summary; exits with status 1 if anything disagreed.
    pub fn finish(self) {
        if self.failed > 0 {
            println!("FAILED: {} of {} values of {} disagree", self.failed, self.checked, self.name);
            std::process::exit(1);
        }
        println!("ok: {} values of {} agree", self.checked, self.name);
    }
}

/// Central difference of `f` at `x` along coordinate `i`, step relative to |x[i]|.
pub fn partial(f: &dyn Fn(&[f64]) -> f64, x: &[f64], i: usize) -> f64 {
    let h = 1e-6 * x[i].abs().max(1.0);
    let mut xp = x.to_vec();
    let mut xm = x.to_vec();
    xp[i] += h;
    xm[i] -= h;
    (f(&xp) - f(&xm)) / (2.0 * h)
}

/// The whole gradient of `f` at `x` by central differences.
pub fn gradient(f: &dyn Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    (0..x.len()).map(|i| partial(f, x, i)).collect()
}

/// A small deterministic generator (the examples need no crates).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407))
    }
    /// Uniform in [-1, 1).
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
    pub fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.next()).collect()
    }
}

//! Slices in loops: a chain energy (neighbouring differences, a nonlinear term per element),
//! and an in-place smoother that overwrites its input several times, so the reverse pass needs
//! values the forward pass destroyed.
use enzyme_autodiff::autodiff;
use fdcheck::{Report, Rng};

#[autodiff(d_energy, Reverse, Duplicated, Active, Active)]
fn energy(u: &[f64], k: f64) -> f64 {
    let mut e = 0.0;
    for i in 1..u.len() {
        let d = u[i] - u[i - 1];
        e += 0.5 * k * d * d;
    }
    for v in u {
        e += v.sin() * v.cos() + (1.0 + v * v).ln();
    }
    e
}

/// `steps` sweeps of a three-point smoother, in place; the ends stay fixed.
#[autodiff(d_relax, Reverse, Duplicated, Const)]
fn relax(u: &mut [f64], steps: usize) {
    let n = u.len();
    for _ in 0..steps {
        let mut prev = u[0];
        for i in 1..n - 1 {
            let next = 0.25 * prev + 0.5 * u[i] + 0.25 * u[i + 1] + 0.1 * (u[i] * u[i]).tanh();
            prev = u[i];
            u[i] = next;
        }
    }
}

/// Sum over a slice of pairs with an index-dependent weight and a branch.
#[autodiff(d_weighted, Reverse, Duplicated, Const, Active)]
fn weighted(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, (a, b)) in x.iter().zip(w).enumerate() {
        if *a > 0.0 {
            s += b * a * a / (i as f64 + 1.0);
        } else {
            s -= b * a;
        }
    }
    s
}

fn main() {
    let mut r = Report::new("slices in loops");
    let mut rng = Rng::new(11);
    let u = rng.vec(12);

    let mut du = vec![0.0; u.len()];
    let (e, dk) = d_energy(&u, &mut du, 1.7, 1.0);
    r.close("energy", e, energy(&u, 1.7), 1e-12);
    r.all_close("d energy / du", &du, &fdcheck::gradient(&|v| energy(v, 1.7), &u), 1e-6);
    r.close("d energy / dk", dk, fdcheck::partial(&|v| energy(&u, v[0]), &[1.7], 0), 1e-6);

    // L(u0) = sum_i w_i * relax(u0)_i: seed the shadow of u with w, read back dL/du0.
    let w = rng.vec(u.len());
    let mut state = u.clone();
    let mut shadow = w.clone();
    d_relax(&mut state, &mut shadow, 5);
    let mut after = u.clone();
    relax(&mut after, 5);
    r.all_close("relax: primal result", &state, &after, 1e-12);
    let fd = fdcheck::gradient(&|v| {
        let mut s = v.to_vec();
        relax(&mut s, 5);
        s.iter().zip(&w).map(|(a, b)| a * b).sum()
    }, &u);
    r.all_close("relax: dL/du0", &shadow, &fd, 1e-6);

    let mut dx = vec![0.0; u.len()];
    let s = d_weighted(&u, &mut dx, &w, 1.0);
    r.close("weighted", s, weighted(&u, &w), 1e-12);
    r.all_close("d weighted / dx", &dx, &fdcheck::gradient(&|v| weighted(v, &w), &u), 1e-6);
    r.finish();
}

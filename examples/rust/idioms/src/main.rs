//! Everyday Rust inside differentiated functions: a Vec collected from an iterator, `vec![0.0; n]`,
//! a Vec kept alive across calls that may panic (dropped on the unwind path), a Vec grown by
//! `push`, closures with filter/map/fold, `zip` of a Duplicated and a Const
//! slice, nested index loops, f64 methods (powf, hypot, atan2, max, min, abs), recursion, Option
//! and match; and arguments of other kinds: an owned Vec and a &str (Const), a raw pointer
//! (Duplicated). In a debug build these arrive as rustc's -O0 code, with every iterator adapter a
//! function of its own.
use enzyme_autodiff::autodiff;
use fdcheck::Report;

#[autodiff(d_collect, Reverse, Duplicated, Active)]
fn collect(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().map(|a| a * a + 1.0).collect();
    v.iter().map(|a| a.ln()).sum()
}

#[autodiff(d_zeros, Reverse, Duplicated, Active)]
fn zeros(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    for i in 0..n {
        v[i] = x[i] * x[(i + 1) % n];
    }
    v.iter().map(|a| a.sin()).sum()
}

#[inline(never)]
fn pick(v: &[f64], i: usize) -> f64 {
    v[i]
}

// `v` lives across calls that may panic (the bounds checks): with unwinding, its drop is on the
// cleanup path of each.
#[autodiff(d_unwind, Reverse, Duplicated, Active)]
#[autodiff(f_unwind, Forward, Dual, Dual)]
fn unwind(x: &[f64]) -> f64 {
    let v: Vec<f64> = x.iter().map(|a| a.exp()).collect();
    let mut s = 0.0;
    for i in 0..x.len() {
        s += pick(&v, i) * x[i];
    }
    s
}

// A Vec grown by push: RawVec's growth path (grow_one, finish_grow, realloc) is differentiated in
// both profiles (docs/rust.md, Debug builds).
#[autodiff(d_pushed, Reverse, Duplicated, Active)]
#[autodiff(f_pushed, Forward, Dual, Dual)]
fn pushed(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for k in 0..3 {
        for a in x {
            v.push(a * (k as f64 + 1.0));
        }
    }
    v.iter().fold(0.0, |s, a| s + a.tanh())
}

// A Const slice zipped with a Duplicated one: the iterator over `w` needs a shadow (a zeroed
// stand-in in debug builds), and `w` is left as it was.
#[autodiff(d_zip_const, Reverse, Duplicated, Const, Active)]
#[autodiff(f_zip_const, Forward, Dual, Const, Dual)]
fn zip_const(x: &[f64], w: &[f64]) -> f64 {
    x.iter().zip(w.iter()).map(|(a, b)| a * b.sin()).sum()
}

#[autodiff(d_closure, Reverse, Duplicated, Active, Active)]
fn closure(x: &[f64], k: f64) -> f64 {
    let g = |a: f64| (k * a).tanh();
    x.iter().filter(|a| **a > -0.5).map(|a| g(*a)).fold(0.0, |s, b| s + b * b)
}

#[autodiff(d_matmul, Reverse, Duplicated, Duplicated, Const, Active)]
fn matmul(a: &[f64], b: &[f64], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            let mut c = 0.0;
            for k in 0..n {
                c += a[i * n + k] * b[k * n + j];
            }
            s += c * c;
        }
    }
    s
}

#[autodiff(d_math, Reverse, Active, Active, Active)]
fn math(x: f64, y: f64) -> f64 {
    x.powf(y) + x.exp().sqrt() + x.max(y) * y.min(0.5) + (x * y).sin().abs() + x.hypot(y) + x.atan2(y)
}

fn rec(x: f64, n: u32) -> f64 {
    if n == 0 {
        x
    } else {
        rec(x * x.cos(), n - 1) + x
    }
}

#[autodiff(d_recursive, Reverse, Active, Active)]
fn recursive(x: f64) -> f64 {
    rec(x, 5)
}

#[autodiff(d_largest, Reverse, Duplicated, Active)]
fn largest_squared(x: &[f64]) -> f64 {
    let m = x.iter().cloned().fold(None, |m: Option<f64>, a| match m {
        Some(b) if b > a => Some(b),
        _ => Some(a),
    });
    match m {
        Some(v) => v * v,
        None => 0.0,
    }
}

// An owned Vec moves into the function (Const): it is dropped there, once.
#[autodiff(d_owned, Reverse, Const, Duplicated, Active)]
fn owned(weights: Vec<f64>, x: &[f64]) -> f64 {
    weights.iter().zip(x).map(|(w, a)| w * a * a).sum()
}

#[autodiff(d_named, Reverse, Const, Active, Active)]
fn named(label: &str, x: f64) -> f64 {
    label.len() as f64 * x * x
}

#[autodiff(d_raw, Reverse, Duplicated, Const, Active)]
unsafe fn raw(p: *const f64, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += (*p.add(i)).sin();
    }
    s
}

fn main() {
    let mut r = Report::new("Rust idioms");
    let x = [0.3, -0.7, 1.1, 0.4, -0.2, 0.9];

    let mut dx = vec![0.0; x.len()];
    d_collect(&x, &mut dx, 1.0);
    r.all_close("collect", &dx, &fdcheck::gradient(&|v| collect(v), &x), 1e-6);

    let mut dx = vec![0.0; x.len()];
    let (_, dk) = d_closure(&x, &mut dx, 1.3, 1.0);
    r.all_close("closure dx", &dx, &fdcheck::gradient(&|v| closure(v, 1.3), &x), 1e-6);
    r.close("closure dk", dk, fdcheck::partial(&|v| closure(&x, v[0]), &[1.3], 0), 1e-6);

    let mut dx = vec![0.0; x.len()];
    d_zeros(&x, &mut dx, 1.0);
    r.all_close("vec![0.0; n]", &dx, &fdcheck::gradient(&|v| zeros(v), &x), 1e-6);

    let t = [1.0, 0.5, -0.25, 2.0, 0.0, -1.0];
    let along = |g: &[f64]| g.iter().zip(&t).map(|(a, b)| a * b).sum::<f64>();
    let mut dx = vec![0.0; x.len()];
    d_unwind(&x, &mut dx, 1.0);
    r.all_close("Vec on the unwind path", &dx, &fdcheck::gradient(&|v| unwind(v), &x), 1e-6);
    let (_, d) = f_unwind(&x, &t);
    r.close("Vec on the unwind path: forward", d, along(&fdcheck::gradient(&|v| unwind(v), &x)), 1e-6);

    let mut dx = vec![0.0; x.len()];
    d_pushed(&x, &mut dx, 1.0);
    r.all_close("Vec grown by push", &dx, &fdcheck::gradient(&|v| pushed(v), &x), 1e-6);
    let (_, d) = f_pushed(&x, &t);
    r.close("Vec grown by push: forward", d, along(&fdcheck::gradient(&|v| pushed(v), &x)), 1e-6);

    let w = [1.0, -1.0, 0.5, 0.25, 2.0, -0.5];
    let mut dx = vec![0.0; x.len()];
    d_zip_const(&x, &mut dx, &w, 1.0);
    r.all_close("zip with a Const slice", &dx, &fdcheck::gradient(&|v| zip_const(v, &w), &x), 1e-6);
    r.all_close("zip: the Const slice is unchanged", &w, &[1.0, -1.0, 0.5, 0.25, 2.0, -0.5], 0.0);
    let (_, d) = f_zip_const(&x, &t, &w);
    r.close("zip with a Const slice: forward", d, along(&fdcheck::gradient(&|v| zip_const(v, &w), &x)), 1e-6);

    let a = [0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8, 0.9];
    let b = [1.0, -1.0, 0.5, 0.25, 2.0, -0.5, 0.3, 0.6, -0.9];
    let (mut da, mut db) = (vec![0.0; 9], vec![0.0; 9]);
    d_matmul(&a, &mut da, &b, &mut db, 3, 1.0);
    r.all_close("matmul da", &da, &fdcheck::gradient(&|v| matmul(v, &b, 3), &a), 1e-6);
    r.all_close("matmul db", &db, &fdcheck::gradient(&|v| matmul(&a, v, 3), &b), 1e-6);

    let (_, gx, gy) = d_math(1.3, 0.7, 1.0);
    r.close("math dx", gx, fdcheck::partial(&|v| math(v[0], v[1]), &[1.3, 0.7], 0), 1e-6);
    r.close("math dy", gy, fdcheck::partial(&|v| math(v[0], v[1]), &[1.3, 0.7], 1), 1e-6);

    let (_, g) = d_recursive(0.8, 1.0);
    r.close("recursion", g, fdcheck::partial(&|v| recursive(v[0]), &[0.8], 0), 1e-6);

    let mut dx = vec![0.0; x.len()];
    d_largest(&x, &mut dx, 1.0);
    r.all_close("Option and match", &dx, &fdcheck::gradient(&|v| largest_squared(v), &x), 1e-6);

    let w = vec![1.0, 2.0, -1.0, 0.5, 3.0, 0.25];
    let mut dx = vec![0.0; x.len()];
    let v = d_owned(w.clone(), &x, &mut dx, 1.0);
    r.close("owned Vec: value", v, owned(w.clone(), &x), 1e-12);
    r.all_close("owned Vec: dx", &dx, &fdcheck::gradient(&|a| owned(w.clone(), a), &x), 1e-6);

    let (v, g) = d_named("four", 1.5, 1.0);
    r.close("&str: value", v, 9.0, 1e-12);
    r.close("&str: dx", g, 12.0, 1e-12);

    let mut dx = vec![0.0; x.len()];
    // Safety: both pointers are valid for x.len() elements.
    let v = unsafe { d_raw(x.as_ptr(), dx.as_mut_ptr(), x.len(), 1.0) };
    r.close("raw pointer: value", v, x.iter().map(|a| a.sin()).sum(), 1e-12);
    r.all_close("raw pointer: dx", &dx, &x.map(|a| a.cos()), 1e-12);
    r.finish();
}

//! f32 throughout: Active f32 scalars travel through C's variadic call as f64 and are narrowed
//! back by enzyme-ts; f32 math (exp, ln, sqrt, powi) has f32 derivatives.
use enzyme_autodiff::autodiff;
use fdcheck::{Report, Rng};

#[autodiff(d_lse, Reverse, Duplicated, Active, Active)]
fn logsumexp(x: &[f32], temperature: f32) -> f32 {
    let m = x.iter().fold(f32::NEG_INFINITY, |a, b| a.max(*b));
    let s: f32 = x.iter().map(|v| ((v - m) / temperature).exp()).sum();
    m / temperature + s.ln()
}

#[autodiff(d_norm, Reverse, Duplicated, Active)]
fn norm(v: &[f32; 3]) -> f32 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

#[autodiff(d_poly, Reverse, Active, Active, Const, Active)]
fn poly(x: f32, y: f32, scale: f32) -> f32 {
    scale * (x.powi(3) - 2.0 * x * y + y.powi(2) / (1.0 + x * x))
}

// Five Active f32 arguments: their gradients come back in a 20-byte struct, which the C ABI
// returns through memory (a hidden sret pointer) rather than in registers.
#[autodiff(d_five, Reverse, Active, Active, Active, Active, Active, Active)]
fn five(a: f32, b: f32, c: f32, d: f32, e: f32) -> f32 {
    a * b + c * c * d - e.sin()
}

// Three Active f64 arguments: 24 bytes, also through memory.
#[autodiff(d_three, Reverse, Active, Active, Active, Active)]
fn three(a: f64, b: f64, c: f64) -> f64 {
    a * b * c + a.exp()
}

fn lse64(x: &[f64], t: f64) -> f64 {
    let m = x.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b));
    m / t + x.iter().map(|v| ((v - m) / t).exp()).sum::<f64>().ln()
}

fn main() {
    let mut r = Report::new("f32");
    let mut rng = Rng::new(5);
    let x64 = rng.vec(8);
    let x: Vec<f32> = x64.iter().map(|v| *v as f32).collect();
    let xw: Vec<f64> = x.iter().map(|v| *v as f64).collect();
    let tol = 2e-3;

    let mut dx = vec![0.0f32; x.len()];
    let (value, dt) = d_lse(&x, &mut dx, 0.8, 1.0);
    r.close("logsumexp", value as f64, lse64(&xw, 0.8), 1e-5);
    let got: Vec<f64> = dx.iter().map(|v| *v as f64).collect();
    r.all_close("d lse / dx", &got, &fdcheck::gradient(&|v| lse64(v, 0.8), &xw), tol);
    r.close("d lse / dtemperature", dt as f64, fdcheck::partial(&|v| lse64(&xw, v[0]), &[0.8], 0), tol);
    let total: f64 = got.iter().sum();
    r.close("softmax sums to 1/temperature", total, 1.0 / 0.8, tol);

    let v = [3.0f32, -4.0, 12.0];
    let mut dv = [0.0f32; 3];
    let n = d_norm(&v, &mut dv, 1.0);
    r.close("norm", n as f64, 13.0, 1e-6);
    r.all_close("d norm / dv", &dv.map(|a| a as f64), &[3.0 / 13.0, -4.0 / 13.0, 12.0 / 13.0], 1e-6);

    let (value, gx, gy) = d_poly(1.25, -0.5, 2.0, 1.0);
    let p64 = |v: &[f64]| 2.0 * (v[0].powi(3) - 2.0 * v[0] * v[1] + v[1].powi(2) / (1.0 + v[0] * v[0]));
    r.close("poly", value as f64, p64(&[1.25, -0.5]), 1e-5);
    r.close("d poly / dx", gx as f64, fdcheck::partial(&p64, &[1.25, -0.5], 0), tol);
    r.close("d poly / dy", gy as f64, fdcheck::partial(&p64, &[1.25, -0.5], 1), tol);

    let at = [0.5, -1.5, 2.0, 0.25, 1.0];
    let (value, ga, gb, gc, gd, ge) = d_five(0.5, -1.5, 2.0, 0.25, 1.0, 1.0);
    let f5 = |v: &[f64]| v[0] * v[1] + v[2] * v[2] * v[3] - v[4].sin();
    r.close("five", value as f64, f5(&at), 1e-6);
    r.all_close("d five", &[ga, gb, gc, gd, ge].map(|g| g as f64), &fdcheck::gradient(&f5, &at), tol);

    let (value, ga, gb, gc) = d_three(0.5, -1.5, 2.0, 1.0);
    let f3 = |v: &[f64]| three(v[0], v[1], v[2]);
    r.close("three (f64)", value, f3(&[0.5, -1.5, 2.0]), 1e-12);
    r.all_close("d three (f64)", &[ga, gb, gc], &fdcheck::gradient(&f3, &[0.5, -1.5, 2.0]), 1e-6);
    r.finish();
}

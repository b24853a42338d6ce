//! Forward mode: directional derivatives (Jacobian-vector products), one direction per call or
//! several with Forward(N).
use enzyme_autodiff::{autodiff, autodiff_forward};
use fdcheck::Report;

// d/dt f(x + t*bx, y + t*by) for scalars, primal and tangent returned.
#[autodiff(df, Forward, Dual, Dual, Dual)]
fn f(x: f64, y: f64) -> f64 {
    x * x * y + y.sin()
}

// A slice input with its tangent slice; only the tangent of the result is wanted.
#[autodiff_forward(d_norm2, Dual, DualOnly)]
fn norm2(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum()
}

// Three directions at once: [f, df.b0, df.b1, df.b2].
#[autodiff(df3, Forward(3), Dual, Const, Dual)]
fn g(x: f64, k: f64) -> f64 {
    (k * x).exp()
}

fn main() {
    let mut r = Report::new("forward mode");
    let (x, y) = (1.5, -0.5);
    let (value, tangent) = df(x, 1.0, y, 0.0);
    r.close("f", value, f(x, y), 1e-12);
    r.close("df/dx", tangent, fdcheck::partial(&|v| f(v[0], v[1]), &[x, y], 0), 1e-6);
    let (_, tangent) = df(x, 0.0, y, 1.0);
    r.close("df/dy", tangent, fdcheck::partial(&|v| f(v[0], v[1]), &[x, y], 1), 1e-6);

    let v = [1.0, 2.0, -3.0];
    let dir = [0.5, 0.0, 1.0];
    let t = d_norm2(&v, &dir);
    r.close("d norm2 . dir", t, 2.0 * (1.0 * 0.5 + -3.0 * 1.0), 1e-12);

    let out = df3(0.3, 1.0, 2.0, 3.0, 1.7);
    r.close("g", out[0], g(0.3, 1.7), 1e-12);
    for (k, s) in [1.0, 2.0, 3.0].iter().enumerate() {
        r.close(&format!("dg . {s}"), out[k + 1], s * 1.7 * (1.7f64 * 0.3).exp(), 1e-9);
    }
    r.finish();
}

//! The seed's first example: f(x, y) = x² + 3y, whose gradient is [2x, 3], with `y` first
//! Active (passed by value, its gradient returned) and then Duplicated (passed by reference,
//! its gradient added into a shadow).
use enzyme_autodiff::autodiff;
use fdcheck::Report;

#[autodiff(df, Reverse, Active, Active, Active)]
fn f(x: f32, y: f32) -> f32 {
    x * x + 3.0 * y
}

#[autodiff(dg, Reverse, Active, Duplicated, Active)]
fn g(x: f32, y: &f32) -> f32 {
    x * x + 3.0 * y
}

/// The same function in f64, for finite differences.
fn f64_twin(v: &[f64]) -> f64 {
    v[0] * v[0] + 3.0 * v[1]
}

fn main() {
    let mut r = Report::new("seed: f(x, y) = x*x + 3*y");
    let (x, y) = (5.0f32, 2.0f32);
    let fd = fdcheck::gradient(&f64_twin, &[x as f64, y as f64]);

    // df(x, y, seed) -> (f, df/dx, df/dy)
    let (value, dx, dy) = df(x, y, 1.0);
    r.close("f(5, 2)", value as f64, 31.0, 1e-6);
    r.close("Active x: df/dx", dx as f64, fd[0], 1e-5);
    r.close("Active y: df/dy", dy as f64, fd[1], 1e-5);

    // The seed scales every gradient: d(seed * f).
    let (_, dx2, dy2) = df(x, y, 0.5);
    r.close("seed 0.5: df/dx", dx2 as f64, 0.5 * fd[0], 1e-5);
    r.close("seed 0.5: df/dy", dy2 as f64, 0.5 * fd[1], 1e-5);

    // dg(x, &y, &mut dy, seed) -> (f, df/dx); the gradient of y is added into dy.
    let mut dy_shadow = 0.0f32;
    let (value, dx) = dg(x, &y, &mut dy_shadow, 1.0);
    r.close("Duplicated y: f(5, 2)", value as f64, 31.0, 1e-6);
    r.close("Duplicated y: df/dx", dx as f64, fd[0], 1e-5);
    r.close("Duplicated y: dy", dy_shadow as f64, fd[1], 1e-5);

    // Shadows accumulate: five more calls add five more gradients.
    for _ in 0..5 {
        dg(x, &y, &mut dy_shadow, 1.0);
    }
    r.close("dy after 6 calls", dy_shadow as f64, 6.0 * fd[1], 1e-5);
    r.finish();
}

// `enzyme-ts cargo test` links test binaries the same way.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_of_the_seed_example() {
        let (value, dx, dy) = df(5.0, 2.0, 1.0);
        assert_eq!((value, dx, dy), (31.0, 10.0, 3.0));
        let mut dy = 0.0;
        let (_, dx) = dg(-1.5, &4.0, &mut dy, 2.0);
        assert_eq!((dx, dy), (-6.0, 6.0));
    }
}

//! Batched reverse mode, `Reverse(2)`: two vector-Jacobian products in one call. Each Duplicated
//! argument gets two shadows, an Active argument two gradients (`[T; 2]`), an Active return two
//! seeds (`dret: [T; 2]`). The seed says Rust does not expose batching yet; enzyme-ts does.
use enzyme_autodiff::autodiff;
use fdcheck::{Report, Rng};

/// A map from R^3 to R^2, written into `out`: two rows of its Jacobian per call.
#[autodiff(jacobian_rows, Reverse(2), Duplicated, Duplicated)]
fn field(x: &[f64; 3], out: &mut [f64; 2]) {
    out[0] = x[0] * x[1].sin() + x[2] * x[2];
    out[1] = (x[0] * x[2]).exp() - x[1] / (1.0 + x[0] * x[0]);
}

/// The seed's batched training loss: two seeds for the loss, two shadows for the weights,
/// the images Const and the loss itself not needed.
#[autodiff(backprop2, Reverse(2), Const, Duplicated, DuplicatedNoNeed)]
fn training_loss(images: &[f64], weights: &[f64]) -> f64 {
    let mut loss = 0.0;
    for img in images.chunks(weights.len()) {
        let z: f64 = img.iter().zip(weights).map(|(a, b)| a * b).sum();
        loss += (1.0 + (-z).exp()).ln();
    }
    loss
}

/// An Active scalar in batch mode: its gradient comes back as [f64; 2], one per seed.
#[autodiff(d_scaled, Reverse(2), Active, Duplicated, Active)]
fn scaled_norm(scale: f64, v: &[f64]) -> f64 {
    scale * v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn main() {
    let mut r = Report::new("Reverse(2)");
    let mut rng = Rng::new(3);

    // Both rows of the Jacobian of `field` at once: seeds e0 and e1 in the two shadows of out.
    let x = [0.3, -1.2, 0.7];
    let (mut dx0, mut dx1) = ([0.0; 3], [0.0; 3]);
    let mut out = [0.0; 2];
    let (mut seed0, mut seed1) = ([1.0, 0.0], [0.0, 1.0]);
    jacobian_rows(&x, &mut dx0, &mut dx1, &mut out, &mut seed0, &mut seed1);
    for row in 0..2 {
        let fd = fdcheck::gradient(&|v| {
            let mut o = [0.0; 2];
            field(&[v[0], v[1], v[2]], &mut o);
            o[row]
        }, &x);
        r.all_close(&format!("J row {row}"), if row == 0 { &dx0 } else { &dx1 }, &fd, 1e-6);
    }
    r.close("out seeds are consumed (zeroed)", seed0[0].abs() + seed1[1].abs(), 0.0, 0.0);

    // Two seeds of the loss at once: lane k holds seed_k * gradient.
    let images = rng.vec(24);
    let weights = rng.vec(4);
    let fd = fdcheck::gradient(&|w| training_loss(&images, w), &weights);
    let (mut dw0, mut dw1) = (vec![0.0; 4], vec![0.0; 4]);
    backprop2(&images, &weights, &mut dw0, &mut dw1, [1.0, -0.25]);
    r.all_close("lane 0 (seed 1)", &dw0, &fd, 1e-6);
    let fd_scaled: Vec<f64> = fd.iter().map(|g| -0.25 * g).collect();
    r.all_close("lane 1 (seed -0.25)", &dw1, &fd_scaled, 1e-6);

    // An Active argument: [d/dscale in lane 0, in lane 1].
    let v = rng.vec(5);
    let (mut dv0, mut dv1) = (vec![0.0; 5], vec![0.0; 5]);
    let (value, dscale) = d_scaled(1.5, &v, &mut dv0, &mut dv1, [1.0, 2.0]);
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    r.close("value", value, 1.5 * norm, 1e-12);
    r.close("lane 0: d/dscale", dscale[0], norm, 1e-9);
    r.close("lane 1: d/dscale", dscale[1], 2.0 * norm, 1e-9);
    let fd_v = fdcheck::gradient(&|w| scaled_norm(1.5, w), &v);
    r.all_close("lane 0: dv", &dv0, &fd_v, 1e-6);
    let fd_v2: Vec<f64> = fd_v.iter().map(|g| 2.0 * g).collect();
    r.all_close("lane 1: dv", &dv1, &fd_v2, 1e-6);
    r.finish();
}

//! The seed's training story: `training_loss(images, weights)` differentiated four ways, from
//! "everything" to "only the weights' gradient, and the weights may be used as scratch".
//! The loss is a small logistic regression with an L2 penalty; each image is a row of
//! `FEATURES` values, and its label is the sign of its first feature.
use enzyme_autodiff::autodiff;
use fdcheck::{Report, Rng};

const FEATURES: usize = 4;

/// The math, written once for f32 (differentiated) and f64 (finite differences).
macro_rules! do_some_math {
    ($t:ty, $images:expr, $weights:expr) => {{
        let (images, weights): (&[$t], &[$t]) = ($images, $weights);
        let mut loss: $t = 0.0;
        for img in images.chunks(FEATURES) {
            let label: $t = if img[0] > 0.0 { 1.0 } else { -1.0 };
            let mut z: $t = 0.0;
            for (x, w) in img.iter().zip(weights) {
                z += x * w;
            }
            loss += (1.0 + (-label * z).exp()).ln();
        }
        let mut penalty: $t = 0.0;
        for w in weights {
            penalty += w * w;
        }
        loss / (images.len() / FEATURES) as $t + 0.01 * penalty
    }};
}

// Everything: gradients for the images too.
#[autodiff(backprop_all, Reverse, Duplicated, Duplicated, Active)]
fn training_loss(images: &[f32], weights: &[f32]) -> f32 {
    do_some_math!(f32, images, weights)
}

// The images are data, not parameters: Const (the seed spells it Constant).
#[autodiff(backprop, Reverse, Constant, Duplicated, Active)]
fn training_loss_const(images: &[f32], weights: &[f32]) -> f32 {
    do_some_math!(f32, images, weights)
}

// The loss itself is not needed: a DuplicatedNoNeed return (std::autodiff's ActiveOnly).
#[autodiff(backprop_noloss, Reverse, Constant, Duplicated, DuplicatedNoNeed)]
fn training_loss_noloss(images: &[f32], weights: &[f32]) -> f32 {
    do_some_math!(f32, images, weights)
}

// Not even the weights afterwards: they may serve as scratch space, so the call is unsafe.
#[autodiff(backprop_scratch, Reverse, Constant, DuplicatedNoNeed, DuplicatedNoNeed)]
fn training_loss_scratch(images: &[f32], weights: &[f32]) -> f32 {
    do_some_math!(f32, images, weights)
}

fn loss64(images: &[f64], weights: &[f64]) -> f64 {
    do_some_math!(f64, images, weights)
}

fn widen(v: &[f32]) -> Vec<f64> {
    v.iter().map(|x| *x as f64).collect()
}

fn main() {
    let mut r = Report::new("training_loss(images, weights)");
    let mut rng = Rng::new(7);
    let n_images = 16;
    let images: Vec<f32> = rng.vec(n_images * FEATURES).iter().map(|x| *x as f32).collect();
    let mut weights: Vec<f32> = rng.vec(FEATURES).iter().map(|x| 0.5 * *x as f32).collect();
    let (im64, w64) = (widen(&images), widen(&weights));
    let fd_w = fdcheck::gradient(&|w| loss64(&im64, w), &w64);
    let fd_im = fdcheck::gradient(&|im| loss64(im, &w64), &im64);
    let tol = 1e-3; // the gradients are computed in f32

    let mut dimages = vec![0.0f32; images.len()];
    let mut dweights = vec![0.0f32; FEATURES];
    let loss = backprop_all(&images, &mut dimages, &weights, &mut dweights, 1.0);
    r.close("Duplicated: loss", loss as f64, loss64(&im64, &w64), 1e-5);
    r.all_close("Duplicated: dweights", &widen(&dweights), &fd_w, tol);
    r.all_close("Duplicated: dimages", &widen(&dimages[..8]), &fd_im[..8], tol);
    let worst = widen(&dimages).iter().zip(&fd_im).map(|(g, w)| (g - w).abs()).fold(0.0, f64::max);
    r.close("Duplicated: max |dimages - fd|", worst, 0.0, tol);

    let mut dweights = vec![0.0f32; FEATURES];
    let loss = backprop(&images, &weights, &mut dweights, 1.0);
    r.close("Const images: loss", loss as f64, loss64(&im64, &w64), 1e-5);
    r.all_close("Const images: dweights", &widen(&dweights), &fd_w, tol);

    let mut dweights = vec![0.0f32; FEATURES];
    backprop_noloss(&images, &weights, &mut dweights, 1.0);
    r.all_close("no loss: dweights", &widen(&dweights), &fd_w, tol);

    let mut scratch = weights.clone();
    let mut dweights = vec![0.0f32; FEATURES];
    // Safety: `scratch` is a copy that is not read afterwards.
    unsafe { backprop_scratch(&images, &scratch, &mut dweights, 1.0) };
    scratch.clear();
    r.all_close("weights as scratch: dweights", &widen(&dweights), &fd_w, tol);

    // And train: a few steps of gradient descent must lower the loss.
    let start = training_loss(&images, &weights);
    for _ in 0..50 {
        let mut g = vec![0.0f32; FEATURES];
        backprop_noloss(&images, &weights, &mut g, 1.0);
        for (w, gw) in weights.iter_mut().zip(&g) {
            *w -= 0.5 * gw;
        }
    }
    let end = training_loss(&images, &weights);
    println!("  loss {start:.6} -> {end:.6} after 50 steps of gradient descent");
    r.close("training lowers the loss", (end < start) as u8 as f64, 1.0, 0.0);
    r.finish();
}

// The mode and the width.
use enzyme_autodiff::{autodiff, autodiff_reverse};

#[autodiff(d1, Backward, Active, Active)] //~ ERROR expected the mode Reverse, Reverse(N), Forward or Forward(N), found `Backward`
pub fn f1(x: f64) -> f64 {
    x
}

#[autodiff(d2, Reverse(0), Active, Active)] //~ ERROR the batch width must be an integer from 1 to 64, found `0`
pub fn f2(x: f64) -> f64 {
    x
}

#[autodiff_reverse(d3, Reverse, Active, Active)] //~ ERROR #[autodiff_reverse] implies the mode: remove `Reverse`
pub fn f3(x: f64) -> f64 {
    x
}

#[autodiff(d4)] //~ ERROR missing the mode (Reverse or Forward)
pub fn f4(x: f64) -> f64 {
    x
}

#[autodiff(f5, Reverse, Active, Active)] //~ ERROR the derivative needs a name of its own, not `f5`
pub fn f5(x: f64) -> f64 {
    x
}

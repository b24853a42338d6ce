// Activities that do not fit the signature: each error points at the activity.
use enzyme_autodiff::autodiff;

#[autodiff(d1, Reverse, Duplicated, Duplicated, Active)] //~ ERROR `x: f32` cannot be Duplicated
pub fn f1(x: f32, y: &f32) -> f32 {
    x * x + 3.0 * y
}

#[autodiff(d2, Reverse, Active, Active, Active)] //~ ERROR `y: &f32` cannot be Active
pub fn f2(x: f32, y: &f32) -> f32 {
    x * x + 3.0 * y
}

#[autodiff(d3, Reverse, Active, Dupl, Active)] //~ ERROR unknown activity `Dupl`
pub fn f3(x: f32, y: &f32) -> f32 {
    x * x + 3.0 * y
}

#[autodiff(d4, Reverse, Active, Dual, Active)] //~ ERROR Dual is a forward-mode activity
pub fn f4(x: f32, y: &f32) -> f32 {
    x * x + 3.0 * y
}

#[autodiff(d5, Reverse, Duplicated, Const, Active)] //~ ERROR `s: &str` has no derivative
pub fn f5(s: &str, n: usize) -> f32 {
    (s.len() + n) as f32
}

#[autodiff(d6, Reverse, Duplicated, ActiveOnly)] //~ ERROR the return `&f64` cannot be ActiveOnly
pub fn f6(x: &f64) -> &f64 {
    x
}

// Type errors the macro cannot see itself: an Active value that is not a float. The check the
// expansion contains names the problem.
use enzyme_autodiff::autodiff;

pub type Real = i32;

#[autodiff(d1, Reverse, Active, Active)] //~ ERROR `i32` is not a floating-point type
pub fn f1(x: Real) -> f64 {
    x as f64
}

// Wrong numbers of activities: the error points at the argument list.
use enzyme_autodiff::autodiff;

#[autodiff(d1, Reverse, Active, Active)] //~ ERROR expected 3 activities: one for each of the 2 parameters of `f1`, then one for its return, found 2
pub fn f1(x: f32, y: f32) -> f32 {
    x * y
}

#[autodiff(d2, Reverse, Duplicated, Duplicated, Active)] //~ ERROR `f2` returns nothing, so its return cannot be Active
pub fn f2(x: &[f64], y: &mut f64) {
    *y = x[0];
}

#[autodiff(d3, Reverse, Duplicated)] //~ ERROR expected 2 activities (one for each parameter of `f3`; its return activity, None, may be left out), found 1
pub fn f3(x: &[f64], y: &mut f64) {
    *y = x[0];
}

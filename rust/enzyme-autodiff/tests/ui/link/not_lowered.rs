// Built with plain rustc, not `enzyme-ts cargo`: nothing generates the derivative, so linking
// fails, and the undefined symbol says what to do.
use enzyme_autodiff::autodiff;

#[autodiff(df, Reverse, Active, Duplicated, Active)]
fn f(x: f32, y: &f32) -> f32 {
    x * x + 3.0 * y
}

fn main() {
    let mut dy = 0.0;
    println!("{:?}", df(5.0, &2.0, &mut dy, 1.0));
}

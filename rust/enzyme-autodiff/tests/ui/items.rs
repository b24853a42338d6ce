// What the attribute cannot be put on.
use enzyme_autodiff::autodiff;

#[autodiff(d1, Reverse, Active, Active)]
pub fn f1<T: Copy>(x: T) -> T { //~ ERROR #[autodiff] does not support generic parameters yet (`T: Copy`)
    x
}

#[autodiff(d2, Reverse, Active, Active)]
pub async fn f2(x: f64) -> f64 { //~ ERROR #[autodiff] cannot differentiate an async function
    x
}

#[autodiff(d3, Reverse, Active, Active)]
pub struct S3 { //~ ERROR #[autodiff] must be placed on a function (`fn`)
    pub x: f64,
}

pub struct P;
impl P {
    #[autodiff(d4, Reverse, Const, Active)]
    pub fn f4(&self) -> f64 { //~ ERROR #[autodiff] does not support methods (`self`) yet
        1.0
    }
}

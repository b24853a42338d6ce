//! The generated functions type-check with the signatures std::autodiff gives them. Nothing here
//! calls a derivative (that needs `enzyme-ts cargo`; the examples in examples/rust do): each
//! signature is checked by coercing `df` to a function pointer type inside a generic function
//! that is never instantiated, so it is type-checked but never compiled to code.
#![allow(dead_code)]
use enzyme_autodiff::{autodiff, autodiff_forward, autodiff_reverse};

#[autodiff(df, Reverse, Active, Duplicated, Active)]
fn f(x: f32, y: &f32) -> f32 {
    x * x + 3.0 * y
}

#[autodiff(df_all_active, Reverse, Active, Active, Active)]
fn f_all_active(x: f32, y: f32) -> f32 {
    x * x + 3.0 * y
}

#[autodiff(backprop, Reverse, Constant, Duplicated, Active)]
fn training_loss(images: &[f32], weights: &[f32]) -> f32 {
    images.iter().zip(weights.iter().cycle()).map(|(a, b)| a * b).sum()
}

#[autodiff(backprop_noloss, Reverse, Const, Duplicated, DuplicatedNoNeed)]
fn training_loss2(images: &[f32], weights: &[f32]) -> f32 {
    images.iter().zip(weights.iter().cycle()).map(|(a, b)| a * b).sum()
}

#[autodiff(backprop_scratch, Reverse, Const, DuplicatedNoNeed, DuplicatedNoNeed)]
fn training_loss3(images: &[f32], weights: &[f32]) -> f32 {
    images.iter().zip(weights.iter().cycle()).map(|(a, b)| a * b).sum()
}

#[autodiff(backprop2, Reverse(2), Const, Duplicated, DuplicatedNoNeed)]
fn training_loss4(images: &[f32], weights: &[f32]) -> f32 {
    images.iter().zip(weights.iter().cycle()).map(|(a, b)| a * b).sum()
}

#[derive(Clone, Copy, Default)]
pub struct Particle {
    pos: [f64; 2],
    mass: f64,
}

#[autodiff_reverse(d_energy, Duplicated, Const, Active)]
pub fn energy(p: &Particle, g: f64) -> f64 {
    p.mass * g * p.pos[1]
}

#[autodiff_reverse(d_step, 2, Duplicated, Active, Duplicated)]
fn step(p: &Particle, dt: f64, next: &mut Particle) {
    next.pos = [p.pos[0] + dt, p.pos[1]];
    next.mass = p.mass;
}

#[autodiff(d_inplace, Reverse, Duplicated, Const)]
fn inplace(u: &mut [f64], n: usize) {
    for _ in 0..n {
        u[0] *= 2.0;
    }
}

#[autodiff(d_const_ret, Reverse, Duplicated, Const)]
fn count(u: &[f64]) -> usize {
    u.len()
}

#[autodiff(d_owned, Reverse, Const, Active, Active)]
fn owned(v: Vec<f64>, x: f64) -> f64 {
    v.iter().sum::<f64>() * x
}

#[autodiff(d_str, Reverse, Const, Active, Active)]
fn with_str(s: &str, x: f64) -> f64 {
    s.len() as f64 * x
}

#[autodiff(d_raw, Reverse, Duplicated, Active)]
unsafe fn raw(p: *const f64) -> f64 {
    *p * *p
}

type Real = f64;

#[autodiff(d_alias, Reverse, Active, Active)]
fn alias(x: Real) -> Real {
    x.sin()
}

#[autodiff(d_lifetimes, Reverse, Duplicated, Duplicated, Active)]
fn lifetimes<'a, 'b>(a: &'a [f64], b: &'b [f64; 3]) -> f64 {
    a[0] * b[2]
}

#[autodiff(d_patterns, Reverse, Active, Const, Active)]
fn patterns(mut x: f64, _: u8) -> f64 {
    x += 1.0;
    x * x
}

#[autodiff_forward(fwd, Dual, Const, Dual)]
fn fwd_target(x: &[f64], y: f64) -> f64 {
    x[0] * y
}

#[autodiff(fwd2, Forward(2), Dual, DualOnly)]
fn fwd_batch(x: f64) -> f64 {
    x * x
}

#[autodiff(fwd3, Forward, DualOnly, Dual)]
fn fwd_noneed(x: &[f64]) -> f64 {
    x[0]
}

// Two derivatives of one function.
#[autodiff(d_twice_x, Reverse, Active, Const, Active)]
#[autodiff(d_twice_y, Reverse, Const, Active, Active)]
fn twice(x: f64, y: f64) -> f64 {
    x * y
}

#[autodiff(d_shadow_names, Reverse, Duplicated, Duplicated, Active)]
fn shadow_names(x: &f64, dx: &f64) -> f64 {
    *x + *dx
}

fn signatures<T>() {
    let _: fn(f32, &f32, &mut f32, f32) -> (f32, f32) = df;
    let _: fn(f32, f32, f32) -> (f32, f32, f32) = df_all_active;
    let _: fn(&[f32], &[f32], &mut [f32], f32) -> f32 = backprop;
    let _: fn(&[f32], &[f32], &mut [f32], f32) = backprop_noloss;
    let _: unsafe fn(&[f32], &[f32], &mut [f32], f32) = backprop_scratch;
    let _: fn(&[f32], &[f32], &mut [f32], &mut [f32], [f32; 2]) = backprop2;
    let _: fn(&Particle, &mut Particle, f64, f64) -> f64 = d_energy;
    let _: fn(&Particle, &mut Particle, &mut Particle, f64, &mut Particle, &mut Particle, &mut Particle) -> [f64; 2] = d_step;
    let _: fn(&mut [f64], &mut [f64], usize) = d_inplace;
    let _: fn(&[f64], &mut [f64]) -> usize = d_const_ret;
    let _: fn(Vec<f64>, f64, f64) -> (f64, f64) = d_owned;
    let _: fn(&str, f64, f64) -> (f64, f64) = d_str;
    let _: unsafe fn(*const f64, *mut f64, f64) -> f64 = d_raw;
    let _: fn(Real, Real) -> (Real, Real) = d_alias;
    let _: for<'a, 'b> fn(&'a [f64], &'a mut [f64], &'b [f64; 3], &'b mut [f64; 3], f64) -> f64 = d_lifetimes;
    let _: fn(f64, u8, f64) -> (f64, f64) = d_patterns;
    let _: fn(&[f64], &[f64], f64) -> (f64, f64) = fwd;
    let _: fn(f64, f64, f64) -> [f64; 2] = fwd2;
    let _: unsafe fn(&[f64], &[f64]) -> (f64, f64) = fwd3;
    let _: fn(&f64, &mut f64, &f64, &mut f64, f64) -> f64 = d_shadow_names;
    let _: fn(f64, f64, f64) -> (f64, f64) = d_twice_x;
    let _: fn(f64, f64, f64) -> (f64, f64) = d_twice_y;
}

#[test]
fn the_primal_functions_are_untouched() {
    assert_eq!(f(5.0, &2.0), 31.0);
    assert_eq!(energy(&Particle { pos: [0.0, 2.0], mass: 3.0 }, 10.0), 60.0);
    let mut u = [1.0, 2.0];
    inplace(&mut u, 3);
    assert_eq!(u, [8.0, 2.0]);
    assert_eq!(count(&[1.0; 4]), 4);
}

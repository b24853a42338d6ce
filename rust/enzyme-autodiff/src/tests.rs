//! Expansion and error tests on plain tokens (`cargo test` in this crate). The generated code is
//! also compiled for real by tests/signatures.rs, and the errors' spans are checked by tests/ui.rs.
use crate::expand::expand;
use crate::parse::{parse_attr, parse_fn, Spelling};
use crate::tok::lex;

fn expand_src(attr: &str, item: &str, sp: Spelling) -> Result<String, Vec<String>> {
    let a = parse_attr(&lex(attr), sp, 0).map_err(|e| vec![e.msg])?;
    let f = parse_fn(&lex(item), 0).map_err(|e| vec![e.msg])?;
    expand(&a, &f, "0123456789abcdef").map_err(|es| es.into_iter().map(|e| e.msg).collect())
}

fn ok(attr: &str, item: &str) -> String {
    expand_src(attr, item, Spelling::Autodiff).unwrap_or_else(|e| panic!("{attr}: {e:?}"))
}

/// Without any whitespace, so that spacing differences do not matter.
fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn has(hay: &str, needle: &str) {
    let (h, n) = (norm(hay), norm(needle));
    assert!(h.contains(&n), "expected\n  {n}\nin\n  {h}");
}

fn error(attr: &str, item: &str, sp: Spelling) -> String {
    match expand_src(attr, item, sp) {
        Ok(s) => panic!("expected an error for #[{attr}] on {item}, got\n{s}"),
        Err(e) => e.join("\n"),
    }
}

const SEED: &str = "fn f(x: f32, y: &f32) -> f32 { x * x + 3.0 * y }";

#[test]
fn seed_signature_and_call() {
    let s = ok("df, Reverse, Active, Duplicated, Active", SEED);
    has(&s, "fn df(x: f32, y: &f32, dy: &mut f32, dret: f32) -> (f32, f32)");
    // The call: shim, the out slot duplicated with the seed as its shadow, x promoted, y and dy.
    has(&s, "#[link_name = \"__enzyme_autodiff__df__build_with_enzyme_ts_cargo__0123456789abcdef\"]");
    has(&s, "__enzyme_ts_entry(__enzyme_ts_shim_df as *const (), ::core::ptr::addr_of!(enzyme_dup) as *const ::core::primitive::u8, __enzyme_ts_out.as_mut_ptr(), ::core::ptr::addr_of_mut!(__enzyme_ts_seed), ::core::ptr::addr_of!(enzyme_out) as *const ::core::primitive::u8, x as f64, ::core::ptr::addr_of!(enzyme_dup) as *const ::core::primitive::u8, ::core::ptr::from_ref(y), ::core::ptr::from_mut(dy))");
    has(&s, "unsafe extern \"C-unwind\" fn __enzyme_ts_shim_df(__enzyme_ts_out: *mut f32, __a0: f32, __a1: *const f32)");
    has(&s, "::core::ptr::write(__enzyme_ts_out, f(__a0, &*__a1));");
    has(&s, "struct __EnzymeTsResult(f32);");
    has(&s, "(unsafe { __enzyme_ts_out.assume_init() }, __enzyme_ts_grads.0)");
    assert!(s.contains("#[inline(never)]"));
    assert!(!s.contains("unsafe fn df"), "df is safe");
}

#[test]
fn all_active_returns_primal_then_gradients() {
    let s = ok("df, Reverse, Active, Active, Active", "fn f(x: f64, y: f64) -> f64 { x * y }");
    has(&s, "fn df(x: f64, y: f64, dret: f64) -> (f64, f64, f64)");
    has(&s, "struct __EnzymeTsResult(f64, f64);");
}

#[test]
fn return_activities() {
    // Const: the primal through a Const out slot, no seed.
    let s = ok("df, Reverse, Duplicated, Const", "fn f(x: &[f64]) -> usize { x.len() }");
    has(&s, "fn df(x: &[f64], dx: &mut [f64]) -> usize");
    has(&s, "addr_of!(enzyme_const) as *const ::core::primitive::u8, __enzyme_ts_out.as_mut_ptr()");
    // ActiveOnly, and the seed's DuplicatedNoNeed spelling of it: no primal, a seed.
    for ret in ["ActiveOnly", "DuplicatedNoNeed", "DuplicatedOnly"] {
        let s = ok(&format!("df, Reverse, Active, {ret}"), "fn f(x: f64) -> f64 { x * x }");
        has(&s, "fn df(x: f64, dret: f64) -> f64");
        has(&s, "addr_of!(enzyme_dupnoneed) as *const ::core::primitive::u8, __enzyme_ts_out.as_mut_ptr()");
        has(&s, "__enzyme_ts_grads.0 }");
    }
    // None on a value-returning function: no primal, no seed.
    let s = ok("df, Reverse, Duplicated, None", "fn f(x: &[f64]) -> f64 { x[0] }");
    has(&s, "fn df(x: &[f64], dx: &mut [f64])");
    has(&s, "let _ = f(::core::slice::from_raw_parts(__a0, __a0_len));");
    // A unit function may leave its return activity out.
    let s = ok("df, Reverse, Duplicated, Duplicated", "fn f(x: &[f64], y: &mut f64) { *y = x[0]; }");
    has(&s, "fn df(x: &[f64], dx: &mut [f64], y: &mut f64, dy: &mut f64)");
    let s2 = ok("df, Reverse, Duplicated, Duplicated, None", "fn f(x: &[f64], y: &mut f64) { *y = x[0]; }");
    assert_eq!(norm(&s), norm(&s2));
}

#[test]
fn kinds_of_parameters() {
    let s = ok(
        "df, Reverse, Duplicated, Duplicated, Duplicated, Const, Const, Const, Const, Const, Active",
        "fn f(a: &[f64], b: &mut [f64], c: &Point, n: usize, s: &str, v: Vec<f64>, t: f32, p: *const f64) -> f64 { 0.0 }",
    );
    has(&s, "fn df(a: &[f64], da: &mut [f64], b: &mut [f64], db: &mut [f64], c: &Point, dc: &mut Point, n: usize, s: &str, v: Vec<f64>, t: f32, p: *const f64, dret: f64) -> f64");
    // Slices: pointer, shadow pointer, then the length as a Const integer, with a length check.
    has(&s, "addr_of!(enzyme_dup) as *const ::core::primitive::u8, a.as_ptr(), da.as_mut_ptr(), ::core::ptr::addr_of!(enzyme_const) as *const ::core::primitive::u8, a.len()");
    has(&s, "::core::assert!(da.len() >= a.len()");
    has(&s, "b.as_mut_ptr(), db.as_mut_ptr()");
    has(&s, "::core::ptr::from_ref(c), ::core::ptr::from_mut(dc)");
    has(&s, "addr_of!(enzyme_const) as *const ::core::primitive::u8, n,");
    has(&s, "s.as_ptr(), ::core::ptr::addr_of!(enzyme_const) as *const ::core::primitive::u8, s.len()");
    // A by-value struct moves through a pointer; the shim reads it back.
    has(&s, "let __enzyme_ts_c5 = ::core::mem::ManuallyDrop::new(v);");
    has(&s, "::core::ptr::from_ref::<Vec<f64>>(&*__enzyme_ts_c5)");
    has(&s, "__a5: *const Vec<f64>");
    has(&s, "::core::ptr::read(__a5)");
    // f32 Const travels as f64.
    has(&s, "t as f64");
    has(&s, "__a6: f32");
    // Shim parameters.
    has(&s, "__a0: *const f64, __a0_len: usize, __a1: *mut f64, __a1_len: usize, __a2: *const Point");
    has(&s, "::core::slice::from_raw_parts_mut(__a1, __a1_len)");
}

#[test]
fn batch_width() {
    let s = ok("df, Reverse(2), Active, Duplicated, Active", SEED);
    has(&s, "fn df(x: f32, y: &f32, dy_0: &mut f32, dy_1: &mut f32, dret: [f32; 2]) -> (f32, [f32; 2])");
    has(&s, "addr_of!(enzyme_width) as *const ::core::primitive::u8, 2i64");
    has(&s, "addr_of_mut!(__enzyme_ts_seed[0]), ::core::ptr::addr_of_mut!(__enzyme_ts_seed[1])");
    has(&s, "struct __EnzymeTsResult([f32; 2]);");
    // std::autodiff's spelling of the width.
    let t = expand_src("df, 2, Active, Duplicated, Active", SEED, Spelling::Reverse).unwrap();
    assert_eq!(norm(&s), norm(&t));
}

#[test]
fn forward_mode_call_form() {
    let s = ok("df, Forward, Dual, Const, Dual", "fn f(x: &[f64], y: f64) -> f64 { x[0] * y }");
    has(&s, "fn df(x: &[f64], bx: &[f64], y: f64) -> (f64, f64)");
    has(&s, "\"__enzyme_fwddiff__df__build_with_enzyme_ts_cargo__0123456789abcdef\"");
    has(&s, "__enzyme_ts_shim_df as *const (), ::core::ptr::addr_of!(enzyme_primal_return)");
    has(&s, "x.as_ptr(), bx.as_ptr(), ::core::ptr::addr_of!(enzyme_const) as *const ::core::primitive::u8, x.len()");
    has(&s, "unsafe extern \"C-unwind\" fn __enzyme_ts_shim_df(__a0: *const f64, __a0_len: usize, __a1: f64) -> f64");
    let s = ok("df, Forward(3), Dual, DualOnly", "fn f(x: f64) -> f64 { x * x }");
    has(&s, "fn df(x: f64, bx_0: f64, bx_1: f64, bx_2: f64) -> [f64; 3]");
    let s = ok("df, Forward(2), Dual, Dual", "fn f(x: f64) -> f64 { x * x }");
    has(&s, "-> [f64; 3]");
    has(&s, "[__enzyme_ts_grads.0, __enzyme_ts_grads.1[0], __enzyme_ts_grads.1[1]]");
    let t = expand_src("df, Dual, DualOnly", "fn f(x: f64) -> f64 { x * x }", Spelling::Forward).unwrap();
    has(&t, "fn df(x: f64, bx: f64) -> f64");
}

#[test]
fn unsafe_when_the_primal_may_be_scratch() {
    let s = ok("df, Reverse, DuplicatedOnly, Active", "fn f(x: &[f64]) -> f64 { x[0] }");
    has(&s, "unsafe fn df(x: &[f64], dx: &mut [f64], dret: f64) -> f64");
    has(&s, "addr_of!(enzyme_dupnoneed) as *const ::core::primitive::u8, x.as_ptr()");
    let s = ok("df, Reverse, Active, Active", "unsafe fn f(x: f64) -> f64 { x }");
    has(&s, "unsafe fn df(x: f64, dret: f64)");
}

#[test]
fn shadow_names_do_not_collide() {
    let s = ok("df, Reverse, Duplicated, Duplicated, Active", "fn f(x: &f64, dx: &f64) -> f64 { *x + *dx }");
    has(&s, "fn df(x: &f64, dx_: &mut f64, dx: &f64, ddx: &mut f64, dret: f64)");
}

#[test]
fn visibility_lifetimes_attributes_and_patterns() {
    let s = ok("df, Reverse, Duplicated, Const, Active", "#[doc = \"docs\"] #[inline] pub(crate) fn f<'a>(x: &'a [f64], _: usize) -> f64 where 'a: 'a { x[0] }");
    has(&s, "pub(crate) fn df<'a>(x: &'a [f64], dx: &'a mut [f64], arg1: usize, dret: f64) -> f64 where 'a: 'a");
    has(&s, "unsafe extern \"C-unwind\" fn __enzyme_ts_shim_df<'a>(");
}

#[test]
fn float_checks_for_type_aliases() {
    let s = ok("df, Reverse, Active, Active", "fn f(x: Real) -> Real { x }");
    has(&s, "trait __EnzymeTsFloat {}");
    has(&s, "__enzyme_ts_is_float(&x);");
    has(&s, "__enzyme_ts_is_float(&::core::mem::MaybeUninit::<Real>::uninit());");
    let s = ok("df, Reverse, Active, Active", "fn f(x: f64) -> f64 { x }");
    assert!(!s.contains("__EnzymeTsFloat"), "no check needed for f64");
}

#[test]
fn misuse_is_an_error() {
    let a = Spelling::Autodiff;
    let cases: &[(&str, &str, &str)] = &[
        ("df, Reverse, Active, Active", SEED, "expected 3 activities: one for each of the 2 parameters of `f`, then one for its return, found 2"),
        ("df, Reverse, Active, Duplicated, Active, Active", SEED, "expected 3 activities"),
        ("df, Reverse, Active, Dupl, Active", SEED, "unknown activity `Dupl`"),
        ("df, Reverse, Duplicated, Duplicated, Active", SEED, "`x: f32` cannot be Duplicated"),
        ("df, Reverse, Active, Active, Active", SEED, "`y: &f32` cannot be Active"),
        ("df, Reverse, Active, Dual, Active", SEED, "Dual is a forward-mode activity"),
        ("df, Forward, Active, Dual, Dual", SEED, "Active is a reverse-mode activity"),
        ("df, Reverse, Active, Const, Dual", SEED, "Dual is not a reverse-mode return activity"),
        ("df, Reverse, Active, Const, ActiveOnly", "fn f(x: f32, y: &f32) -> &f32 { y }", "the return `&f32` cannot be ActiveOnly"),
        ("df, Reverse, Duplicated, Active", "fn f(x: &mut f64) { *x = 1.0; }", "returns nothing, so its return cannot be Active"),
        ("df, Reverse, Const, Active", "fn f(s: &str) -> f64 { 1.0 }", ""),
        ("df, Reverse, Duplicated, Active", "fn f(s: &str) -> f64 { 1.0 }", "`s: &str` has no derivative"),
        ("df, Reverse, ActiveOnly, Active", "fn f(x: f64) -> f64 { x }", "ActiveOnly is a return activity"),
        ("df, Reverse, None, Active", "fn f(x: f64) -> f64 { x }", "None is a return activity"),
        ("df, Sideways, Active, Active", "fn f(x: f64) -> f64 { x }", "expected the mode Reverse, Reverse(N), Forward or Forward(N)"),
        ("df, Reverse(0), Active, Active", "fn f(x: f64) -> f64 { x }", "the batch width must be an integer from 1 to 64, found `0`"),
        ("df, Reverse(65), Active, Active", "fn f(x: f64) -> f64 { x }", "found `65`"),
        ("df", "fn f(x: f64) -> f64 { x }", "missing the mode"),
        ("", "fn f(x: f64) -> f64 { x }", "missing the name of the function to generate"),
        ("f, Reverse, Active, Active", "fn f(x: f64) -> f64 { x }", "the derivative needs a name of its own"),
        ("df, Reverse, Active, Active", "fn f<T: Copy>(x: T) -> T { x }", "does not support generic parameters yet (`T: Copy`)"),
        ("df, Reverse, Active, Active", "fn f(x: impl Into<f64>) -> f64 { x.into() }", "`impl Trait` parameters"),
        ("df, Reverse, Const, Active", "fn f(&self) -> f64 { 1.0 }", "does not support methods"),
        ("df, Reverse, Active, Active", "async fn f(x: f64) -> f64 { x }", "cannot differentiate an async function"),
        ("df, Reverse, Active, Active", "struct S { x: f64 }", "must be placed on a function"),
        ("df, Reverse, Active, Active", "fn f(x: f64) -> f64;", "needs the function's body"),
    ];
    for (attr, item, want) in cases {
        match expand_src(attr, item, a) {
            Ok(s) => assert!(want.is_empty(), "#[autodiff({attr})] {item}: expected an error containing {want:?}, got an expansion:\n{s}"),
            Err(e) => {
                let e = e.join("\n");
                assert!(!want.is_empty() && e.contains(want), "#[autodiff({attr})] {item}: expected {want:?}, got {e:?}");
            }
        }
    }
    assert!(error("df, Reverse, Active, Active", "fn f(x: f64) -> f64 { x }", Spelling::Reverse).contains("implies the mode: remove `Reverse`"));
}

#[test]
fn types_read_well_in_messages() {
    use crate::tok::pretty;
    for t in ["&[f64]", "&mut [f64]", "&'a mut [f64]", "Vec<f64>", "*const f64", "*mut [f64; 3]", "&Point", "std::vec::Vec<(f64, usize)>", "&str", "Box<dyn Fn(f64) -> f64>"] {
        assert_eq!(pretty(&lex(t)), t);
    }
}

//! Generating `df` (and its shim) as Rust source text.
//!
//! `df` calls Enzyme's C ABI: a variadic `__enzyme_autodiff_<unique>(shim, markers and values...)`
//! (or `__enzyme_fwddiff_<unique>` in forward mode) whose markers are the addresses of extern
//! statics named `enzyme_dup`, `enzyme_out`, ... `enzyme-ts lower` replaces the call by a call to
//! the derivative it generates. The function handed to Enzyme is not the user's `f` but a shim
//! with the C ABI: Rust's own ABI passes slices as two values, small structs as scalar pairs,
//! larger ones by reference, and may change; the shim fixes one IR signature for each kind of
//! parameter (a slice is a pointer and a `usize`, a reference a pointer, a float a float) and
//! calls `f`, which the optimizer usually inlines into it.
//!
//! Reverse mode: an `Active` return is written through an out pointer passed as `Duplicated`,
//! whose shadow holds the seed (`dret`): Enzyme's combined mode has no seed argument (it seeds an
//! active return with 1.0), while the shadow of memory the function writes is the seed of that
//! output, per batch lane. `Active` arguments travel by value (`f32` as `f64`, C's variadic
//! promotion, narrowed back by `lower`) and their gradients come back in a `#[repr(C)]` struct.

use crate::parse::{err, Act, Attr, Error, FnSig, Kind, Mode, Param};
use crate::tok::{pretty, Tok};

fn src(t: &[Tok]) -> String {
    pretty(t)
}

/// A parameter with its activity and the names df gives it and its shadows.
struct Arg<'a> {
    p: &'a Param,
    act: Act,
    shadows: Vec<String>,
}

/// The type of a shadow: `&T` -> `&mut T`, `&'a [T]` -> `&'a mut [T]`, `*const T` -> `*mut T`.
/// Forward mode keeps the primal's type (a tangent of `&[f64]` is read, not written).
fn shadow_type(p: &Param, mode: Mode) -> String {
    if mode == Mode::Forward {
        return src(&p.ty);
    }
    let t = &p.ty;
    if t.first().is_some_and(|x| x.is_punct('&')) {
        let mut k = 1;
        let mut life = String::new();
        if t.get(1).is_some_and(|x| x.is_punct('\'')) {
            life = format!("'{} ", t.get(2).and_then(Tok::ident).unwrap_or("_"));
            k = 3;
        }
        if t.get(k).is_some_and(|x| x.is_ident("mut")) {
            k += 1;
        }
        return format!("&{life}mut {}", src(&t[k..]));
    }
    if t.first().is_some_and(|x| x.is_punct('*')) {
        return format!("*mut {}", src(&t[2.min(t.len())..]));
    }
    src(t)
}

fn is_float_kind(k: &Kind) -> bool {
    matches!(k, Kind::Float(_))
}

/// Checks the activities against the signature; collects every problem.
fn check(attr: &Attr, sig: &FnSig) -> Result<(Vec<(Act, usize)>, (Act, usize)), Vec<Error>> {
    let n = sig.params.len();
    let has_ret = sig.ret.is_some();
    let acts = &attr.acts;
    let (args, ret): (Vec<(Act, usize)>, (Act, usize)) = if acts.len() == n + 1 {
        (acts[..n].to_vec(), acts[n])
    } else if acts.len() == n && !has_ret {
        (acts.clone(), (Act::None, attr.span))
    } else {
        let want = if has_ret {
            format!("{} activities: one for each of the {n} parameter{} of `{}`, then one for its return", n + 1, if n == 1 { "" } else { "s" }, sig.name)
        } else {
            format!("{n} activit{} (one for each parameter of `{}`; its return activity, None, may be left out)", if n == 1 { "y" } else { "ies" }, sig.name)
        };
        return Err(vec![Error { msg: format!("expected {want}, found {}", acts.len()), span: attr.span }]);
    };
    let mut errors = Vec::new();
    let rev = attr.mode == Mode::Reverse;
    for (p, &(a, span)) in sig.params.iter().zip(args.iter()) {
        let name = &p.name;
        let ty = src(&p.ty);
        let fail = |m: String| Error { msg: m, span };
        match (rev, a) {
            (true, Act::Active) => match p.kind {
                Kind::Float(_) | Kind::Other => {}
                _ => errors.push(fail(format!("`{name}: {ty}` cannot be Active: Active is for a floating-point value passed by value (f32, f64); use Duplicated for a reference or pointer"))),
            },
            (true, Act::Duplicated | Act::DuplicatedOnly) | (false, Act::Dual | Act::DualOnly) => match &p.kind {
                Kind::Slice { .. } | Kind::Ref { .. } | Kind::Ptr { .. } => {}
                Kind::Float(_) if !rev => {}
                Kind::Str => errors.push(fail(format!("`{name}: &str` has no derivative: make it Const"))),
                _ => errors.push(fail(if rev {
                    format!("`{name}: {ty}` cannot be {}: a shadow is needed, so the argument must be a reference or a raw pointer; use Active for a float passed by value, Const otherwise", a.name())
                } else {
                    format!("`{name}: {ty}` cannot be {}: the argument must be a float, a reference or a raw pointer; use Const otherwise", a.name())
                })),
            },
            (_, Act::Const) => {}
            (true, Act::ActiveOnly) => errors.push(fail("ActiveOnly is a return activity; use Active for an argument".into())),
            (_, Act::None) => errors.push(fail("None is a return activity; use Const for an argument without derivative".into())),
            (true, other) => errors.push(fail(format!("{} is a forward-mode activity; reverse mode takes Active, Duplicated, DuplicatedOnly or Const", other.name()))),
            (false, other) => errors.push(fail(format!("{} is a reverse-mode activity; forward mode takes Dual, DualOnly or Const", other.name()))),
        }
    }
    // The seed's spelling: a DuplicatedNoNeed (DuplicatedOnly) return is a return whose value is
    // not needed, std::autodiff's ActiveOnly.
    let ret = match ret {
        (Act::DuplicatedOnly, s) if rev => (Act::ActiveOnly, s),
        r => r,
    };
    let (ra, rspan) = ret;
    let rty = sig.ret.as_ref().map(|r| src(r)).unwrap_or_default();
    let ret_ok = match (rev, ra) {
        (_, Act::None) => true,
        (_, Act::Const) => {
            if !has_ret {
                errors.push(Error { msg: format!("`{}` returns nothing: its return activity must be None (or left out)", sig.name), span: rspan });
            }
            true
        }
        (true, Act::Active | Act::ActiveOnly) | (false, Act::Dual | Act::DualOnly) => {
            if !has_ret {
                errors.push(Error { msg: format!("`{}` returns nothing, so its return cannot be {}: use None (or leave it out)", sig.name, ra.name()), span: rspan });
            } else if let Some(r) = &sig.ret {
                if !matches!(crate::parse::classify(r), Kind::Float(_) | Kind::Other) {
                    errors.push(Error { msg: format!("the return `{rty}` cannot be {}: it must be a floating-point value (f32, f64)", ra.name()), span: rspan });
                }
            }
            true
        }
        (true, other) => {
            errors.push(Error { msg: format!("{} is not a reverse-mode return activity; use Active, ActiveOnly, Const or None", other.name()), span: rspan });
            false
        }
        (false, other) => {
            errors.push(Error { msg: format!("{} is not a forward-mode return activity; use Dual, DualOnly, Const or None", other.name()), span: rspan });
            false
        }
    };
    let _ = ret_ok;
    if errors.is_empty() {
        Ok((args, ret))
    } else {
        Err(errors)
    }
}

/// Names not taken by any parameter.
fn fresh(base: &str, taken: &mut Vec<String>) -> String {
    let mut n = base.to_string();
    while taken.contains(&n) {
        n.push('_');
    }
    taken.push(n.clone());
    n
}

const MARKERS: [&str; 7] = ["enzyme_dup", "enzyme_dupnoneed", "enzyme_out", "enzyme_const", "enzyme_width", "enzyme_primal_return", "enzyme_nofree"];

fn marker(m: &str) -> String {
    format!("::core::ptr::addr_of!({m}) as *const ::core::primitive::u8")
}

/// The expansion: the shim and `df`, as source text. `unique` makes the extern symbol unique.
pub fn expand(attr: &Attr, sig: &FnSig, unique: &str) -> Result<String, Vec<Error>> {
    let (acts, (ret_act, _)) = check(attr, sig)?;
    let mode = attr.mode;
    let rev = mode == Mode::Reverse;
    let w = attr.width as usize;
    let df = &attr.df;
    if df == &sig.name {
        return Err(vec![Error { msg: format!("the derivative needs a name of its own, not `{df}`"), span: attr.df_span }]);
    }
    let mut taken: Vec<String> = sig.params.iter().map(|p| p.name.clone()).collect();
    let mut args: Vec<Arg> = Vec::new();
    for (p, (a, _)) in sig.params.iter().zip(acts.iter()) {
        let dup = matches!(a, Act::Duplicated | Act::DuplicatedOnly | Act::Dual | Act::DualOnly);
        let prefix = if rev { "d" } else { "b" };
        let shadows = if !dup {
            Vec::new()
        } else if w == 1 {
            vec![fresh(&format!("{prefix}{}", p.name), &mut taken)]
        } else {
            (0..w).map(|k| fresh(&format!("{prefix}{}_{k}", p.name), &mut taken)).collect()
        };
        args.push(Arg { p, act: *a, shadows });
    }
    let r = sig.ret.as_ref().map(|r| src(r));
    let dret = fresh("dret", &mut taken);

    // ---- the shim: the C-ABI function handed to Enzyme ----
    let shim = format!("__enzyme_ts_shim_{df}");
    let mut sparams: Vec<String> = Vec::new();
    let mut call_args: Vec<String> = Vec::new();
    // Reverse: an Active/ActiveOnly/Const return goes through an out pointer; forward: only Const.
    let out_slot = match (rev, ret_act) {
        (true, Act::Active | Act::ActiveOnly | Act::Const) | (false, Act::Const) => r.is_some(),
        _ => false,
    };
    let shim_returns = !rev && matches!(ret_act, Act::Dual | Act::DualOnly);
    if out_slot {
        sparams.push(format!("__enzyme_ts_out: *mut {}", r.as_ref().unwrap()));
    }
    for (i, a) in args.iter().enumerate() {
        let p = a.p;
        let ty = src(&p.ty);
        let v = format!("__a{i}");
        match &p.kind {
            Kind::Slice { mutable, elem } => {
                let e = src(elem);
                sparams.push(format!("{v}: *{} {e}, {v}_len: usize", if *mutable { "mut" } else { "const" }));
                call_args.push(format!("::core::slice::{}({v}, {v}_len)", if *mutable { "from_raw_parts_mut" } else { "from_raw_parts" }));
            }
            Kind::Str => {
                sparams.push(format!("{v}: *const u8, {v}_len: usize"));
                call_args.push(format!("::core::str::from_utf8_unchecked(::core::slice::from_raw_parts({v}, {v}_len))"));
            }
            Kind::Ref { mutable, inner } => {
                let t = src(inner);
                sparams.push(format!("{v}: *{} {t}", if *mutable { "mut" } else { "const" }));
                call_args.push(format!("{}*{v}", if *mutable { "&mut " } else { "&" }));
            }
            Kind::Ptr { .. } | Kind::Float(_) | Kind::Int => {
                sparams.push(format!("{v}: {ty}"));
                call_args.push(v);
            }
            Kind::Other => {
                if matches!(a.act, Act::Active) {
                    sparams.push(format!("{v}: {ty}"));
                    call_args.push(v);
                } else {
                    // Moved through a pointer: any type, whatever Rust's ABI does with it.
                    sparams.push(format!("{v}: *const {ty}"));
                    call_args.push(format!("::core::ptr::read({v})"));
                }
            }
        }
    }
    let call_f = format!("{}({})", sig.name, call_args.join(", "));
    let shim_body = if out_slot {
        format!("::core::ptr::write(__enzyme_ts_out, {call_f});")
    } else if shim_returns || r.is_none() {
        call_f
    } else {
        format!("let _ = {call_f};")
    };
    let lifetimes = if sig.lifetimes.is_empty() { String::new() } else { format!("<{}>", src(&sig.lifetimes)) };
    let where_clause = src(&sig.where_clause);
    let shim_ret = if shim_returns { format!(" -> {}", r.as_ref().unwrap()) } else { String::new() };
    let mut out = String::new();
    out.push_str(&format!(
        "#[doc(hidden)]\n#[allow(non_snake_case, unused_unsafe, improper_ctypes_definitions, clippy::all)]\n#[inline]\n\
         unsafe extern \"C-unwind\" fn {shim}{lifetimes}({}){shim_ret} {where_clause} {{ unsafe {{ {shim_body} }} }}\n",
        sparams.join(", ")
    ));

    // ---- df ----
    let mut dparams: Vec<String> = Vec::new();
    for a in &args {
        dparams.push(format!("{}: {}", a.p.name, src(&a.p.ty)));
        for s in &a.shadows {
            dparams.push(format!("{s}: {}", shadow_type(a.p, mode)));
        }
    }
    let seeded = rev && matches!(ret_act, Act::Active | Act::ActiveOnly) && r.is_some();
    if seeded {
        let rt = r.as_ref().unwrap();
        dparams.push(if w == 1 { format!("{dret}: {rt}") } else { format!("{dret}: [{rt}; {w}]") });
    }
    // What df returns, and the struct the Enzyme call returns.
    let mut result_types: Vec<String> = Vec::new();
    let mut result_exprs: Vec<String> = Vec::new();
    let mut grads_fields: Vec<String> = Vec::new();
    let grad_ty = |t: &str| if w == 1 { t.to_string() } else { format!("[{t}; {w}]") };
    if rev {
        if matches!(ret_act, Act::Active | Act::Const) && r.is_some() {
            result_types.push(r.clone().unwrap());
            result_exprs.push("unsafe { __enzyme_ts_out.assume_init() }".into());
        }
        for a in args.iter().filter(|a| a.act == Act::Active) {
            let k = grads_fields.len();
            grads_fields.push(grad_ty(&src(&a.p.ty)));
            result_types.push(grad_ty(&src(&a.p.ty)));
            result_exprs.push(format!("__enzyme_ts_grads.{k}"));
        }
    } else {
        let rt = r.clone().unwrap_or_default();
        match ret_act {
            Act::Dual => {
                grads_fields.push(rt.clone());
                grads_fields.push(grad_ty(&rt));
                if w == 1 {
                    result_types.push(format!("({rt}, {rt})"));
                    result_exprs.push("(__enzyme_ts_grads.0, __enzyme_ts_grads.1)".into());
                } else {
                    result_types.push(format!("[{rt}; {}]", w + 1));
                    let lanes: Vec<String> = (0..w).map(|k| format!("__enzyme_ts_grads.1[{k}]")).collect();
                    result_exprs.push(format!("[__enzyme_ts_grads.0, {}]", lanes.join(", ")));
                }
            }
            Act::DualOnly => {
                grads_fields.push(grad_ty(&rt));
                result_types.push(grad_ty(&rt));
                result_exprs.push("__enzyme_ts_grads.0".into());
            }
            Act::Const if r.is_some() => {
                result_types.push(rt.clone());
                result_exprs.push("unsafe { __enzyme_ts_out.assume_init() }".into());
            }
            _ => {}
        }
    }
    let (df_ret, df_value) = match result_types.len() {
        0 => (String::new(), String::new()),
        1 => (format!(" -> {}", result_types[0]), result_exprs[0].clone()),
        _ => (format!(" -> ({})", result_types.join(", ")), format!("({})", result_exprs.join(", "))),
    };
    let mut body: Vec<String> = Vec::new();
    let mut used_markers: Vec<&str> = Vec::new();
    let mut m = |name: &'static str| -> String {
        if !used_markers.contains(&name) {
            used_markers.push(name);
        }
        marker(name)
    };
    // Float checks: a clear error when an Active value or seed is not f32/f64 (type aliases pass).
    let mut float_checks: Vec<String> = Vec::new();
    for a in &args {
        if matches!(a.act, Act::Active | Act::Dual | Act::DualOnly) && matches!(a.p.kind, Kind::Other) {
            float_checks.push(format!("__enzyme_ts_is_float(&{});", a.p.name));
        }
    }
    if let Some(rt) = &sig.ret {
        let active_ret = matches!(ret_act, Act::Active | Act::ActiveOnly | Act::Dual | Act::DualOnly);
        if active_ret && !is_float_kind(&crate::parse::classify(rt)) {
            float_checks.push(format!("__enzyme_ts_is_float(&::core::mem::MaybeUninit::<{}>::uninit());", src(rt)));
        }
    }
    if !float_checks.is_empty() {
        body.push(
            "#[diagnostic::on_unimplemented(message = \"`{Self}` is not a floating-point type\", label = \"Active, Dual and their return activities need f32 or f64\")]\n\
             trait __EnzymeTsFloat {}\n\
             impl __EnzymeTsFloat for f32 {}\nimpl __EnzymeTsFloat for f64 {}\n\
             impl<T: __EnzymeTsFloat> __EnzymeTsFloat for ::core::mem::MaybeUninit<T> {}\n\
             fn __enzyme_ts_is_float<T: __EnzymeTsFloat>(_: &T) {}"
                .to_string(),
        );
        body.extend(float_checks);
    }
    let mut cargs: Vec<String> = vec![format!("{shim} as *const ()")];
    if !rev && ret_act == Act::Dual {
        cargs.push(m("enzyme_primal_return"));
    }
    if w > 1 {
        cargs.push(m("enzyme_width"));
        cargs.push(format!("{w}i64"));
    }
    if out_slot {
        body.push(format!("let mut __enzyme_ts_out = ::core::mem::MaybeUninit::<{}>::uninit();", r.as_ref().unwrap()));
        if seeded {
            body.push(format!("let mut __enzyme_ts_seed = {dret};"));
            cargs.push(m(if ret_act == Act::ActiveOnly { "enzyme_dupnoneed" } else { "enzyme_dup" }));
            cargs.push("__enzyme_ts_out.as_mut_ptr()".into());
            if w == 1 {
                cargs.push("::core::ptr::addr_of_mut!(__enzyme_ts_seed)".into());
            } else {
                for k in 0..w {
                    cargs.push(format!("::core::ptr::addr_of_mut!(__enzyme_ts_seed[{k}])"));
                }
            }
        } else {
            cargs.push(m("enzyme_const"));
            cargs.push("__enzyme_ts_out.as_mut_ptr()".into());
        }
    }
    for (i, a) in args.iter().enumerate() {
        let p = a.p;
        let x = &p.name;
        let dup_marker = match a.act {
            Act::Duplicated | Act::Dual => Some("enzyme_dup"),
            Act::DuplicatedOnly | Act::DualOnly => Some("enzyme_dupnoneed"),
            _ => None,
        };
        match (a.act, &p.kind) {
            (Act::Const, kind) => {
                cargs.push(m("enzyme_const"));
                match kind {
                    Kind::Float("f32") => cargs.push(format!("{x} as f64")),
                    Kind::Float(_) | Kind::Int | Kind::Ptr { .. } => cargs.push(x.clone()),
                    Kind::Slice { mutable, .. } => {
                        cargs.push(format!("{x}.{}()", if *mutable { "as_mut_ptr" } else { "as_ptr" }));
                        cargs.push(m("enzyme_const"));
                        cargs.push(format!("{x}.len()"));
                    }
                    Kind::Str => {
                        cargs.push(format!("{x}.as_ptr()"));
                        cargs.push(m("enzyme_const"));
                        cargs.push(format!("{x}.len()"));
                    }
                    Kind::Ref { mutable, .. } => cargs.push(format!("::core::ptr::{}({x})", if *mutable { "from_mut" } else { "from_ref" })),
                    Kind::Other => {
                        body.push(format!("let __enzyme_ts_c{i} = ::core::mem::ManuallyDrop::new({x});"));
                        cargs.push(format!("::core::ptr::from_ref::<{}>(&*__enzyme_ts_c{i})", src(&p.ty)));
                    }
                }
            }
            (Act::Active, _) => {
                cargs.push(m("enzyme_out"));
                cargs.push(format!("{x} as f64"));
            }
            (_, Kind::Float(_)) | (_, Kind::Other) => {
                // Forward mode, a float by value: its tangents follow it.
                cargs.push(m(dup_marker.unwrap()));
                cargs.push(format!("{x} as f64"));
                for s in &a.shadows {
                    cargs.push(format!("{s} as f64"));
                }
            }
            (_, Kind::Slice { mutable, .. }) => {
                for s in &a.shadows {
                    body.push(format!(
                        "::core::assert!({s}.len() >= {x}.len(), \"{df}: the shadow `{s}` has {{}} elements but `{x}` has {{}}\", {s}.len(), {x}.len());"
                    ));
                }
                cargs.push(m(dup_marker.unwrap()));
                cargs.push(format!("{x}.{}()", if *mutable { "as_mut_ptr" } else { "as_ptr" }));
                for s in &a.shadows {
                    let smut = rev || *mutable;
                    cargs.push(format!("{s}.{}()", if smut { "as_mut_ptr" } else { "as_ptr" }));
                }
                cargs.push(m("enzyme_const"));
                cargs.push(format!("{x}.len()"));
            }
            (_, Kind::Ref { mutable, .. }) => {
                cargs.push(m(dup_marker.unwrap()));
                cargs.push(format!("::core::ptr::{}({x})", if *mutable { "from_mut" } else { "from_ref" }));
                for s in &a.shadows {
                    let smut = rev || *mutable;
                    cargs.push(format!("::core::ptr::{}({s})", if smut { "from_mut" } else { "from_ref" }));
                }
            }
            (_, Kind::Ptr { .. }) => {
                cargs.push(m(dup_marker.unwrap()));
                cargs.push(x.clone());
                for s in &a.shadows {
                    cargs.push(s.clone());
                }
            }
            (_, Kind::Int) | (_, Kind::Str) => unreachable!("rejected by check"),
        }
    }
    let entry = if rev { "__enzyme_autodiff" } else { "__enzyme_fwddiff" };
    // The symbol says what to do when it is left undefined: the crate was linked without enzyme-ts.
    let symbol = format!("{entry}__{df}__build_with_enzyme_ts_cargo__{unique}");
    let grads_struct = if grads_fields.is_empty() {
        String::new()
    } else {
        format!("#[repr(C)]\nstruct __EnzymeTsResult({});\n", grads_fields.join(", "))
    };
    let call_ret = if grads_fields.is_empty() { String::new() } else { " -> __EnzymeTsResult".to_string() };
    let statics: String = used_markers.iter().map(|n| format!("static {n}: u8;\n")).collect();
    let _ = MARKERS;
    let is_unsafe = sig.is_unsafe || args.iter().any(|a| matches!(a.act, Act::DuplicatedOnly | Act::DualOnly));
    let what = if rev { "Reverse-mode" } else { "Forward-mode" };
    let doc = format!("{what} derivative of `{}`, generated by `#[autodiff]` (build with `enzyme-ts cargo`).", sig.name);
    let grads_bind = if grads_fields.is_empty() { "" } else { "let __enzyme_ts_grads = " };
    out.push_str(&format!(
        "#[doc = {doc:?}]\n#[inline(never)]\n#[allow(non_snake_case, unused_variables, unused_mut, unused_unsafe, improper_ctypes, clippy::all)]\n\
         {vis} {unsafe_kw}fn {df}{lifetimes}({params}){df_ret} {where_clause} {{\n\
         {grads_struct}\
         unsafe extern \"C-unwind\" {{\n#[link_name = {symbol:?}]\nfn __enzyme_ts_entry(f: *const (), ...){call_ret};\n{statics}}}\n\
         {body}\n\
         {grads_bind}unsafe {{ __enzyme_ts_entry({cargs}) }};\n\
         {df_value}\n}}\n",
        vis = src(&sig.vis),
        unsafe_kw = if is_unsafe { "unsafe " } else { "" },
        params = dparams.join(", "),
        body = body.join("\n"),
        cargs = cargs.join(", "),
    ));
    if out.is_empty() {
        return err(attr.span, "internal error: empty expansion").map_err(|e| vec![e]);
    }
    Ok(out)
}

//! Reading the attribute's arguments and the signature of the function it is on.

use crate::tok::{pretty as to_source, split_commas, Delim, Tok};

/// A compile error: a message and the token (span id) it points at.
#[derive(Debug, Clone)]
pub struct Error {
    pub msg: String,
    pub span: usize,
}

pub fn err<T>(span: usize, msg: impl Into<String>) -> Result<T, Error> {
    Err(Error { msg: msg.into(), span })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Reverse,
    Forward,
}

/// One activity word, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    Active,
    ActiveOnly,
    Duplicated,
    DuplicatedOnly,
    Dual,
    DualOnly,
    Const,
    None,
}

impl Act {
    fn parse(word: &str) -> Option<Act> {
        Some(match word {
            "Active" => Act::Active,
            "ActiveOnly" => Act::ActiveOnly,
            "Duplicated" => Act::Duplicated,
            "DuplicatedOnly" | "DuplicatedNoNeed" => Act::DuplicatedOnly,
            "Dual" => Act::Dual,
            "DualOnly" | "DualNoNeed" => Act::DualOnly,
            "Const" | "Constant" => Act::Const,
            "None" => Act::None,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Act::Active => "Active",
            Act::ActiveOnly => "ActiveOnly",
            Act::Duplicated => "Duplicated",
            Act::DuplicatedOnly => "DuplicatedOnly",
            Act::Dual => "Dual",
            Act::DualOnly => "DualOnly",
            Act::Const => "Const",
            Act::None => "None",
        }
    }
}

/// The attribute's arguments: `df, Reverse(2), Active, Duplicated, Active`.
#[derive(Debug)]
pub struct Attr {
    pub df: String,
    pub df_span: usize,
    pub mode: Mode,
    pub width: u32,
    /// Each activity with the span of its word.
    pub acts: Vec<(Act, usize)>,
    /// Span of the whole argument list (its first token), for errors about the list.
    pub span: usize,
}

/// Which spelling of the attribute: `#[autodiff(df, Reverse, ...)]` names the mode;
/// `#[autodiff_reverse(df, ...)]` / `#[autodiff_forward(df, ...)]` (std::autodiff) imply it and
/// take an optional width literal second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    Autodiff,
    Reverse,
    Forward,
}

pub fn parse_attr(toks: &[Tok], spelling: Spelling, call_span: usize) -> Result<Attr, Error> {
    let parts = split_commas(toks);
    let span = toks.first().map(Tok::span).unwrap_or(call_span);
    let usage = match spelling {
        Spelling::Autodiff => "expected #[autodiff(df, Reverse, <activity per argument>, <return activity>)]",
        Spelling::Reverse => "expected #[autodiff_reverse(df, <activity per argument>, <return activity>)]",
        Spelling::Forward => "expected #[autodiff_forward(df, <activity per argument>, <return activity>)]",
    };
    let Some(first) = parts.first() else { return err(span, format!("missing the name of the function to generate: {usage}")) };
    let (df, df_span) = match first.as_slice() {
        [t @ Tok::Ident { s, .. }] => (s.clone(), t.span()),
        _ => return err(first[0].span(), format!("the first argument must be the name of the function to generate: {usage}")),
    };
    let mut rest = &parts[1..];
    let (mode, width) = match spelling {
        Spelling::Autodiff => {
            let Some(m) = rest.first() else { return err(df_span, format!("missing the mode (Reverse or Forward): {usage}")) };
            rest = &rest[1..];
            parse_mode(m)?
        }
        Spelling::Reverse | Spelling::Forward => {
            let mode = if spelling == Spelling::Reverse { Mode::Reverse } else { Mode::Forward };
            match rest.first().map(|p| p.as_slice()) {
                Some([t @ Tok::Lit { s, .. }]) => {
                    let w = parse_width(s, t.span())?;
                    rest = &rest[1..];
                    (mode, w)
                }
                Some([t]) if t.is_ident("Reverse") || t.is_ident("Forward") => {
                    return err(t.span(), format!("#[autodiff_{}] implies the mode: remove `{}`", if mode == Mode::Reverse { "reverse" } else { "forward" }, to_source(std::slice::from_ref(t)).trim()))
                }
                _ => (mode, 1),
            }
        }
    };
    let mut acts = Vec::new();
    for p in rest {
        match p.as_slice() {
            [t @ Tok::Ident { s, .. }] => match Act::parse(s) {
                Some(a) => acts.push((a, t.span())),
                None => {
                    let known = if mode == Mode::Reverse { "Active, ActiveOnly, Duplicated, DuplicatedOnly (or DuplicatedNoNeed), Const, None" } else { "Dual, DualOnly, Const, None" };
                    return err(t.span(), format!("unknown activity `{s}`; expected one of {known}"));
                }
            },
            [] => return err(span, "empty activity (two commas in a row?)"),
            other => return err(other[0].span(), format!("expected an activity word, found `{}`", to_source(other).trim())),
        }
    }
    Ok(Attr { df, df_span, mode, width, acts, span })
}

fn parse_width(s: &str, span: usize) -> Result<u32, Error> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    match digits.parse::<u32>() {
        Ok(w) if (1..=64).contains(&w) && s[digits.len()..].chars().all(|c| c.is_ascii_alphanumeric()) => Ok(w),
        _ => err(span, format!("the batch width must be an integer from 1 to 64, found `{s}`")),
    }
}

fn parse_mode(p: &[Tok]) -> Result<(Mode, u32), Error> {
    let what = |t: &Tok| match t.ident() {
        Some("Reverse") => Some(Mode::Reverse),
        Some("Forward") => Some(Mode::Forward),
        _ => None,
    };
    match p {
        [t] if what(t).is_some() => Ok((what(t).unwrap(), 1)),
        [t, g @ Tok::Group { delim: Delim::Paren, toks, .. }] if what(t).is_some() => match toks.as_slice() {
            [n @ Tok::Lit { s, .. }] => Ok((what(t).unwrap(), parse_width(s, n.span())?)),
            _ => err(g.span(), "expected a batch width, e.g. Reverse(2)"),
        },
        [t, ..] => err(t.span(), format!("expected the mode Reverse, Reverse(N), Forward or Forward(N), found `{}`", to_source(p).trim())),
        [] => err(0, "missing mode"),
    }
}

/// How a parameter's type is passed, read from its spelling.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `f32` or `f64`.
    Float(&'static str),
    /// A primitive integer the C ABI passes unchanged through `...` (`i32`, `u64`, `usize`, ...).
    Int,
    /// `&[T]` / `&mut [T]`: element type.
    Slice { mutable: bool, elem: Vec<Tok> },
    /// `&str`.
    Str,
    /// `&U` / `&mut U` with `U` sized (a struct, an array, a float, ...).
    Ref { mutable: bool, inner: Vec<Tok> },
    /// `*const T` / `*mut T`.
    Ptr { mutable: bool },
    /// Anything else: a struct or tuple by value, a type alias, a generic path...
    Other,
}

pub fn classify(ty: &[Tok]) -> Kind {
    match ty {
        [t] if t.is_ident("f32") => return Kind::Float("f32"),
        [t] if t.is_ident("f64") => return Kind::Float("f64"),
        [t] if ["i32", "u32", "i64", "u64", "isize", "usize"].iter().any(|n| t.is_ident(n)) => return Kind::Int,
        _ => {}
    }
    if let Some(first) = ty.first() {
        if first.is_punct('&') {
            let mut rest = &ty[1..];
            if rest.first().is_some_and(|t| t.is_punct('\'')) {
                rest = &rest[2.min(rest.len())..];
            }
            let mutable = rest.first().is_some_and(|t| t.is_ident("mut"));
            if mutable {
                rest = &rest[1..];
            }
            if let [g @ Tok::Group { delim: Delim::Bracket, toks, .. }] = rest {
                let _ = g;
                if !toks.iter().any(|t| t.is_punct(';')) {
                    return Kind::Slice { mutable, elem: toks.clone() };
                }
            }
            if matches!(rest, [t] if t.is_ident("str")) {
                return Kind::Str;
            }
            return Kind::Ref { mutable, inner: rest.to_vec() };
        }
        if first.is_punct('*') {
            let mutable = ty.get(1).is_some_and(|t| t.is_ident("mut"));
            return Kind::Ptr { mutable };
        }
    }
    Kind::Other
}

#[derive(Debug)]
pub struct Param {
    /// The name df gives it: the pattern's identifier, or `arg<i>`.
    pub name: String,
    pub ty: Vec<Tok>,
    pub kind: Kind,
}

/// The function the attribute is on: what the expansion needs of it.
#[derive(Debug)]
pub struct FnSig {
    pub vis: Vec<Tok>,
    pub is_unsafe: bool,
    pub name: String,
    /// Lifetime parameters only (`<'a, 'b>`), as written, without the angle brackets.
    pub lifetimes: Vec<Tok>,
    pub where_clause: Vec<Tok>,
    pub params: Vec<Param>,
    /// The return type, None for `()` / no arrow.
    pub ret: Option<Vec<Tok>>,
}

pub fn parse_fn(item: &[Tok], call_span: usize) -> Result<FnSig, Error> {
    let mut i = 0;
    let at = |i: usize| item.get(i);
    // Outer attributes, doc comments included (`#[doc = "..."]`).
    while at(i).is_some_and(|t| t.is_punct('#')) && at(i + 1).is_some_and(|t| t.group(Delim::Bracket).is_some()) {
        i += 2;
    }
    let mut vis = Vec::new();
    if at(i).is_some_and(|t| t.is_ident("pub")) {
        vis.push(item[i].clone());
        i += 1;
        if let Some(g @ Tok::Group { delim: Delim::Paren, .. }) = at(i) {
            vis.push(g.clone());
            i += 1;
        }
    }
    let mut is_unsafe = false;
    loop {
        match at(i) {
            Some(t) if t.is_ident("const") || t.is_ident("default") => i += 1,
            Some(t) if t.is_ident("async") => return err(t.span(), "#[autodiff] cannot differentiate an async function"),
            Some(t) if t.is_ident("unsafe") => {
                is_unsafe = true;
                i += 1
            }
            Some(t) if t.is_ident("extern") => {
                i += 1;
                if matches!(at(i), Some(Tok::Lit { .. })) {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    let Some(kw) = at(i) else { return err(call_span, "#[autodiff] must be placed on a function") };
    if !kw.is_ident("fn") {
        return err(kw.span(), "#[autodiff] must be placed on a function (`fn`)");
    }
    let fn_span = kw.span();
    i += 1;
    let name = match at(i) {
        Some(Tok::Ident { s, .. }) => s.clone(),
        _ => return err(fn_span, "expected the function's name after `fn`"),
    };
    i += 1;
    let mut lifetimes = Vec::new();
    if at(i).is_some_and(|t| t.is_punct('<')) {
        let start = i + 1;
        let mut depth = 0;
        loop {
            let Some(t) = at(i) else { return err(fn_span, "unbalanced `<` in the generic parameters") };
            if t.is_punct('<') {
                depth += 1;
            } else if t.is_punct('>') && !(i > 0 && item[i - 1].is_punct('-') && item[i - 1].is_joint()) {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            i += 1;
        }
        let generics = &item[start..i];
        i += 1;
        for g in split_commas(generics) {
            if !g.first().is_some_and(|t| t.is_punct('\'')) {
                return err(g.first().map(Tok::span).unwrap_or(fn_span),
                    format!("#[autodiff] does not support generic parameters yet (`{}`): differentiate a non-generic function that calls the generic one", to_source(&g).trim()));
            }
        }
        lifetimes = generics.to_vec();
    }
    let params_toks = match at(i) {
        Some(Tok::Group { delim: Delim::Paren, toks, .. }) => toks.clone(),
        _ => return err(fn_span, "expected the parameter list"),
    };
    i += 1;
    let mut ret = None;
    if at(i).is_some_and(|t| t.is_punct('-')) && at(i + 1).is_some_and(|t| t.is_punct('>')) {
        i += 2;
        let start = i;
        while let Some(t) = at(i) {
            if t.is_ident("where") || t.group(Delim::Brace).is_some() || t.is_punct(';') {
                break;
            }
            i += 1;
        }
        let r = item[start..i].to_vec();
        let unit = matches!(r.as_slice(), [Tok::Group { delim: Delim::Paren, toks, .. }] if toks.is_empty());
        if !unit {
            ret = Some(r);
        }
    }
    let mut where_clause = Vec::new();
    if at(i).is_some_and(|t| t.is_ident("where")) {
        let start = i;
        while let Some(t) = at(i) {
            if t.group(Delim::Brace).is_some() {
                break;
            }
            i += 1;
        }
        where_clause = item[start..i].to_vec();
    }
    match at(i) {
        Some(t) if t.group(Delim::Brace).is_some() => {}
        Some(t) if t.is_punct(';') => return err(t.span(), "#[autodiff] needs the function's body (a declaration without a body cannot be differentiated)"),
        _ => return err(fn_span, "expected the function's body"),
    }
    let mut params = Vec::new();
    for (k, p) in split_commas(&params_toks).into_iter().enumerate() {
        let mut j = 0;
        while p.get(j).is_some_and(|t| t.is_punct('#')) && p.get(j + 1).is_some_and(|t| t.group(Delim::Bracket).is_some()) {
            j += 2;
        }
        let p = &p[j..];
        let span = p.first().map(Tok::span).unwrap_or(fn_span);
        if p.iter().take(4).any(|t| t.is_ident("self")) {
            return err(span, "#[autodiff] does not support methods (`self`) yet: differentiate a free function that takes the value as a reference");
        }
        // The pattern runs to the first top-level `:` that is not part of `::`.
        let colon = (0..p.len()).find(|&q| {
            p[q].is_punct(':') && !p[q].is_joint() && !(q > 0 && p[q - 1].is_punct(':') && p[q - 1].is_joint())
        });
        let Some(colon) = colon else { return err(span, "expected `name: Type`") };
        let pat = &p[..colon];
        let ty = p[colon + 1..].to_vec();
        let name = match pat {
            [Tok::Ident { s, .. }] if s != "_" => s.clone(),
            [m, Tok::Ident { s, .. }] if m.is_ident("mut") => s.clone(),
            _ => format!("arg{k}"),
        };
        if ty.first().is_some_and(|t| t.is_ident("impl")) {
            return err(ty[0].span(), "#[autodiff] does not support `impl Trait` parameters: they make the function generic");
        }
        let kind = classify(&ty);
        params.push(Param { name, ty, kind });
    }
    Ok(FnSig { vis, is_unsafe, name, lifetimes, where_clause, params, ret })
}

//! A plain token tree, independent of `proc_macro`, so that parsing and expansion can be unit
//! tested (`proc_macro`'s types only work inside a running macro). `span` is an index into a
//! side table the macro entry point keeps; tests use 0.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delim {
    Paren,
    Bracket,
    Brace,
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident { s: String, span: usize },
    Punct { c: char, joint: bool, span: usize },
    Lit { s: String, span: usize },
    Group { delim: Delim, toks: Vec<Tok>, span: usize },
}

impl Tok {
    pub fn span(&self) -> usize {
        match self {
            Tok::Ident { span, .. } | Tok::Punct { span, .. } | Tok::Lit { span, .. } | Tok::Group { span, .. } => *span,
        }
    }
    pub fn is_ident(&self, name: &str) -> bool {
        matches!(self, Tok::Ident { s, .. } if s == name)
    }
    pub fn ident(&self) -> Option<&str> {
        match self {
            Tok::Ident { s, .. } => Some(s),
            _ => None,
        }
    }
    pub fn is_punct(&self, ch: char) -> bool {
        matches!(self, Tok::Punct { c, .. } if *c == ch)
    }
    pub fn is_joint(&self) -> bool {
        matches!(self, Tok::Punct { joint: true, .. })
    }
    pub fn group(&self, d: Delim) -> Option<&[Tok]> {
        match self {
            Tok::Group { delim, toks, .. } if *delim == d => Some(toks),
            _ => None,
        }
    }
}

/// Source text as rustfmt would space it, for messages and signatures: `&[f64]`, `Vec<f64>`,
/// `*const T`, `&'a mut T`, `T: Copy`, `Box<dyn Fn(f64) -> f64>`.
pub fn pretty(toks: &[Tok]) -> String {
    let mut out = String::new();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 && space_between(toks, i) {
            out.push(' ');
        }
        match t {
            Tok::Ident { s, .. } | Tok::Lit { s, .. } => out.push_str(s),
            Tok::Punct { c, .. } => out.push(*c),
            Tok::Group { delim, toks, .. } => {
                let (open, close) = match delim {
                    Delim::Paren => ("(", ")"),
                    Delim::Bracket => ("[", "]"),
                    Delim::Brace => ("{ ", " }"),
                    Delim::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(&pretty(toks));
                out.push_str(close);
            }
        }
    }
    out
}

/// Whether a space goes between `toks[i - 1]` and `toks[i]`.
fn space_between(toks: &[Tok], i: usize) -> bool {
    let (a, b) = (&toks[i - 1], &toks[i]);
    let punct = |t: &Tok| match t {
        Tok::Punct { c, .. } => Some(*c),
        _ => None,
    };
    // `->`: its `>` follows a joint `-`.
    let arrow_end = |k: usize| punct(&toks[k]) == Some('>') && k > 0 && punct(&toks[k - 1]) == Some('-') && toks[k - 1].is_joint();
    // The second `:` of `::`.
    let path_colon = |k: usize| punct(&toks[k]) == Some(':') && k > 0 && punct(&toks[k - 1]) == Some(':') && toks[k - 1].is_joint();
    match (punct(a), punct(b)) {
        (Some('\'' | '&' | '*' | '<'), _) => false,
        (Some('-'), Some('>')) if a.is_joint() => false,
        (Some('>'), _) if arrow_end(i - 1) => true,
        (Some(':'), _) if a.is_joint() => false,
        (Some(':'), _) => !path_colon(i - 1),
        (_, Some(':')) => false,
        (_, Some(',' | ';' | '>')) => false,
        (_, Some('-')) => true,
        (Some(_), None) if matches!(a, Tok::Punct { c: '!', .. }) => false,
        (None, Some('<')) => false,
        (None, None) => !(matches!(a, Tok::Ident { .. }) && matches!(b, Tok::Group { delim: Delim::Paren, .. })),
        _ => true,
    }
}

/// Splits at top-level commas. Angle brackets are not token groups, so `HashMap<K, V>` keeps its
/// comma: `<` and `>` are counted, except the `>` of `->`.
pub fn split_commas(toks: &[Tok]) -> Vec<Vec<Tok>> {
    let mut out = vec![Vec::new()];
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        if let Tok::Punct { c, .. } = t {
            match c {
                '<' => depth += 1,
                '>' => {
                    let arrow = i > 0 && toks[i - 1].is_punct('-') && toks[i - 1].is_joint();
                    if !arrow && depth > 0 {
                        depth -= 1;
                    }
                }
                ',' if depth == 0 => {
                    out.push(Vec::new());
                    continue;
                }
                _ => {}
            }
        }
        out.last_mut().unwrap().push(t.clone());
    }
    if out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// A small lexer for tests: identifiers, numbers, string literals, lifetimes, punctuation, groups.
#[cfg(test)]
pub fn lex(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut pos = 0;
    let toks = lex_until(&chars, &mut pos, None);
    assert_eq!(pos, chars.len(), "unbalanced input");
    toks
}

#[cfg(test)]
fn lex_until(c: &[char], pos: &mut usize, close: Option<char>) -> Vec<Tok> {
    let mut out = Vec::new();
    while *pos < c.len() {
        let ch = c[*pos];
        if ch.is_whitespace() {
            *pos += 1;
        } else if Some(ch) == close {
            *pos += 1;
            return out;
        } else if ch == '(' || ch == '[' || ch == '{' {
            *pos += 1;
            let (d, cl) = match ch {
                '(' => (Delim::Paren, ')'),
                '[' => (Delim::Bracket, ']'),
                _ => (Delim::Brace, '}'),
            };
            let toks = lex_until(c, pos, Some(cl));
            out.push(Tok::Group { delim: d, toks, span: 0 });
        } else if ch.is_alphabetic() || ch == '_' {
            let start = *pos;
            while *pos < c.len() && (c[*pos].is_alphanumeric() || c[*pos] == '_') {
                *pos += 1;
            }
            out.push(Tok::Ident { s: c[start..*pos].iter().collect(), span: 0 });
        } else if ch.is_ascii_digit() {
            let start = *pos;
            while *pos < c.len() && (c[*pos].is_alphanumeric() || c[*pos] == '_' || c[*pos] == '.') {
                *pos += 1;
            }
            out.push(Tok::Lit { s: c[start..*pos].iter().collect(), span: 0 });
        } else if ch == '"' {
            let start = *pos;
            *pos += 1;
            while c[*pos] != '"' {
                *pos += 1;
            }
            *pos += 1;
            out.push(Tok::Lit { s: c[start..*pos].iter().collect(), span: 0 });
        } else {
            *pos += 1;
            let next = c.get(*pos).copied();
            let joint = ch == '\'' || next.is_some_and(|n| "+-*/%^!&|=<>@.,;:#$?~".contains(n));
            out.push(Tok::Punct { c: ch, joint, span: 0 });
        }
    }
    assert!(close.is_none(), "missing {close:?}");
    out
}

use crate::expand::expand;
use crate::parse::{parse_attr, parse_fn, Spelling};
use crate::tok::lex;

fn expand_src(attr: &str, item: &str, sp: Spelling) -> Result<String, Vec<String>> {
    let a = parse_attr(&lex(attr), sp, 0).map_err(|e| vec![e.msg])?;
    let f = parse_fn(&lex(item), 0).map_err(|e| vec![e.msg])?;
    expand(&a, &f, "0123456789abcdef").map_err(|es| es.into_iter().map(|e| e.msg).collect())
}

#[test]
fn seed_example_prints() {
    let s = expand_src("df, Reverse, Active, Duplicated, Active", "fn f(x: f32, y: &f32) -> f32 { x * x + 3.0 * y }", Spelling::Autodiff).unwrap();
    println!("{s}");
}

//! Compile-fail tests, written without crates: each tests/ui/*.rs is compiled by rustc against
//! this proc-macro crate, and every `//~ ERROR text` comment must match an error whose span
//! starts on that line (rustc's `--error-format=short`: `file:line:col: error: message`).
//! Files in tests/ui/link/ are whole programs that must fail to link, with the symbol that tells
//! the user to build with `enzyme-ts cargo`.
use std::path::{Path, PathBuf};
use std::process::Command;

fn rustc() -> Command {
    Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
}

/// Builds this crate as a proc macro into a scratch directory, once per test binary.
fn proc_macro(dir: &Path) -> PathBuf {
    let out = dir.join("libenzyme_autodiff.so");
    let st = rustc()
        .args(["--crate-type", "proc-macro", "--edition", "2021", "--crate-name", "enzyme_autodiff", "src/lib.rs", "-o"])
        .arg(&out)
        .status()
        .expect("rustc runs");
    assert!(st.success(), "building the proc macro failed");
    out
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("enzyme-autodiff-ui-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sources(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "rs")).collect();
    v.sort();
    v
}

#[test]
fn compile_errors_point_at_the_attribute() {
    let dir = scratch("errors");
    let pm = proc_macro(&dir);
    let files = sources("tests/ui");
    assert!(files.len() >= 5, "expected the ui tests in tests/ui");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let expected: Vec<(usize, String)> = text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| l.split_once("//~ ERROR ").map(|(_, m)| (i + 1, m.trim().to_string())))
            .collect();
        assert!(!expected.is_empty(), "{}: no //~ ERROR annotation", file.display());
        let out = rustc()
            .args(["--edition", "2021", "--crate-type", "lib", "--emit=metadata", "--error-format=short", "--out-dir"])
            .arg(&dir)
            .arg("--extern")
            .arg(format!("enzyme_autodiff={}", pm.display()))
            .arg(file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            failures.push(format!("{}: compiled, but errors were expected", file.display()));
            continue;
        }
        let name = file.to_string_lossy().to_string();
        let errors: Vec<(usize, &str)> = stderr
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix(&format!("{name}:"))?;
                let (line, rest) = rest.split_once(':')?;
                let (_col, rest) = rest.split_once(": error")?;
                let msg = rest.split_once(": ").map(|x| x.1).unwrap_or(rest);
                Some((line.parse().ok()?, msg))
            })
            .collect();
        for (line, want) in &expected {
            if !errors.iter().any(|(l, m)| l == line && m.contains(want.as_str())) {
                failures.push(format!("{}:{line}: expected an error containing {want:?}; rustc said:\n{stderr}", file.display()));
            }
        }
        for (line, msg) in &errors {
            if !expected.iter().any(|(l, w)| l == line && msg.contains(w.as_str())) {
                failures.push(format!("{}:{line}: unexpected error {msg:?}", file.display()));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_program_linked_without_enzyme_ts_names_the_fix() {
    let dir = scratch("link");
    let pm = proc_macro(&dir);
    for file in sources("tests/ui/link") {
        let out = rustc()
            .args(["--edition", "2021", "-O", "-o"])
            .arg(dir.join("prog"))
            .arg("--extern")
            .arg(format!("enzyme_autodiff={}", pm.display()))
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}: linked without enzyme-ts", file.display());
        assert!(stderr.contains("build_with_enzyme_ts_cargo"), "{}: the link error does not name the fix:\n{stderr}", file.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

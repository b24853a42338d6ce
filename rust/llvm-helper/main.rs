// enzyme-ts-llvm: compiles LLVM IR with the LLVM that ships inside a rustup toolchain.
//
// `enzyme-ts cargo` builds this file once per toolchain with that toolchain's rustc, linked
// against `$(rustc --print sysroot)/lib/libLLVM*.so`, and caches the binary. It uses only
// LLVM's stable C API, so it needs no LLVM headers and no crate.
//
//   enzyme-ts-llvm IN [--passes PIPELINE] [--only NAMES_FILE | --prepare-ad] [--emit obj|ll|bc]
//                  [-o OUT] [--cpu CPU] [--features FEATURES] [--opt 0-3] [--reloc pic|static]
//
// IN is textual IR or bitcode. The module is verified after parsing and after the passes.
// `--only FILE` restricts the passes to the functions named in FILE (one per line): every other
// function is marked `optnone noinline` while they run, and gets its attributes back before the
// module is written. `--prepare-ad` restricts them to the functions that Enzyme-style calls
// (`__enzyme_*`) differentiate and everything those reach, and lifts their `optnone`.
// Exit codes: 0 ok, 1 the input is not valid IR (message on stderr), 2 usage, 3 LLVM failed.
#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};
use std::process::exit;
use std::collections::HashSet;
use std::ptr::null_mut;

type LLVMContextRef = *mut c_void;
type LLVMModuleRef = *mut c_void;
type LLVMMemoryBufferRef = *mut c_void;
type LLVMTargetRef = *mut c_void;
type LLVMTargetMachineRef = *mut c_void;
type LLVMPassBuilderOptionsRef = *mut c_void;
type LLVMErrorRef = *mut c_void;
type LLVMValueRef = *mut c_void;
type LLVMBasicBlockRef = *mut c_void;
type LLVMAttributeRef = *mut c_void;
type LLVMBool = c_int;

extern "C" {
    fn LLVMContextCreate() -> LLVMContextRef;
    fn LLVMCreateMemoryBufferWithContentsOfFile(path: *const c_char, out: *mut LLVMMemoryBufferRef, msg: *mut *mut c_char) -> LLVMBool;
    fn LLVMParseIRInContext(ctx: LLVMContextRef, buf: LLVMMemoryBufferRef, out: *mut LLVMModuleRef, msg: *mut *mut c_char) -> LLVMBool;
    fn LLVMVerifyModule(m: LLVMModuleRef, action: c_int, msg: *mut *mut c_char) -> LLVMBool;
    fn LLVMDisposeMessage(msg: *mut c_char);
    fn LLVMGetTarget(m: LLVMModuleRef) -> *const c_char;
    fn LLVMGetDefaultTargetTriple() -> *mut c_char;
    fn LLVMGetTargetFromTriple(triple: *const c_char, t: *mut LLVMTargetRef, msg: *mut *mut c_char) -> LLVMBool;
    fn LLVMCreateTargetMachine(t: LLVMTargetRef, triple: *const c_char, cpu: *const c_char, features: *const c_char,
        level: c_int, reloc: c_int, code_model: c_int) -> LLVMTargetMachineRef;
    fn LLVMTargetMachineEmitToFile(tm: LLVMTargetMachineRef, m: LLVMModuleRef, file: *const c_char, kind: c_int, msg: *mut *mut c_char) -> LLVMBool;
    fn LLVMCreatePassBuilderOptions() -> LLVMPassBuilderOptionsRef;
    fn LLVMRunPasses(m: LLVMModuleRef, passes: *const c_char, tm: LLVMTargetMachineRef, opts: LLVMPassBuilderOptionsRef) -> LLVMErrorRef;
    fn LLVMGetErrorMessage(e: LLVMErrorRef) -> *mut c_char;
    fn LLVMDisposeErrorMessage(msg: *mut c_char);
    fn LLVMPrintModuleToFile(m: LLVMModuleRef, file: *const c_char, msg: *mut *mut c_char) -> LLVMBool;
    fn LLVMWriteBitcodeToFile(m: LLVMModuleRef, file: *const c_char) -> c_int;
    fn LLVMGetHostCPUName() -> *mut c_char;
    fn LLVMGetHostCPUFeatures() -> *mut c_char;
    fn LLVMGetModuleContext(m: LLVMModuleRef) -> LLVMContextRef;
    fn LLVMGetFirstFunction(m: LLVMModuleRef) -> LLVMValueRef;
    fn LLVMGetNextFunction(f: LLVMValueRef) -> LLVMValueRef;
    fn LLVMGetValueName2(v: LLVMValueRef, len: *mut usize) -> *const c_char;
    fn LLVMIsDeclaration(g: LLVMValueRef) -> LLVMBool;
    fn LLVMGetEnumAttributeKindForName(name: *const c_char, len: usize) -> c_uint;
    fn LLVMGetEnumAttributeAtIndex(f: LLVMValueRef, idx: c_uint, kind: c_uint) -> LLVMAttributeRef;
    fn LLVMRemoveEnumAttributeAtIndex(f: LLVMValueRef, idx: c_uint, kind: c_uint);
    fn LLVMCreateEnumAttribute(ctx: LLVMContextRef, kind: c_uint, val: u64) -> LLVMAttributeRef;
    fn LLVMAddAttributeAtIndex(f: LLVMValueRef, idx: c_uint, a: LLVMAttributeRef);
    fn LLVMGetFirstBasicBlock(f: LLVMValueRef) -> LLVMBasicBlockRef;
    fn LLVMGetNextBasicBlock(b: LLVMBasicBlockRef) -> LLVMBasicBlockRef;
    fn LLVMGetFirstInstruction(b: LLVMBasicBlockRef) -> LLVMValueRef;
    fn LLVMGetNextInstruction(i: LLVMValueRef) -> LLVMValueRef;
    fn LLVMGetNumOperands(v: LLVMValueRef) -> c_int;
    fn LLVMGetOperand(v: LLVMValueRef, i: c_uint) -> LLVMValueRef;
    fn LLVMIsAFunction(v: LLVMValueRef) -> LLVMValueRef;
    fn LLVMIsACallInst(v: LLVMValueRef) -> LLVMValueRef;
    fn LLVMIsAInvokeInst(v: LLVMValueRef) -> LLVMValueRef;
    fn LLVMIsAConstantExpr(v: LLVMValueRef) -> LLVMValueRef;
    fn LLVMGetCalledValue(i: LLVMValueRef) -> LLVMValueRef;
}

#[cfg(target_arch = "x86_64")]
extern "C" {
    fn LLVMInitializeX86TargetInfo();
    fn LLVMInitializeX86Target();
    fn LLVMInitializeX86TargetMC();
    fn LLVMInitializeX86AsmPrinter();
    fn LLVMInitializeX86AsmParser();
}
#[cfg(target_arch = "x86_64")]
fn init_native() {
    unsafe {
        LLVMInitializeX86TargetInfo();
        LLVMInitializeX86Target();
        LLVMInitializeX86TargetMC();
        LLVMInitializeX86AsmPrinter();
        LLVMInitializeX86AsmParser();
    }
}

#[cfg(target_arch = "aarch64")]
extern "C" {
    fn LLVMInitializeAArch64TargetInfo();
    fn LLVMInitializeAArch64Target();
    fn LLVMInitializeAArch64TargetMC();
    fn LLVMInitializeAArch64AsmPrinter();
    fn LLVMInitializeAArch64AsmParser();
}
#[cfg(target_arch = "aarch64")]
fn init_native() {
    unsafe {
        LLVMInitializeAArch64TargetInfo();
        LLVMInitializeAArch64Target();
        LLVMInitializeAArch64TargetMC();
        LLVMInitializeAArch64AsmPrinter();
        LLVMInitializeAArch64AsmParser();
    }
}

const RETURN_STATUS_ACTION: c_int = 2;
const FUNCTION_INDEX: c_uint = !0;
const CODEGEN_OBJECT_FILE: c_int = 1;
const RELOC_STATIC: c_int = 1;
const RELOC_PIC: c_int = 2;
const CODE_MODEL_DEFAULT: c_int = 0;

fn take(msg: *mut c_char) -> String {
    if msg.is_null() {
        return String::new();
    }
    let s = unsafe { CStr::from_ptr(msg) }.to_string_lossy().into_owned();
    unsafe { LLVMDisposeMessage(msg) };
    s
}

fn die(code: i32, what: &str) -> ! {
    eprintln!("enzyme-ts-llvm: {}", what.trim_end());
    exit(code)
}

fn cstr(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| die(2, "an argument contains a NUL byte"))
}

struct Args {
    input: String,
    passes: Option<String>,
    only: Option<String>,
    prepare_ad: bool,
    emit: String,
    output: Option<String>,
    cpu: Option<String>,
    features: Option<String>,
    opt: c_int,
    reloc: c_int,
}

fn parse_args() -> Args {
    let mut a = Args { input: String::new(), passes: None, only: None, prepare_ad: false, emit: "obj".into(), output: None, cpu: None, features: None, opt: 2, reloc: RELOC_PIC };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| die(2, &format!("{name} needs a value")));
        match arg.as_str() {
            "--passes" => a.passes = Some(value("--passes")),
            "--only" => a.only = Some(value("--only")),
            "--prepare-ad" => a.prepare_ad = true,
            "--emit" => a.emit = value("--emit"),
            "-o" => a.output = Some(value("-o")),
            "--cpu" => a.cpu = Some(value("--cpu")),
            "--features" => a.features = Some(value("--features")),
            "--opt" => a.opt = value("--opt").parse().unwrap_or_else(|_| die(2, "--opt takes 0 to 3")),
            "--reloc" => a.reloc = match value("--reloc").as_str() { "pic" => RELOC_PIC, "static" => RELOC_STATIC, _ => die(2, "--reloc takes pic or static") },
            "--version" => { println!("enzyme-ts-llvm 1"); exit(0) }
            _ if arg.starts_with('-') && arg != "-" => die(2, &format!("unknown option {arg}")),
            _ => a.input = arg,
        }
    }
    if a.input.is_empty() {
        die(2, "usage: enzyme-ts-llvm IN [--passes PIPELINE] [--emit obj|ll|bc] [-o OUT]");
    }
    a
}

fn main() {
    let a = parse_args();
    init_native();
    unsafe {
        let ctx = LLVMContextCreate();
        let mut buf: LLVMMemoryBufferRef = null_mut();
        let mut msg: *mut c_char = null_mut();
        let path = cstr(&a.input);
        if LLVMCreateMemoryBufferWithContentsOfFile(path.as_ptr(), &mut buf, &mut msg) != 0 {
            die(1, &format!("cannot read {}: {}", a.input, take(msg)));
        }
        let mut m: LLVMModuleRef = null_mut();
        if LLVMParseIRInContext(ctx, buf, &mut m, &mut msg) != 0 {
            die(1, &format!("{}: {}", a.input, take(msg)));
        }
        if LLVMVerifyModule(m, RETURN_STATUS_ACTION, &mut msg) != 0 {
            die(1, &format!("{}: invalid module: {}", a.input, take(msg)));
        }
        take(msg);
        msg = null_mut();

        let mut triple = CStr::from_ptr(LLVMGetTarget(m)).to_string_lossy().into_owned();
        if triple.is_empty() {
            triple = take(LLVMGetDefaultTargetTriple());
        }
        let ctriple = cstr(&triple);
        let mut target: LLVMTargetRef = null_mut();
        if LLVMGetTargetFromTriple(ctriple.as_ptr(), &mut target, &mut msg) != 0 {
            die(3, &format!("no target for {triple}: {}", take(msg)));
        }
        let cpu = match &a.cpu { Some(c) if c == "native" => take(LLVMGetHostCPUName()), Some(c) => c.clone(), None => String::new() };
        let features = match &a.features { Some(f) if f == "native" => take(LLVMGetHostCPUFeatures()), Some(f) => f.clone(), None => String::new() };
        let (ccpu, cfeat) = (cstr(&cpu), cstr(&features));
        let tm = LLVMCreateTargetMachine(target, ctriple.as_ptr(), ccpu.as_ptr(), cfeat.as_ptr(), a.opt, a.reloc, CODE_MODEL_DEFAULT);
        if tm.is_null() {
            die(3, &format!("cannot create a target machine for {triple}"));
        }
        if let Some(p) = &a.passes {
            let selected: Option<HashSet<String>> = if a.prepare_ad {
                Some(reached_by_enzyme_calls(m))
            } else if let Some(file) = &a.only {
                let text = std::fs::read_to_string(file).unwrap_or_else(|e| die(2, &format!("cannot read {file}: {e}")));
                Some(text.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect())
            } else {
                None
            };
            let saved = selected.as_ref().map(|s| restrict_to(m, s, a.prepare_ad));
            let cp = cstr(p);
            let err = LLVMRunPasses(m, cp.as_ptr(), tm, LLVMCreatePassBuilderOptions());
            if let Some(saved) = saved {
                restore(m, saved);
            }
            if !err.is_null() {
                let e = LLVMGetErrorMessage(err);
                let s = CStr::from_ptr(e).to_string_lossy().into_owned();
                LLVMDisposeErrorMessage(e);
                die(3, &format!("passes '{p}': {s}"));
            }
            if LLVMVerifyModule(m, RETURN_STATUS_ACTION, &mut msg) != 0 {
                die(3, &format!("the module is invalid after '{p}': {}", take(msg)));
            }
            take(msg);
            msg = null_mut();
        }
        let out = a.output.clone().unwrap_or_else(|| "-".into());
        let cout = cstr(&out);
        match a.emit.as_str() {
            "obj" => {
                if LLVMTargetMachineEmitToFile(tm, m, cout.as_ptr(), CODEGEN_OBJECT_FILE, &mut msg) != 0 {
                    die(3, &format!("cannot emit {out}: {}", take(msg)));
                }
            }
            "ll" => {
                if LLVMPrintModuleToFile(m, cout.as_ptr(), &mut msg) != 0 {
                    die(3, &format!("cannot write {out}: {}", take(msg)));
                }
            }
            "bc" => {
                if LLVMWriteBitcodeToFile(m, cout.as_ptr()) != 0 {
                    die(3, &format!("cannot write {out}"));
                }
            }
            other => die(2, &format!("--emit takes obj, ll or bc, not {other}")),
        }
    }
    let _: c_uint = 0;
}

fn name_of(v: LLVMValueRef) -> String {
    let mut len = 0usize;
    let p = unsafe { LLVMGetValueName2(v, &mut len) };
    if p.is_null() {
        return String::new();
    }
    let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
    String::from_utf8_lossy(bytes).into_owned()
}

fn functions(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    let mut out = Vec::new();
    let mut f = unsafe { LLVMGetFirstFunction(m) };
    while !f.is_null() {
        out.push(f);
        f = unsafe { LLVMGetNextFunction(f) };
    }
    out
}

/// The function `v` is, looking through constant casts.
fn function_behind(mut v: LLVMValueRef) -> Option<LLVMValueRef> {
    for _ in 0..4 {
        if v.is_null() {
            return None;
        }
        unsafe {
            if !LLVMIsAFunction(v).is_null() {
                return Some(v);
            }
            if LLVMIsAConstantExpr(v).is_null() || LLVMGetNumOperands(v) < 1 {
                return None;
            }
            v = LLVMGetOperand(v, 0);
        }
    }
    None
}

fn instructions(f: LLVMValueRef, mut visit: impl FnMut(LLVMValueRef)) {
    unsafe {
        let mut b = LLVMGetFirstBasicBlock(f);
        while !b.is_null() {
            let mut i = LLVMGetFirstInstruction(b);
            while !i.is_null() {
                visit(i);
                i = LLVMGetNextInstruction(i);
            }
            b = LLVMGetNextBasicBlock(b);
        }
    }
}

/// The functions `__enzyme_*` calls differentiate (their first function operand) and every
/// function those reference, transitively.
fn reached_by_enzyme_calls(m: LLVMModuleRef) -> HashSet<String> {
    let mut work: Vec<LLVMValueRef> = Vec::new();
    for f in functions(m) {
        instructions(f, |i| unsafe {
            if LLVMIsACallInst(i).is_null() && LLVMIsAInvokeInst(i).is_null() {
                return;
            }
            let Some(callee) = function_behind(LLVMGetCalledValue(i)) else { return };
            if !name_of(callee).contains("__enzyme_") {
                return;
            }
            let n = LLVMGetNumOperands(i) as c_uint;
            for k in 0..n.saturating_sub(1) {
                if let Some(g) = function_behind(LLVMGetOperand(i, k)) {
                    work.push(g);
                    break;
                }
            }
        });
    }
    let mut seen: HashSet<String> = HashSet::new();
    while let Some(f) = work.pop() {
        let name = name_of(f);
        if unsafe { LLVMIsDeclaration(f) } != 0 || !seen.insert(name) {
            continue;
        }
        instructions(f, |i| unsafe {
            let n = LLVMGetNumOperands(i) as c_uint;
            for k in 0..n {
                if let Some(g) = function_behind(LLVMGetOperand(i, k)) {
                    work.push(g);
                }
            }
        });
    }
    seen
}

fn attr_kind(name: &str) -> c_uint {
    unsafe { LLVMGetEnumAttributeKindForName(name.as_ptr() as *const c_char, name.len()) }
}

/// Per function: the attributes `restrict_to` added and removed.
struct Saved {
    entries: Vec<(LLVMValueRef, Vec<c_uint>, Vec<LLVMAttributeRef>)>,
}

/// Makes every defined function outside `keep` `optnone noinline` (dropping what conflicts with
/// that) so that the passes leave it alone; with `lift`, removes `optnone` from those in `keep`.
fn restrict_to(m: LLVMModuleRef, keep: &HashSet<String>, lift: bool) -> Saved {
    let ctx = unsafe { LLVMGetModuleContext(m) };
    let optnone = attr_kind("optnone");
    let noinline = attr_kind("noinline");
    let conflicts = [attr_kind("alwaysinline"), attr_kind("minsize"), attr_kind("optsize")];
    let mut saved = Saved { entries: Vec::new() };
    for f in functions(m) {
        if unsafe { LLVMIsDeclaration(f) } != 0 {
            continue;
        }
        let has = |k: c_uint| unsafe { !LLVMGetEnumAttributeAtIndex(f, FUNCTION_INDEX, k).is_null() };
        let mut added = Vec::new();
        let mut removed = Vec::new();
        if keep.contains(&name_of(f)) {
            if lift && has(optnone) {
                removed.push(unsafe { LLVMGetEnumAttributeAtIndex(f, FUNCTION_INDEX, optnone) });
                unsafe { LLVMRemoveEnumAttributeAtIndex(f, FUNCTION_INDEX, optnone) };
            }
        } else {
            for k in conflicts {
                if has(k) {
                    removed.push(unsafe { LLVMGetEnumAttributeAtIndex(f, FUNCTION_INDEX, k) });
                    unsafe { LLVMRemoveEnumAttributeAtIndex(f, FUNCTION_INDEX, k) };
                }
            }
            for k in [optnone, noinline] {
                if !has(k) {
                    unsafe { LLVMAddAttributeAtIndex(f, FUNCTION_INDEX, LLVMCreateEnumAttribute(ctx, k, 0)) };
                    added.push(k);
                }
            }
        }
        if !added.is_empty() || !removed.is_empty() {
            saved.entries.push((f, added, removed));
        }
    }
    saved
}

/// Undoes `restrict_to` on the functions that still exist (the passes may have deleted some).
fn restore(m: LLVMModuleRef, saved: Saved) {
    let live: HashSet<usize> = functions(m).into_iter().map(|f| f as usize).collect();
    for (f, added, removed) in saved.entries {
        if !live.contains(&(f as usize)) {
            continue;
        }
        for k in added {
            unsafe { LLVMRemoveEnumAttributeAtIndex(f, FUNCTION_INDEX, k) };
        }
        for a in removed {
            unsafe { LLVMAddAttributeAtIndex(f, FUNCTION_INDEX, a) };
        }
    }
}

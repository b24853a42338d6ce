// The long explanation of every diagnostic code, with an example that produces it: what
// `enzyme-ts explain CODE` prints and what docs/diagnostics.md is generated from (the
// examples are run by the docs tool, `npm run docs`, and their real output pasted in).
// Markdown, plain enough to read on a terminal.
import type { Code } from './codes.js';

export interface CodeExample {
  /** Text shown before the example. */
  intro?: string;
  /** The example's input files: their text (shown with `cat`), or a file of the repository. */
  files: Record<string, string | { from: string }>;
  /** Commands run in a folder holding the files. */
  commands: string[];
}

export interface CodeDoc {
  /** Which part of the tool reports it (for the summary table). */
  reportedBy: string;
  /** One line for the summary table. */
  meaning: string;
  explanation: string;
  examples?: CodeExample[];
  /** Text after the examples: other messages, the way out. */
  after?: string;
}

const SQ = `define double @f(double %x) {
  %y = fmul double %x, %x
  ret double %y
}
`;

export const CODE_DOCS: { readonly [C in Code]: CodeDoc } = {
  E0001: {
    reportedBy: 'parser, parser actions',
    meaning: 'tokens do not form valid IR',
    explanation: 'The tokens do not form valid IR, or a construct is malformed in a way the grammar leaves to the actions of the parser. Parsing stops at the first syntax error.',
    examples: [{ files: { 'syntax.ll': 'define i32 @f(i32 %a) {\n  %s = addd i32 %a, 1\n  ret i32 %s\n}\n' }, commands: ['enzyme-ts fmt syntax.ll'] }],
    after: "Other messages: `expected ',' but found 'ptr'`, `unexpected '}'`, `expected '}' but found end of input`, `'olt' is not a valid icmp predicate`, `select takes 3 operands, not 2`, `atomic load needs an ordering`, `unknown alloca flag 'x'`, `debug record must precede an instruction`, `'x' is not valid in a call`, `input nests too deeply to parse`.",
  },
  E0002: {
    reportedBy: 'lexer',
    meaning: 'a character that cannot start a token',
    explanation: 'A character or sigil that cannot start a token. Control characters in the echoed line are shown escaped (`\\x1B`), never sent to the terminal.',
    examples: [{ files: { 'char.ll': 'define void @f() {\n  ret void `\n}\n' }, commands: ['enzyme-ts fmt char.ll'] }],
    after: "Other messages: `expected a name after '%'`, `expected an attribute group number after '#'`, `expected a comdat name after '$'`, `unexpected 'a.b'` (a bare word with `.`, `-` or `$` that is not a label).",
  },
  E0003: {
    reportedBy: 'lexer',
    meaning: 'string or quoted name not closed',
    explanation: 'A `"` (string, quoted name, `c"..."`) with no closing quote before the end of the input.',
    examples: [{ files: { 'string.ll': '@s = constant [2 x i8] c"a\\00\n' }, commands: ['enzyme-ts fmt string.ll'] }],
  },
  E0004: {
    reportedBy: 'lexer',
    meaning: 'malformed numeric literal',
    explanation: 'A digit run followed by letters, or a hexadecimal floating-point constant with the wrong number of digits for its prefix (16 for `0x`, 20 for `0xK`, 32 for `0xL`/`0xM`, 4 for `0xH`/`0xR`).',
    examples: [{ files: { 'number.ll': 'define i32 @f() {\n  ret i32 12abc\n}\n' }, commands: ['enzyme-ts fmt number.ll'] }],
  },
  E0005: {
    reportedBy: 'input reader',
    meaning: 'bitcode or another binary file',
    explanation: 'The input is LLVM bitcode, or holds NUL bytes (an object file, an archive): enzyme-ts reads textual IR. It is refused before anything of it is shown, so no binary byte reaches the terminal. Convert bitcode with the `llvm-dis` of the LLVM that wrote it.',
    examples: [{ files: {}, commands: ['printf \'BC\\300\\336\\065\\024\\000\\000\' > f.bc', 'enzyme-ts fmt f.bc'] }],
  },
  E0101: {
    reportedBy: 'resolver, parser actions',
    meaning: 'reference to a value nothing defines',
    explanation: 'A `%local` or `@global` that nothing defines, or a local used outside a function body.',
    examples: [{ files: { 'undef-value.ll': 'define i32 @f(i32 %x) {\n  %y = add i32 %x, %z\n  ret i32 %y\n}\n' }, commands: ['enzyme-ts fmt undef-value.ll'] }],
    after: 'Other messages: `undefined global @sqr` (with a note on declaring it), `local value %x used outside a function body`.',
  },
  E0102: {
    reportedBy: 'parser actions',
    meaning: 'a name defined twice',
    explanation: 'A name defined twice: global, local (argument, block, instruction), named type, metadata node or attribute group.',
    examples: [{ files: { 'redef.ll': '@g = global i32 0\n@g = global i32 1\n' }, commands: ['enzyme-ts fmt redef.ll'] }],
  },
  E0103: {
    reportedBy: 'parser actions',
    meaning: '`%N` / `@N` not consecutive',
    explanation: 'Unnamed values (`%N`: arguments, blocks, instructions; `@N` globals) must be numbered consecutively from 0 in order of definition. An unlabelled entry block takes a number too.',
    examples: [{ files: { 'numbering.ll': 'define i32 @f(i32 %0) {\n  %3 = add i32 %0, 1\n  ret i32 %3\n}\n' }, commands: ['enzyme-ts fmt numbering.ll'] }],
    after: 'Other messages: `global @2 is out of order: expected @1`.',
  },
  E0104: {
    reportedBy: 'resolver, parser actions',
    meaning: 'named type used but not defined',
    explanation: 'A named type `%T` used but never defined with `%T = type ...`.',
    examples: [{ files: { 'undef-type.ll': 'define void @f() {\n  %a = alloca %struct.V, align 8\n  ret void\n}\n' }, commands: ['enzyme-ts fmt undef-type.ll'] }],
  },
  E0105: {
    reportedBy: 'resolver',
    meaning: 'branch or phi target that is not a block',
    explanation: 'A `label %x` (branch target, phi block, `blockaddress`) that is not a block of the function, or names a value that is not a block.',
    examples: [{ files: { 'undef-block.ll': 'define void @f() {\n  br label %exit\n}\n' }, commands: ['enzyme-ts fmt undef-block.ll'] }],
  },
  E0106: {
    reportedBy: 'resolver',
    meaning: '`!N` used but not defined',
    explanation: 'A `!N` reference (attachment, operand, named metadata, inside another node) with no `!N = ...` definition.',
    examples: [{ files: { 'undef-md.ll': 'define void @f() {\n  ret void, !dbg !7\n}\n' }, commands: ['enzyme-ts fmt undef-md.ll'] }],
  },
  E0107: {
    reportedBy: 'resolver',
    meaning: '`#N` used but not defined',
    explanation: 'A `#N` reference with no `attributes #N = { ... }`.',
    examples: [{ files: { 'undef-group.ll': 'define void @f() #3 {\n  ret void\n}\n' }, commands: ['enzyme-ts fmt undef-group.ll'] }],
  },
  E0108: {
    reportedBy: 'resolver',
    meaning: '`comdat($c)` without `$c = comdat ...`',
    explanation: "A `comdat($c)` (or a bare `comdat`, meaning the global's own name) with no `$c = comdat ...`.",
    examples: [{ files: { 'undef-comdat.ll': '$c = comdat any\n@g = global i32 0, comdat($d)\n' }, commands: ['enzyme-ts fmt undef-comdat.ll'] }],
  },
  E0109: {
    reportedBy: 'parser actions, resolver',
    meaning: 'a `uselistorder` directive LLVM would refuse',
    explanation: 'A `uselistorder` or `uselistorder_bb` directive (what `llvm-dis -preserve-ll-uselistorder` writes) whose indexes are not a permutation of the value\'s uses, fewer than two, already in order, or that names a function without a body. enzyme-ts checks the directives as LLVM does and drops them when printing (the order of uses does not change what a program computes).',
    examples: [{ files: { 'ulo.ll': 'define i32 @f(i32 %x) {\n  %a = add i32 %x, 1\n  %b = add i32 %x, 2\n  %c = add i32 %a, %b\n  ret i32 %c\n  uselistorder i32 %x, { 0, 1 }\n}\n' }, commands: ['enzyme-ts fmt ulo.ll'] }],
  },
  E0120: {
    reportedBy: 'printer (`--target-llvm`)',
    meaning: 'a construct LLVM N has no spelling for, that cannot be dropped',
    explanation: "With `--target-llvm N`, the module holds a construct that LLVM N has no spelling for and that cannot be dropped without changing what the program does: an `atomicrmw` operation newer than N, a scalable vector `splat` before 19, a `target(\"...\")` type before 16. Reported before anything is written ([syntax.md](syntax.md#writing-for-an-older-llvm---target-llvm-n) lists what is rewritten or dropped instead).",
    examples: [{ files: { 'rmw.ll': 'define i32 @take(ptr %p) {\n  %old = atomicrmw usub_sat ptr %p, i32 1 seq_cst\n  ret i32 %old\n}\n' }, commands: ['enzyme-ts fmt rmw.ll --target-llvm 19'] }],
  },
  E0121: {
    reportedBy: '`fmt`, `grad`, `lower` (`--target-llvm 14`); a warning',
    meaning: 'opaque pointers written for LLVM 14',
    explanation: 'With `--target-llvm 14`, the module uses opaque pointers (`ptr`), which LLVM 14 reads only with `-opaque-pointers`; the tool does not turn them back into typed pointers. The output is written.',
    examples: [{ files: { 'opq.ll': 'define ptr @id(ptr %p) {\n  ret ptr %p\n}\n' }, commands: ['enzyme-ts fmt opq.ll --target-llvm 14 -o opq.14.ll', 'llvm-as -opaque-pointers opq.14.ll'] }],
  },
  E0201: {
    reportedBy: 'parser actions, resolver',
    meaning: 'value used at the wrong type',
    explanation: 'A value used at a type other than its own, or an operand of the wrong kind for the instruction.',
    examples: [{ files: { 'mismatch.ll': 'define i64 @f(i32 %x) {\n  %y = add i64 %x, 1\n  ret i64 %y\n}\n' }, commands: ['enzyme-ts fmt mismatch.ll'] }],
    after: "Other messages: `'fadd' needs floating-point operands, not i32`, `'icmp' cannot compare double`, `branch condition must be i1, not i32`, `return type i32 does not match the function's double`, `load of i32 through a pointer of type double*` (typed pointers), `store needs a pointer operand, not i64`, `call has 1 arguments but the function type has 2`, `instruction returning void cannot be named %r`.",
  },
  E0202: {
    reportedBy: 'parser actions',
    meaning: 'a type LLVM does not allow',
    explanation: 'A type LLVM does not allow: a pointer to `void` or to `label`, an integer of width 0, a vector of non-scalars, `void` as a parameter, an array or struct of a type without a size.',
    examples: [{ files: { 'bad-type.ll': 'define void @f(void* %p) {\n  ret void\n}\n' }, commands: ['enzyme-ts fmt bad-type.ll'] }],
    after: 'Other messages: `ptr* is invalid: use ptr`, `invalid integer width i0`, `invalid parameter type void`, `named type %T must be a struct or opaque`, `a vector needs at least one element`, `cannot allocate void: it has no size`.',
  },
  E0203: {
    reportedBy: 'parser actions',
    meaning: 'aggregate or GEP index does not fit the type',
    explanation: 'A `getelementptr`, `extractvalue` or `insertvalue` index that does not fit the indexed type.',
    examples: [{ files: { 'bad-index.ll': 'define double @f({ i32, double } %s) {\n  %v = extractvalue { i32, double } %s, 2\n  ret double %v\n}\n' }, commands: ['enzyme-ts fmt bad-index.ll'] }],
  },
  E0204: {
    reportedBy: 'parser actions, resolver',
    meaning: 'constant does not fit its type',
    explanation: 'A constant that does not fit its type, or a malformed constant.',
    examples: [{ files: { 'bad-const.ll': '@x = global i32 1.5\n' }, commands: ['enzyme-ts fmt bad-const.ll'] }],
    after: 'Other messages: `null is not a valid constant of type i32`, `string of 6 bytes does not fit type [5 x i8]`, `array constant has 2 elements but type [3 x double] has 3`, `alignment 6 is not a power of two up to 2^32`, `blockaddress of @ext, which has no body`.',
  },
  E0205: {
    reportedBy: 'parser actions',
    meaning: 'a `target datalayout` string LLVM would refuse',
    explanation: "A `target datalayout` string that breaks LLVM's rules: an unknown specification letter, a size or alignment that is not a whole number of bytes or not a power of two, a preferred alignment below the ABI alignment, a pointer size of 0. The message is LLVM's. enzyme-ts computes sizes and offsets of memory from this string, so a wrong one would make wrong derivatives.",
    examples: [{ files: { 'dl.ll': 'target datalayout = "e-i64:48"\n' }, commands: ['enzyme-ts fmt dl.ll'] }],
  },
  E0206: {
    reportedBy: 'parser actions',
    meaning: 'a flag an instruction does not admit',
    explanation: 'A flag the opcode does not take (`xor nuw`, `fadd nsw`, `exact` on `add`), or fast-math flags on an instruction whose type is not floating-point.',
    examples: [{ files: { 'flag.ll': 'define i32 @f(i32 %x) {\n  %y = xor nuw i32 %x, 1\n  ret i32 %y\n}\n' }, commands: ['enzyme-ts fmt flag.ll'] }],
  },
  E0301: {
    reportedBy: 'parser actions, verifier',
    meaning: 'block without a terminator',
    explanation: 'A block that does not end with a terminator (`ret`, `br`, `switch`, `unreachable`, ...).',
    examples: [{ files: { 'no-term.ll': 'define i32 @f(i32 %x) {\nentry:\n  %y = add i32 %x, 1\nnext:\n  ret i32 %y\n}\n' }, commands: ['enzyme-ts fmt no-term.ll'] }],
  },
  E0302: {
    reportedBy: 'verifier',
    meaning: 'use not dominated by its definition',
    explanation: 'SSA dominance: a use that its definition does not dominate.',
    examples: [{ files: { 'dominance.ll': 'define i32 @f(i32 %x) {\n  %a = add i32 %b, 1\n  %b = add i32 %x, 1\n  ret i32 %a\n}\n' }, commands: ['enzyme-ts fmt dominance.ll'] }],
  },
  E0303: {
    reportedBy: 'verifier',
    meaning: 'phi entries do not match the predecessors',
    explanation: 'A phi not at the start of its block, or whose incoming blocks do not match the predecessors (missing, extra, or a different count of entries than edges).',
    examples: [{ files: { 'phi.ll': 'define i32 @f(i1 %c) {\nentry:\n  br i1 %c, label %a, label %b\na:\n  br label %b\nb:\n  %p = phi i32 [ 0, %entry ]\n  ret i32 %p\n}\n' }, commands: ['enzyme-ts fmt phi.ll'] }],
  },
  E0304: {
    reportedBy: 'verifier',
    meaning: 'operand rejected by the verifier',
    explanation: 'An operand the verifier rejects after parsing: unsized load, store or alloca types, operand counts or types of instructions (mainly for IR the tool builds), unresolved references.',
    examples: [{ files: { 'operand.ll': '%T = type opaque\n\ndefine void @f(ptr %p) {\n  %v = load %T, ptr %p\n  ret void\n}\n' }, commands: ['enzyme-ts fmt operand.ll'] }],
  },
  E0305: {
    reportedBy: 'verifier',
    meaning: 'terminator before the end of a block',
    explanation: 'A terminator before the end of its block. It cannot come from text (the parser ends a block at every terminator, and an instruction after it starts a new, unnamed block, as in LLVM): it guards IR that the tool builds.',
  },
  E0306: {
    reportedBy: 'parser actions, verifier',
    meaning: 'function with no blocks, or inconsistent function',
    explanation: 'A body `{ }` with no block, a `define` with no body, or (for built IR) a function whose arguments or entry block are inconsistent.',
    examples: [{ files: { 'no-blocks.ll': 'define void @f() {\n}\n' }, commands: ['enzyme-ts fmt no-blocks.ll'] }],
  },
  E0307: {
    reportedBy: 'transform (`grad`, `check`, `lower`); not `fmt`',
    meaning: 'cycle entered other than through its header',
    explanation: 'A cycle entered other than through a block that dominates it. Such a control-flow graph is valid LLVM, so `fmt` accepts it; the transform needs natural loops to reverse them. Compilers emit irreducible loops rarely (a `goto` into a loop, some state machines); restructuring the source is the way out.',
    examples: [{
      files: { 'irreducible.ll': 'define double @f(double %x, i1 %c) {\nentry:\n  br i1 %c, label %a, label %b\na:\n  %p = phi double [ %x, %entry ], [ %q, %b ]\n  %t = fcmp olt double %p, 1.0e+1\n  br i1 %t, label %b, label %exit\nb:\n  %r = phi double [ %x, %entry ], [ %p, %a ]\n  %q = fmul double %r, 2.0\n  br label %a\nexit:\n  ret double %p\n}\n' },
      commands: ['enzyme-ts grad irreducible.ll -f f --args active,const'],
    }],
  },
  E0308: {
    reportedBy: 'verifier',
    meaning: 'an attribute where LLVM does not allow it, on the wrong type, or with one it excludes',
    explanation: 'An attribute placed where LLVM does not accept it (a parameter attribute on a function, `immarg` on a call site), on a type it does not apply to (`nonnull` on an integer, `zeroext` on a pointer), or together with one it excludes (`readnone` with `readonly`), as LLVM\'s verifier rules have it.',
    examples: [{ files: { 'attr.ll': 'declare void @g(i32 nonnull)\n' }, commands: ['enzyme-ts fmt attr.ll'] }],
  },
  E0309: {
    reportedBy: 'verifier',
    meaning: 'an atomic load, store, cmpxchg or atomicrmw LLVM would refuse',
    explanation: 'An atomic memory access with an ordering its instruction does not admit (an atomic load with `release`), without an alignment, or on a type atomics do not support.',
    examples: [{ files: { 'atomic.ll': 'define i32 @f(ptr %p) {\n  %v = load atomic i32, ptr %p release, align 4\n  ret i32 %v\n}\n' }, commands: ['enzyme-ts fmt atomic.ll'] }],
  },
  E0310: {
    reportedBy: 'verifier',
    meaning: 'exception-handling instructions LLVM would refuse',
    explanation: "A `landingpad`, `resume` or other exception-handling pad in a function without a personality, a landing pad that is not the first non-phi instruction of its block or has neither a clause nor `cleanup`, an `invoke` whose unwind destination does not start with a pad, a block starting with a landing pad entered other than by the unwind edge of an invoke. LLVM's verifier rejects these; so does enzyme-ts, and output that would break these rules is an internal error, never written.",
    examples: [{ files: { 'eh.ll': 'define void @f({ ptr, i32 } %e) {\n  resume { ptr, i32 } %e\n}\n' }, commands: ['enzyme-ts fmt eh.ll'] }],
  },
  E0311: {
    reportedBy: '(reserved)',
    meaning: 'a metadata attachment LLVM would refuse',
    explanation: 'Reserved for metadata attachments that do not fit their instruction; not reported yet.',
  },
  E0401: {
    reportedBy: 'transform (`grad`, `check`, `lower`)',
    meaning: 'an instruction in the active path the transform has no reverse for',
    explanation: 'An instruction in the active path (it touches a value or memory whose derivative is needed) that the transform has no reverse code for. The message names the function and the construct; the location is the instruction, and with `-g` the line of the source it came from.',
    examples: [
      { files: { 'atomic.ll': 'define double @f(ptr %p, double %x) {\n  %old = atomicrmw fmax ptr %p, double %x monotonic\n  %y = load double, ptr %p\n  ret double %y\n}\n' }, commands: ['enzyme-ts grad atomic.ll -f f --args dup,active'] },
      {
        intro: "A pointer into a const argument's memory used where the derivative needs its shadow (the derivative would otherwise add adjoints into the primal data, [ad.md](ad.md#memory-behind-const-arguments)):",
        files: { 'keep.ll': '%model = type { ptr, double }\n\ndefine double @f(ptr %m, ptr %data) {\n  store ptr %data, ptr %m\n  %w.p = getelementptr inbounds %model, ptr %m, i32 0, i32 1\n  %w = load double, ptr %w.p\n  %d = load double, ptr %data\n  %r = fmul double %w, %d\n  ret double %r\n}\n' },
        commands: ['enzyme-ts grad keep.ll -f f --args dup,const'],
      },
    ],
    after: 'Other messages (`cannot differentiate @f: ...`): `this load may reach duplicated memory or constant memory` (a select or phi joins a `dup` and a `const` pointer; note: make the const argument dup), `floating data loaded from memory reached through an inttoptr the tool cannot follow`, `an exception caught inside the function (the landing pad of this call leads to a return) on the active path` (the derivative assumes no exception is thrown; other invokes work, [ad.md](ad.md#exceptions)), `call to variadic function @g with active arguments`, `a variadic function that reads its variable arguments`, `no shadow for a pointer into active memory`, `a pointer read from the memory of the global @g is used where the derivative needs its shadow`, `a pointer to active memory inside an aggregate ({ ptr, double }) is not supported yet` (reverse mode: an aggregate that mixes pointers to active memory with floating values; fat pointers of pointers and integers such as Rust\'s `{ ptr, i64 }` slices have shadow aggregates), `no derivative rule for \'OP\'`. [instructions.md](instructions.md#not-differentiable-when-active) lists the constructs. When the value does not matter for the derivative, the way out is to make the parameters it depends on `const`; for vectorized code, compiling with `-fno-vectorize -fno-slp-vectorize` keeps it scalar.',
  },
  E0402: {
    reportedBy: 'transform (`grad`, `check`, `lower`)',
    meaning: 'a declared function, inline asm or indirect call touches active data',
    explanation: 'A call in the active path to a function that is only declared in the module and has no rule in [instructions.md](instructions.md#calls) (the math library has rules), to inline assembly, or through a function pointer. If the function is defined in another file, link the two modules first (`llvm-link a.ll b.ll -S -o ab.ll`); otherwise register a custom derivative, declare it inactive ([custom.md](custom.md)), or make the arguments it depends on const. A call whose arguments are all inactive is fine: it is kept in the forward sweep and gets no reverse code, unless a global that code outside the module can name (not `internal` or `private`) carries derivatives: the declared function may read or overwrite it, so the call is an error too, naming the global (link the definition in, or declare the function inactive if it does not use the global; [ad.md](ad.md)).',
    examples: [
      { files: { 'mystery.ll': 'declare double @mystery(double)\n\ndefine double @f(double %x) {\n  %y = fmul double %x, %x\n  %z = call double @mystery(double %y)\n  ret double %z\n}\n' }, commands: ['enzyme-ts grad mystery.ll -f f'] },
      { intro: 'The same with inline assembly:', files: { 'asm.ll': 'define double @f(double %x) {\n  %y = call double asm "fsqrt", "=t,0"(double %x)\n  ret double %y\n}\n' }, commands: ['enzyme-ts grad asm.ll -f f'] },
      {
        intro: 'With debug information (`clang -g`), the error names the source line first, and each function it was inlined into:',
        files: {
          'norm.c': 'double mystery(double);\nstatic double sq(double v) {\n  return mystery(v) * v;\n}\ndouble norm(const double *x, int n) {\n  double s = 0;\n  for (int i = 0; i < n; i++)\n    s += sq(x[i]);\n  return s;\n}\n',
        },
        commands: ['clang-19 -O2 -g -S -emit-llvm norm.c -o norm.ll', 'enzyme-ts grad norm.ll -f norm --args dup,const -o norm.grad.ll'],
      },
    ],
    after: 'Other message: `an indirect call touches active data and has no known derivative` (a call through a function pointer whose target cannot be known at compile time; one loaded from a global nothing writes is the direct call, and one that can only be an entry of a table of functions is a dispatch on the pointer, [ad.md](ad.md#the-forward-sweep)). Vector memory intrinsics other than the masked and vector-predicated loads, stores, gathers and scatters (`llvm.masked.expandload`, `llvm.masked.compressstore`) are calls of this kind.',
  },
  E0403: {
    reportedBy: 'transform (`grad`, `check`, `lower`)',
    meaning: 'a copy whose contents could be floats or pointers',
    explanation: 'A `memcpy` or `memmove` of active memory where nothing in the function tells whether the bytes are floating-point values (whose derivatives must be copied) or pointers (whose shadows must be). Loads, stores and GEPs of either pointer, typed pointers, TBAA tags and the type analysis tell; a bare copy between two `ptr` parameters does not. The same code refuses an integer-typed load or store of active memory that holds, or may hold, floating data (untyped memory, such as rustc\'s `[16 x i8]` stack slots, may take integers that are no copies of floating data, and give integers that are only compared or used as indices), and integer arithmetic on the bits of an active float (the fast inverse square root): its derivative would otherwise be silently lost. Integer copies the type analysis proves to move floats are retyped and differentiated ([ad.md](ad.md#integer-copies-of-floating-data)). With `--loose-types` (or `ENZYME_LOOSE_TYPES=1`) such memory is treated as non-differentiable, with a warning. Integers computed from the bits of an active float that a function of the module turns back into a floating value are refused at the call that passes them; the notes name the ways out: a derivative of its own for the function that computes on the bits (`--custom FN=AUG,REV` to `grad` and `check`, `__enzyme_register_gradient_FN` for `lower`, [custom.md](custom.md)), or, when the value the callee makes needs no derivative, the callee declared inactive (`--inactive`, `__enzyme_inactivefn`, the `\"enzyme_inactive\"` attribute).',
    examples: [
      { files: { 'copy.ll': 'declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)\n\ndefine void @copy(ptr %dst, ptr %src) {\n  call void @llvm.memcpy.p0.p0.i64(ptr %dst, ptr %src, i64 16, i1 false)\n  ret void\n}\n' }, commands: ['enzyme-ts grad copy.ll -f copy --args dup,dup'] },
      { intro: 'With `--loose-types` the copy carries no derivative, the command succeeds, and a warning says so:', files: { 'copy.ll': { from: 'table:E0403:copy.ll' } }, commands: ['enzyme-ts grad copy.ll -f copy --args dup,dup --loose-types -o copy.grad.ll'] },
      { intro: 'A first guess of `1/sqrt(x)` made from the bits of `x`, the float made again in a helper:', files: { 'guess.ll': 'define internal double @from_bits(i64 %b) {\n  %d = bitcast i64 %b to double\n  ret double %d\n}\n\ndefine double @rsqrt_guess(double %x) {\n  %ix = bitcast double %x to i64\n  %h = lshr i64 %ix, 1\n  %m = sub i64 6910469410427058090, %h\n  %r = call double @from_bits(i64 %m)\n  %s = fmul double %r, %x\n  ret double %s\n}\n' }, commands: ['enzyme-ts grad guess.ll -f rsqrt_guess'] },
    ],
  },
  E0404: {
    reportedBy: '`grad`, `activity`, `check`',
    meaning: 'wrong number of activities, or one that does not fit the type',
    explanation: "`--args` lists a different number of activities than the function has parameters, an activity that does not fit a parameter's type, or `--ret active`/`activeonly` on a function whose return is not floating. Shown here on [examples/dot.ll](../examples/dot.ll), `double dot(const double *x, const double *y, int n)`.",
    examples: [{
      files: { 'dot.ll': { from: 'examples/dot.ll' }, 'ri.ll': 'define i32 @g(i32 %x) {\n  ret i32 %x\n}\n' },
      commands: ['enzyme-ts grad dot.ll -f dot --args dup,dup', 'enzyme-ts grad dot.ll -f dot --args active,dup,const', 'enzyme-ts grad dot.ll -f dot --args dup,dup,dup', 'enzyme-ts grad ri.ll -f g --ret active', 'echo $?'],
    }],
    after: "A word that is not an activity at all is E0903 (`--args: 'activ' (item 3) is not an activity; use active, dup, dupnoneed or const`).",
  },
  E0405: {
    reportedBy: '`grad`, `activity`, `check`, `--custom`, `--inactive`',
    meaning: '`-f FN` names nothing, or only a declaration',
    explanation: "`-f FN` names no function of the module, or one that is only declared. The note suggests the closest names, comparing with C++ and Rust names demangled: `-f norm` finds `_Z4normPKdi`. The names given to `--custom` and `--inactive` ([custom.md](custom.md)) are checked the same way.",
    examples: [
      { files: { 'dot.ll': { from: 'examples/dot.ll' }, 'mystery.ll': { from: 'table:E0402:mystery.ll' } }, commands: ['enzyme-ts grad dot.ll -f dott', 'enzyme-ts grad mystery.ll -f mystery'] },
      { intro: 'C++ names:', files: { 'geo.cc': 'namespace geo {\ndouble norm(const double *x, int n) {\n  double s = 0;\n  for (int i = 0; i < n; i++) s += x[i] * x[i];\n  return s;\n}\n}\n' }, commands: ['clang++-19 -O2 -S -emit-llvm geo.cc -o geo.ll', 'enzyme-ts grad geo.ll -f norm'] },
    ],
  },
  E0406: {
    reportedBy: '(reserved)',
    meaning: 'not reported yet: a `check` mismatch is its table\'s `FAILED` line',
    explanation: 'Reserved; not reported by this build. When `enzyme-ts check` finds a derivative that disagrees with finite differences it marks the row `MISMATCH`, ends its table with `FAILED: N of M values differ ...` and exits 1, without a diagnostic ([check.md](check.md#output) has an example).',
  },
  E0407: {
    reportedBy: '`check`',
    meaning: '`lli` missing, failing, or printing what `check` cannot read',
    explanation: 'The module with the derivative and the check\'s driver could not be run: no usable `lli`, `lli` failed or was killed, or it printed output the check cannot read. This is bad input (exit 1), not a bug: usually the function itself crashes or exits at the chosen point, or reads past the arrays (`--len` elements) it is given. The notes quote what `lli` printed on standard error and say how to keep the module that was run.',
    examples: [
      { files: { 'quits.ll': 'declare void @exit(i32)\n\ndefine double @f(double %x) {\n  %y = fmul double %x, %x\n  call void @exit(i32 3)\n  ret double %y\n}\n' }, commands: ['enzyme-ts check quits.ll -f f'] },
      { intro: 'An `lli` that does not run:', files: { 'quits.ll': { from: 'table:E0407:quits.ll' } }, commands: ['ENZYME_TS_LLI=lli-nope enzyme-ts check quits.ll -f f'] },
    ],
  },
  E0408: {
    reportedBy: 'transform (`grad`, `activity`, `check`, `lower`)',
    meaning: 'a registered derivative that does not fit Enzyme\'s convention',
    explanation: "A registered derivative ([custom.md](custom.md)) whose augmented forward pass or reverse pass does not have the signature Enzyme's convention gives for the function, or a malformed registration global (fewer than 3 functions, an element that is not a function, a function-like name that is not a C string). The location is the registration: the global, the function carrying `!enzyme_augment`, or for `--custom` the definition of the pass. As a warning, E0408 reports a constant pointer argument passed to a registered derivative: as in Enzyme, the primal pointer is passed as its own shadow, so the reverse pass must not accumulate into it.",
    examples: [{
      files: { 'cube.ll': 'define double @cube(double %x) {\n  %a = fmul double %x, %x\n  %b = fmul double %a, %x\n  ret double %b\n}\n\ndefine double @aug_cube(double %x) {\n  %r = call double @cube(double %x)\n  ret double %r\n}\n\ndefine double @rev_cube(double %x) {\n  %a = fmul double %x, %x\n  %b = fmul double %a, 3.0\n  ret double %b\n}\n\ndefine double @poly(double %x) {\n  %c = call double @cube(double %x)\n  %p = fadd double %c, %x\n  ret double %p\n}\n' },
      commands: ['enzyme-ts grad cube.ll -f poly --custom cube=aug_cube,rev_cube'],
    }],
  },
  E0409: {
    reportedBy: 'transform (`grad`, `fwd`, `check`, `lower`)',
    meaning: 'active data stored into memory reached through a pointer held in a global; a global whose `!enzyme_shadow` does not fit, or whose type is unknown',
    explanation: "Mutable globals into which active data is stored get a shadow ([ad.md](ad.md#globals)): one the module names (`!enzyme_shadow !{ptr @dg}` on the global) or an implicit zeroed one. Memory reached through a pointer *held in* a global has no shadow the tool can know: the derivative would be lost, so the store (or copy) is refused. The message names the global; the span is the store.",
    examples: [{
      files: { 'gbuf.ll': '@buf = global ptr null\n\ndefine double @f(double %x) {\n  %p = load ptr, ptr @buf\n  %sq = fmul double %x, %x\n  store double %sq, ptr %p\n  %v = load double, ptr %p\n  ret double %v\n}\n' },
      commands: ['enzyme-ts grad gbuf.ll -f f'],
    }],
    after: 'Other messages: a global whose `!enzyme_shadow` names the wrong number of globals for the batch width, and a global of a type the module does not define (it cannot get an implicit shadow). The way out: pass that memory as a `dup` argument, give the global a shadow holding the shadow pointer, or declare the global inactive (`__enzyme_inactive_global`, docs/custom.md) when what is stored there is a constant output.',
  },
  E0421: {
    reportedBy: '`lower`',
    meaning: 'a call that does not fit Enzyme\'s C ABI',
    explanation: "A call to `__enzyme_autodiff`, `__enzyme_augmentfwd`, `__enzyme_reverse` or `__enzyme_augmentsize` that does not fit Enzyme's C ABI ([lower.md](lower.md)): the first argument is not a function defined in the module; an unknown `enzyme_*` marker; a marker with nothing after it; too few or too many arguments for the function's parameters; a missing shadow after `enzyme_dup`; `enzyme_out` on a pointer or `enzyme_dup` on a number; a value that cannot reach its parameter without losing data; a non-constant `enzyme_width`; split mode without its tape; a result that cannot be fitted into the call's declared return type. The location is the call; nothing is written.",
    examples: [{
      files: { 'bad.ll': 'declare double @__enzyme_autodiff(ptr, ...)\n\ndefine double @sq(double %x) {\n  %y = fmul double %x, %x\n  ret double %y\n}\n\ndefine double @main() {\n  %r = call double (ptr, ...) @__enzyme_autodiff(ptr @sq, double 1.0, double 2.0)\n  ret double %r\n}\n' },
      commands: ['enzyme-ts lower bad.ll'],
    }],
  },
  E0422: {
    reportedBy: '`lower`',
    meaning: 'an Enzyme entry point enzyme-ts does not lower',
    explanation: "`__enzyme_fwdsplit` (forward split mode) and every other `__enzyme_*` entry point enzyme-ts does not implement (`__enzyme_virtualreverse`, `__enzyme_batch`, `__enzyme_todense`, `__enzyme_set_fixed_point`, ...), and the Enzyme markers it does not implement (`enzyme_runtime_activity`, `enzyme_context`, `enzyme_byref`, `enzyme_scalar`, `enzyme_mutable`). The call is refused rather than left in the output as a call to an undefined function. Enzyme's type hints (`__enzyme_double(ptr, bytes)`, `__enzyme_float`, `__enzyme_integer`, `__enzyme_pointer`) are not refused: they are removed.",
    examples: [{
      files: { 'split.ll': 'declare double @__enzyme_fwdsplit(ptr, ...)\n\ndefine double @sq(double %x) {\n  %y = fmul double %x, %x\n  ret double %y\n}\n\ndefine double @main() {\n  %r = call double (ptr, ...) @__enzyme_fwdsplit(ptr @sq, double 2.0, double 1.0)\n  ret double %r\n}\n' },
      commands: ['enzyme-ts lower split.ll'],
    }],
  },
  E0423: {
    reportedBy: '`lower`',
    meaning: '`enzyme_allocated` gives fewer bytes than the tape needs',
    explanation: '`enzyme_allocated, SIZE` with a constant SIZE smaller than the tape needs (enzyme-ts keeps one pointer there: 8 bytes on 64-bit targets). Allocate `__enzyme_augmentsize(f, <the same activity markers>)` bytes.',
  },
  E0440: {
    reportedBy: '`check`',
    meaning: 'memory of pointers (`std::vector&`), a struct with integers beside its floats, a by-value aggregate or type `check` cannot make from numbers',
    explanation: "`check` makes every argument from numbers (random or `--at`); some memory cannot be made that way, and running the function on it would crash `lli` or compare nonsense. It stops before anything runs, at the function: memory that holds pointers (a `std::vector<double>&`, a struct with a data pointer, found from the function's own accesses and those of the module's functions it passes the pointer to), memory that keeps integers beside its floats (a count in a struct: random floats would make a random count), and by-value structs, arrays or vectors that hold anything but `double` and `float`. Write a small wrapper that takes arrays and scalars, builds the argument and calls the function, and check the wrapper. The examples run on [fixtures/check](../fixtures/check/README.md).",
    examples: [{
      files: { 'args_vector.O2.ll': { from: 'fixtures/check/clang19/args_vector.O2.ll' }, 'args_structs.O2.ll': { from: 'fixtures/check/clang19/args_structs.O2.ll' } },
      commands: ['enzyme-ts check args_vector.O2.ll -f _Z8sum_sqrtRKSt6vectorIdSaIdEE', 'enzyme-ts check args_structs.O2.ll -f with_count'],
    }],
  },
  E0441: {
    reportedBy: '`check`',
    meaning: 'the module uses syntax of a newer LLVM than any `lli` found (rustc\'s LLVM 22 output)',
    explanation: "Before running, `check` reads the module it hands to `lli` for syntax newer than LLVM 14 and takes an `lli` at least that new ([check.md](check.md#how-it-runs)); when none is installed it stops at the first such syntax, naming the LLVM it needs, rather than letting `lli` fail on it. rustc's output is LLVM 22; the example runs on [fixtures/grad/rust](../fixtures/grad/rust) on a machine whose newest `lli` is LLVM 19.",
    examples: [{
      files: { 'ad.O3.ll': { from: 'fixtures/grad/rust/ad.O3.ll' } },
      commands: ['enzyme-ts check ad.O3.ll -f rs_euler --args active,active,const --at 0.7,1.3,50'],
    }],
  },
  E0460: {
    reportedBy: '`cargo`',
    meaning: 'no `rustc` or `cargo` on PATH, or the `+toolchain` is not installed',
    explanation: '`enzyme-ts cargo` runs the `rustc` cargo will use (`$RUSTC`, or `rustc` on PATH with its `+toolchain`) to find the sysroot and its LLVM. Install a toolchain with rustup (https://rustup.rs), point `RUSTC` at a rustc, or install the toolchain named after `+`.',
    after: "Messages: `no Rust toolchain: 'rustc' was not found on PATH`, `'rustc +nonexistent -vV' failed: error: toolchain 'nonexistent' is not installed`.",
  },
  E0461: {
    reportedBy: '`cargo`',
    meaning: 'no `lib/libLLVM*.so` in the toolchain\'s sysroot (nor linked by its compiler)',
    explanation: "The differentiated program is compiled by the LLVM that ships with rustc, as a shared library in `$(rustc --print sysroot)/lib` (rustup toolchains have it; a distribution's rustc may use the system's libLLVM, which enzyme-ts finds through the compiler's own library, or link LLVM statically, which leaves nothing to use). Install a toolchain with rustup and run `enzyme-ts cargo` with it (`enzyme-ts cargo +stable build`).",
  },
  E0462: {
    reportedBy: '`cargo`',
    meaning: 'the toolchain\'s rustc failed to build rust/llvm-helper against its LLVM',
    explanation: "The toolchain's rustc failed to compile rust/llvm-helper/main.rs against its LLVM library (the message shows rustc's first lines). The helper uses LLVM's C API as LLVM 18 and newer have it (Rust 1.78 and newer).",
  },
  E0463: {
    reportedBy: '`cargo`',
    meaning: 'cargo could not be started',
    explanation: 'cargo (or `$CARGO`) exists but could not be started.',
  },
  E0464: {
    reportedBy: '`cargo` (link step)',
    meaning: 'the LLVM helper rejected the lowered module, or rustc did not give the linker exactly one LTO object',
    explanation: "The LLVM helper failed on the lowered module (its message follows; invalid IR there is a bug in enzyme-ts), or rustc gave the linker more or fewer than one object file (a profile of your own that sets `lto` to something other than `\"fat\"`). Like every error of the link step, it is printed inside rustc's \"linking with ... failed\" note and once more after cargo's output, under `enzyme-ts: the link step reported:`.",
  },
  E0470: {
    reportedBy: '`grad`, `lower`, `check` (reverse mode)',
    meaning: 'a value with a derivative is stored into the memory of a `const` pointer argument and read back',
    explanation: 'An argument marked `const` (`enzyme_const`, `--args ... const`) has no shadow memory, so nothing can carry the derivative of what the function writes into it. When the function (or a function it calls) writes an active value there and then reads it back, as a state buffer updated in place does, the derivative through that memory would be silently lost: Enzyme\'s static activity analysis treats such memory as constant as well. The error points at the write and names the argument. Mark that argument `dup` with a zeroed shadow buffer of the same size, and the derivative flows through it. Writing active values into const memory that is never read back (an output whose derivative you do not want) is accepted.',
  },
  E0901: {
    reportedBy: 'input reader',
    meaning: 'input cannot be read',
    explanation: 'The input file cannot be read: it does not exist, is a directory, or permission is denied.',
    examples: [{ files: {}, commands: ['enzyme-ts fmt missing.ll'] }],
  },
  E0902: {
    reportedBy: 'output writer',
    meaning: 'output cannot be written',
    explanation: 'The `-o` file (or `--header` file) or the temporary file next to it cannot be written; nothing is left behind.',
    examples: [{ files: { 'f.ll': SQ }, commands: ['enzyme-ts fmt f.ll -o no/such/dir/out.ll'] }],
  },
  E0903: {
    reportedBy: 'command line',
    meaning: 'unknown command or option, bad option value',
    explanation: "Unknown command or option, missing argument, or an option value that is not one of its choices: an `--args` word that is not an activity, a `--ret`, `--checkpoint`, `--abi`, `--color` or `--diagnostics-format` word that is not one of the choices, a `--width` that is not an integer from 1 to 64, a `--name` that is already taken, `check`'s `--at`, `--seed`, `--tol`, `--len` values. A suggestion and a pointer to `--help` follow when there is one.",
    examples: [{ files: { 'f.ll': SQ }, commands: ['enzyme-ts fmt --outptu x.ll f.ll', 'enzyme-ts grad f.ll -f f --width 0'] }],
  },
  E0904: {
    reportedBy: '`grad --abi c`, `--header`',
    meaning: 'a parameter or result with no C type',
    explanation: "`--abi c` and `--header` give each parameter and each member of the result a C type (floating types, integers of 8 to 64 bits and 128, pointers, and arrays, vectors and structs of them). A value of another type (an `i24`, a scalable vector, a packed struct, a pointer outside address space 0, an `x86_fp80` in a small struct returned in registers) has none: call the derivative through its IR signature, or change the function's types.",
    examples: [{ files: { 'i24.ll': 'target triple = "x86_64-pc-linux-gnu"\n\ndefine double @f(i24 %n, double %x) {\n  %y = fmul double %x, %x\n  ret double %y\n}\n' }, commands: ['enzyme-ts grad i24.ll -f f --abi c -o f.grad.ll'] }],
  },
  E0905: {
    reportedBy: '`grad --header`',
    meaning: 'the derivative travels differently from its C declaration',
    explanation: "`--header` without `--abi c` declares the derivative with its own IR signature, which C can call only when the C compiler passes the same values in the same registers. A literal struct `{ float, float }` is returned in two registers, but C returns `struct { float a, b; }` packed in one on x86-64; three doubles come back in registers, but C returns such a struct through a hidden pointer; a width-N seed `[N x double]` has no C parameter type. `--abi c` adds the derivative with the C calling convention instead, and the header declares that (docs/c-abi.md).",
    examples: [{ files: { 'sq.c': 'float sq(float x) { return x * x; }\n' }, commands: ['clang-19 -O2 -S -emit-llvm sq.c -o sq.ll', 'enzyme-ts grad sq.ll -f sq --header sq.h -o sq.grad.ll', 'echo $?'] }],
  },
  E0906: {
    reportedBy: '`grad --abi c`, `--header`',
    meaning: 'the target\'s C calling convention is not one enzyme-ts knows',
    explanation: "`--abi c` and `--header` follow the C calling convention of the module's target triple: x86-64 System V (Linux, the BSDs, macOS) and AArch64 (Linux, macOS). Other targets (Windows, 32-bit, other architectures) are refused rather than given a declaration that could be wrong. A module without a target triple is taken to be for this machine, as LLVM's own tools do.",
    examples: [{ files: { 'win.ll': 'target triple = "x86_64-pc-windows-msvc"\n\ndefine double @f(double %x) {\n  %y = fmul double %x, %x\n  ret double %y\n}\n' }, commands: ['enzyme-ts grad win.ll -f f --abi c -o f.grad.ll'] }],
  },
  E0999: {
    reportedBy: 'command line',
    meaning: 'a bug in enzyme-ts',
    explanation: 'An exception that is not a diagnostic, that is, a bug of enzyme-ts (exit 3). No stack trace is shown unless `ENZYME_TS_TRACE` is set. No input is known to trigger it: the mutation fuzz test (`test/fuzz/`) and the error baselines look for one. It reads `enzyme-ts: error[E0999]: internal error: <what happened>` with the note `this is a bug in enzyme-ts; please report it with the input file and the command line`.',
  },
};

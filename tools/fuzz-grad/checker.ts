// The self-checking `main` of a generated program, and the whole C source.
//
// main differentiates f through Enzyme's C ABI and compares every gradient entry with a
// central finite difference of the long double twin of f (f_ld: the same code in long double,
// see c.ts). The twin records every comparison of floating values and every kink (fabs, fmax,
// fmin, casts to int, floor) with its distance to the flip and the outcome:
//  - the point is accepted only if every kink is at a relative distance above FZ_MARGIN (a few
//    perturbed points are tried), so the float/double f takes the same path as the twin;
//  - f itself (run directly) must agree with the twin, otherwise the program is skipped;
//  - a finite difference step is used only if the twin takes exactly the same path at x+h and
//    x-h as at x; several steps are tried and the estimate whose neighbour agrees best is kept,
//    with the disagreement as its error bound;
//  - an entry fails when |ad - fd| > tol * (|fd| + max |fd|) + 4 * fd error; NaN or inf in the
//    derivative where the difference is finite fails too, and so do primal outputs of the
//    derivative call that differ from f's own.
// The program prints `FZ STAGE ...` before each phase (so a crash is attributed to it), `FZ BAD
// ...` lines, and a last line `FZ RESULT ok|mismatch ...` or `FZ SKIP reason`.
import { realLiteral, renderFunc, renderProto, type Kind } from './c.js';
import { renderDecls, structLeaves, type Program } from './program.js';
import { fieldDecl } from './gen.js';
import { renderGlue, renderRustSource } from './rustprog.js';

const T = (k: Kind): string => (k === 'D' ? 'double' : 'float');

export const PRELUDE = String.raw`#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* Instrumentation of the long double twin: margins to the nearest kink and the path taken. */
static unsigned long long fz_trace;
static long double fz_margin;
static long double fz_absl(long double x) { return x < 0 ? -x : x; }
/* An exact tie (margin 0) is structural (max(s, x[0]) with s = x[0], fabs of a zeroed
   element): both sides are equal in every precision and under every perturbation, so it does not
   count; a tie that a perturbation breaks changes the trace, and that step is not used. */
static void fz_note(long double m, unsigned v) {
  if (m > 0 && m < fz_margin) fz_margin = m;
  fz_trace = fz_trace * 1000003ULL + v + 1;
}
static long double fz_rel(long double a, long double b) { return fz_absl(a - b) / (1 + fz_absl(a) + fz_absl(b)); }
static int fz_lt(long double a, long double b) { int r = a < b; fz_note(fz_rel(a, b), r); return r; }
static int fz_le(long double a, long double b) { int r = a <= b; fz_note(fz_rel(a, b), r); return r; }
static int fz_gt(long double a, long double b) { int r = a > b; fz_note(fz_rel(a, b), r); return r; }
static int fz_ge(long double a, long double b) { int r = a >= b; fz_note(fz_rel(a, b), r); return r; }
static long double fz_fabs(long double x) { fz_note(fz_rel(x, 0), x < 0); return fz_absl(x); }
static long double fz_fmax(long double a, long double b) { int r = a >= b; fz_note(fz_rel(a, b), r); return r ? a : b; }
static long double fz_fmin(long double a, long double b) { int r = a <= b; fz_note(fz_rel(a, b), r); return r ? a : b; }
static int fz_toint(long double x) { int r = (int)x; fz_note(fz_rel(x, nearbyintl(x)), (unsigned)r); return r; }
static long double fz_floor(long double x) { long double r = floorl(x); fz_note(fz_rel(x, nearbyintl(x)), (unsigned)(long long)r); return r; }
static long double fz_copysign(long double a, long double b) { fz_note(fz_rel(a, 0), a < 0); fz_note(fz_rel(b, 0), b < 0); return copysignl(a, b); }
static long double fz_fmod(long double a, long double b) { long double q = a / b; fz_note(fz_rel(q, nearbyintl(q)), (unsigned)(long long)truncl(q)); return fmodl(a, b); }
static long double fz_round(long double x) { long double h = floorl(x) + 0.5L; fz_note(fz_rel(x, h), (unsigned)(long long)roundl(x)); return roundl(x); }
static long double fz_trunc(long double x) { long double r = truncl(x); fz_note(fz_rel(x, nearbyintl(x)), (unsigned)(long long)r); return r; }
static long double fz_ltrunc(long double x) { long long r = (long long)x; fz_note(fz_rel(x, nearbyintl(x)), (unsigned)r); return (long double)r; }

/* Finiteness from the bits: -ffast-math may fold isfinite() to 1. */
static int fz_fin(double x) { uint64_t u; memcpy(&u, &x, 8); return ((u >> 52) & 0x7ff) != 0x7ff; }
static int fz_finl(long double x) { unsigned char b[16]; memset(b, 0, 16); memcpy(b, &x, 10); return (((b[9] & 0x7f) << 8) | b[8]) != 0x7fff; }
/* A perturbation of the inputs for attempt k: a multiple of 1/1024 in [-0.25, 0.25]. */
static double fz_jit(unsigned k) { unsigned h = k * 2654435761u; h ^= h >> 15; h *= 2246822519u; h ^= h >> 13; return ((int)(h % 513u) - 256) / 1024.0; }
`;

const lits = (vs: number[]): string => vs.map(realLiteral).join(', ');

export interface Sources {
  /** Rust programs: the C side of prog.rs (buffers set up, f called directly, the derivative calls called). */
  glue?: string;
  /** The translation unit under test: the program, and the two calls of f (direct and derivative). */
  test: string;
  /** The checker: f's long double twin, finite differences, comparisons, main. */
  check: string;
}

export const TU_HEAD = `#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
`;

export interface RenderOptions {
  /**
   * Differentiate a slightly different function (f plus 0.25 x[0]^2, or f then x[0] *= 1.25)
   * while the checker still compares with f: every run must then report a mismatch. The test of
   * the checker itself.
   */
  mutant?: boolean | 'fwd';
}

/** The two translation units of a program (prog.c / check.c, or .cpp for C++). */
export function renderProgram(p: Program, ro: RenderOptions = {}): Sources {
  if (p.rust) return renderRust(p, ro);
  const cpp = p.lang === 'cpp';
  const title = `/* enzyme-ts fuzz-grad program ${p.id} (generator ${p.version}, ${p.lang}, n = ${p.n}${p.hasFloat ? ', float' : ''}) */`;
  const shared = sharedDecls(p);
  const test: string[] = [title, TU_HEAD, ...extraIncludes(p), shared.join('\n'), ''];
  test.push('/* ---- the program under test ---- */');
  test.push(renderDecls(p, 'primal'));
  for (const h of p.helpers) test.push(renderProto(h, 'primal'));
  for (const h of p.helpers) test.push('', renderFunc(h, 'primal'));
  test.push('', renderFunc(p.target, 'primal'));
  if (ro.mutant) test.push('', ...mutant(p));
  test.push('', '/* ---- f run directly, and its derivative through Enzyme\'s C ABI ---- */');
  test.push(...callers(p, cpp, ro.mutant === true ? 'fz_mutant' : 'f', ro.mutant ? 'fz_mutant' : 'f'));

  const check = checkHead(p, title, shared);
  const twinFn = (s: string): string => (s.startsWith('static') ? s : `static ${s}`);
  for (const h of p.helpers) check.push(twinFn(renderProto(h, 'twin')));
  for (const h of p.helpers) check.push('', twinFn(renderFunc(h, 'twin')));
  check.push('', twinFn(renderFunc(p.target, 'twin')));
  check.push('', '/* ---- the checker ---- */');
  check.push(...checker(p));
  check.push(MAIN_BODY);
  return { test: test.join('\n') + '\n', check: check.join('\n') + '\n' };
}

function resultFields(p: Program): { name: string; kind: Kind }[] {
  const fields: { name: string; kind: Kind }[] = [];
  if (p.primalReturn && p.ret) fields.push({ name: 'r', kind: p.ret });
  for (const q of p.params) if (q.p === 'scalar' && q.act === 'out') fields.push({ name: `g_${q.name}`, kind: q.kind });
  return fields;
}

/** Struct types and the buffers both translation units use (defined in check). */
export function sharedDecls(p: Program): string[] {
  const o: string[] = ['/* ---- shared by prog and check ---- */'];
  for (const s of p.structs) o.push(`typedef struct { ${s.fields.map((f) => fieldDecl(f, T)).join(' ')} } ${s.name};`);
  o.push('extern int fz_n;');
  for (const q of p.params) {
    switch (q.p) {
      case 'arr':
        o.push(`extern ${T(q.kind)} b_${q.name}[${q.len}], p_${q.name}[${q.len}], a_${q.name}[${q.len}]${q.act === 'dup' ? `, d_${q.name}[${q.len}]` : ''};`);
        if (q.act === 'dup') o.push(`extern double ${q.name}_seed[${q.len}];`);
        break;
      case 'iarr': o.push(`extern int ${q.name}_v[${q.len}];`); break;
      case 'struct': {
        o.push(`extern ${q.type.name} b_${q.name}[${q.count}], p_${q.name}[${q.count}], a_${q.name}[${q.count}], d_${q.name}[${q.count}];`);
        o.push(`extern double ${q.name}_seed[${structLeaves(q.type, q.count).length}];`);
        break;
      }
      case 'pstruct':
        o.push(`extern ${q.type.name} b_${q.name}, p_${q.name}, a_${q.name}, d_${q.name};`);
        o.push(`extern ${T(q.kind)} b_${q.name}_v[${q.len}], p_${q.name}_v[${q.len}], a_${q.name}_v[${q.len}], d_${q.name}_v[${q.len}];`);
        o.push(`extern double ${q.name}_seed[${q.len + 1}];`);
        break;
      case 'n': break;
      case 'scalar':
        o.push(`extern ${T(q.kind)} b_${q.name};`);
        if (q.act === 'out') o.push(`extern ${T(q.kind)} g_${q.name};`);
        break;
    }
  }
  if (p.ret) o.push(`extern ${T(p.ret)} fz_pret${p.primalReturn ? ', fz_ares' : ''};`);
  o.push('long double fz_primalL(void);', 'void fz_ad_run(void);');
  if (fwdChecked(p)) o.push('extern double fz_dirv[];', 'long double fz_fwd_run(void);');
  return o;
}

export const argList = (p: Program, buf: 'tw' | 'p' | 'a'): string => p.params.map((q) => {
  switch (q.p) {
    case 'arr': return `${buf}_${q.name}`;
    case 'iarr': return `${q.name}_v`;
    case 'struct': return `${buf}_${q.name}`;
    case 'pstruct': return `&${buf}_${q.name}`;
    case 'n': return 'fz_n';
    case 'scalar': return buf === 'tw' ? `t_${q.name}` : `b_${q.name}`;
  }
}).join(', ');

export const seedSum = (p: Program, buf: 'tw' | 'p'): string[] => {
  const s: string[] = [];
  for (const q of p.params) {
    if (q.p === 'arr' && q.act === 'dup') s.push(`  for (int k = 0; k < ${q.len}; k++) L += (long double)${q.name}_seed[k] * ${buf}_${q.name}[k];`);
    if (q.p === 'struct') structLeaves(q.type, q.count).forEach((l, i) => s.push(`  L += (long double)${q.name}_seed[${i}] * ${buf}_${q.name}${l.path};`));
    if (q.p === 'pstruct') {
      s.push(`  for (int k = 0; k < ${q.len}; k++) L += (long double)${q.name}_seed[k] * ${buf}_${q.name}_v[k];`);
      s.push(`  L += (long double)${q.name}_seed[${q.len}] * ${buf}_${q.name}.w;`);
    }
  }
  return s;
};

/** fz_primalL (f run directly) and fz_ad_run (the derivative call) in the unit under test. */
function mutant(p: Program): string[] {
  const params = p.target.params.map((x) => (typeof x === 'string' ? x : x.t === 'ty' ? T(x.k) : x.t === 'sym' ? x.name : '')).join('');
  const names = p.params.map((q) => (q.p === 'n' ? 'n' : q.name)).join(', ');
  const x = p.params.find((q) => q.p === 'arr' && q.act === 'dup' && (p.ret !== null || !q.constQual));
  // the extra term depends on an input as it was before the call: f may overwrite the memory
  // with values that do not depend on the inputs, which would hide a term on its final value
  if (p.ret) {
    if (x && x.p === 'arr') return [`static ${T(p.ret)} fz_mutant(${params}) { double fz_w = ${x.name}[0]; return f(${names}) + 0.25 * fz_w * fz_w; }`];
    return [`static ${T(p.ret)} fz_mutant(${params}) { return f(${names}) * 1.25; }`];
  }
  const sp = p.params.find((q) => q.p === 'struct' && !q.constQual);
  const w = x && x.p === 'arr' ? `${x.name}[0]` : sp && sp.p === 'struct' ? `${sp.name}${structLeaves(sp.type, sp.count)[0]!.path}` : '';
  return [`static void fz_mutant(${params}) { ${w ? `double fz_w = ${w}; ` : ''}f(${names}); ${w ? `${w} += 0.25 * fz_w * fz_w;` : ''} }`];
}

/** `target`: what __enzyme_autodiff differentiates; `fwdTarget`: what __enzyme_fwddiff does (`mutant: 'fwd'`: only it is the mutant). */
function callers(p: Program, cpp: boolean, target: string, fwdTarget: string): string[] {
  const o: string[] = [];
  const ret = p.ret;
  const fields = resultFields(p);
  let resType: string;
  if (p.resultForm === 'void') resType = 'void';
  else if (p.resultForm === 'scalar') resType = T(fields[0]!.kind);
  else {
    o.push(`typedef struct { ${fields.map((f) => `${T(f.kind)} ${f.name};`).join(' ')} } fz_res;`);
    resType = 'fz_res';
  }
  o.push('extern int enzyme_dup, enzyme_const, enzyme_out, enzyme_primal_return;');
  o.push(`${cpp ? 'extern "C" ' : ''}${resType} __enzyme_autodiff(void *, ...);`);
  o.push('long double fz_primalL(void) {');
  o.push('  fz_reset();');
  for (const q of p.params) {
    if (q.p === 'arr' || q.p === 'struct') o.push(`  memcpy(p_${q.name}, b_${q.name}, sizeof p_${q.name});`);
    if (q.p === 'pstruct') o.push(`  p_${q.name} = b_${q.name};`, `  p_${q.name}.v = p_${q.name}_v;`, `  memcpy(p_${q.name}_v, b_${q.name}_v, sizeof p_${q.name}_v);`);
  }
  o.push(ret ? `  fz_pret = f(${argList(p, 'p')});\n  long double L = fz_pret;` : `  f(${argList(p, 'p')});\n  long double L = 0;`);
  o.push(...seedSum(p, 'p'));
  o.push('  return L;', '}');

  o.push('void fz_ad_run(void) {');
  o.push('  fz_reset();');
  for (const q of p.params) {
    if (q.p === 'arr') {
      o.push(`  memcpy(a_${q.name}, b_${q.name}, sizeof a_${q.name});`);
      if (q.act === 'dup') o.push(`  for (int k = 0; k < ${q.len}; k++) d_${q.name}[k] = (${T(q.kind)})${q.name}_seed[k];`);
    } else if (q.p === 'struct') {
      o.push(`  memcpy(a_${q.name}, b_${q.name}, sizeof a_${q.name});`, `  memset(d_${q.name}, 0, sizeof d_${q.name});`);
      structLeaves(q.type, q.count).forEach((l, i) => o.push(`  d_${q.name}${l.path} = (${T(l.kind)})${q.name}_seed[${i}];`));
    } else if (q.p === 'pstruct') {
      o.push(`  a_${q.name} = b_${q.name};`, `  a_${q.name}.v = a_${q.name}_v;`, `  memcpy(a_${q.name}_v, b_${q.name}_v, sizeof a_${q.name}_v);`);
      o.push(`  d_${q.name} = b_${q.name};`, `  d_${q.name}.v = d_${q.name}_v;`, `  d_${q.name}.w = (${T(q.wkind)})${q.name}_seed[${q.len}];`);
      o.push(`  for (int k = 0; k < ${q.len}; k++) d_${q.name}_v[k] = (${T(q.kind)})${q.name}_seed[k];`);
    }
  }
  const args: string[] = [`(void *)${target}`];
  if (p.primalReturn) args.push('enzyme_primal_return');
  for (const q of p.params) {
    switch (q.p) {
      case 'arr':
        if (q.act === 'dup') args.push(...(q.omitMarker ? [] : ['enzyme_dup']), `a_${q.name}`, `d_${q.name}`);
        else args.push('enzyme_const', `a_${q.name}`);
        break;
      case 'iarr': args.push('enzyme_const', `${q.name}_v`); break;
      case 'struct': args.push('enzyme_dup', `a_${q.name}`, `d_${q.name}`); break;
      case 'pstruct': args.push('enzyme_dup', `&a_${q.name}`, `&d_${q.name}`); break;
      case 'n': args.push(...(q.omitMarker ? [] : ['enzyme_const']), 'fz_n'); break;
      case 'scalar':
        if (q.act === 'out') args.push(...(q.omitMarker ? [] : ['enzyme_out']), `b_${q.name}`);
        else args.push('enzyme_const', `b_${q.name}`);
        break;
    }
  }
  let call = `__enzyme_autodiff(${args.join(', ')})`;
  o.push('#ifndef FZ_NO_AD /* -DFZ_NO_AD builds the program without the derivative (to debug the generator) */');
  let after: string[] = [];
  if (p.mode === 'split' || p.mode === 'allocated') ({ call, after } = splitCall(p, cpp, args, resType, o));
  const dest = (f: { name: string }): string => (f.name === 'r' ? 'fz_ares' : f.name);
  if (p.resultForm === 'void') o.push(`  ${call};`);
  else if (p.resultForm === 'scalar') o.push(`  ${T(fields[0]!.kind)} res = ${call};`, `  ${dest(fields[0]!)} = res;`);
  else {
    o.push(`  fz_res res = ${call};`);
    for (const f of fields) o.push(`  ${dest(f)} = res.${f.name};`);
  }
  o.push(...after);
  o.push('#endif', '}');
  if (fwdChecked(p)) o.push(...fwdRun(p, cpp, fwdTarget));
  return o;
}

/**
 * Split mode (generator 8): the forward sweep by `__enzyme_augmentfwd`, which returns the tape
 * (or writes it into a buffer of `__enzyme_augmentsize` bytes), then `__enzyme_reverse` with the
 * same arguments, the seed of the return (1.0, as `__enzyme_autodiff` seeds it) and the tape.
 * Pushes the forward call into `o`; returns the reverse call and what follows it.
 */
function splitCall(p: Program, cpp: boolean, args: string[], resType: string, o: string[]): { call: string; after: string[] } {
  const ext = cpp ? 'extern "C" ' : '';
  const [fn, ...rest] = args;
  o.splice(o.indexOf('void fz_ad_run(void) {'), 0,
    'extern int enzyme_allocated, enzyme_tape;',
    // with the tape in the caller's buffer, the forward returns the primal return alone
    `${ext}${p.mode === 'allocated' && p.ret ? T(p.ret) : 'void *'} __enzyme_augmentfwd(void *, ...);`,
    `${ext}${resType} __enzyme_reverse(void *, ...);`,
    ...(p.mode === 'allocated' ? [`${ext}unsigned long __enzyme_augmentsize(void *, ...);`] : []));
  const seed = p.ret ? ['1.0'] : [];
  if (p.mode === 'allocated') {
    const markers = p.params.map((q) => q.p === 'scalar' && q.act === 'out' ? 'enzyme_out' : (q.p === 'arr' && q.act === 'dup') || q.p === 'struct' || q.p === 'pstruct' ? 'enzyme_dup' : 'enzyme_const');
    o.push(`  unsigned long fz_tsize = __enzyme_augmentsize(${[fn, ...markers].join(', ')});`);
    o.push('  void *fz_tbuf = malloc(fz_tsize ? fz_tsize : 1);');
    const alloc = ['enzyme_allocated', 'fz_tsize', 'enzyme_tape', 'fz_tbuf'];
    o.push(`  __enzyme_augmentfwd(${[fn, ...alloc, ...rest].join(', ')});`);
    return { call: `__enzyme_reverse(${[fn, ...alloc, ...rest, ...seed].join(', ')})`, after: ['  free(fz_tbuf);'] };
  }
  o.push(`  void *fz_tape = __enzyme_augmentfwd(${args.join(', ')});`);
  return { call: `__enzyme_reverse(${[fn, ...rest, ...seed, 'fz_tape'].join(', ')})`, after: [] };
}

/**
 * Forward mode (generator 5): the program's derivative is also taken with `__enzyme_fwddiff` in
 * one direction (`fz_dirv`, one entry per coordinate of the reverse check, in the same order);
 * the tangent of the loss must equal the finite differences dotted with the direction.
 * Programs with a struct that holds a pointer to its data are left out.
 */
export function fwdChecked(p: Program): boolean {
  return p.version >= 5 && !p.params.some((q) => q.p === 'pstruct');
}

function fwdRun(p: Program, cpp: boolean, target: string): string[] {
  const o: string[] = [];
  const ret = p.ret;
  o.push(`${cpp ? 'extern "C" ' : ''}${ret ? T(ret) : 'void'} __enzyme_fwddiff(void *, ...);`);
  for (const q of p.params) {
    if (q.p === 'arr') o.push(`static ${T(q.kind)} f_${q.name}[${q.len}]${q.act === 'dup' ? `, df_${q.name}[${q.len}]` : ''};`);
    if (q.p === 'struct') o.push(`static ${q.type.name} f_${q.name}[${q.count}], df_${q.name}[${q.count}];`);
  }
  o.push('long double fz_fwd_run(void) {');
  o.push('  fz_reset();', '  int c = 0;', '  (void)c;');
  const args: string[] = [`(void *)${target}`];
  for (const q of p.params) {
    switch (q.p) {
      case 'arr':
        o.push(`  memcpy(f_${q.name}, b_${q.name}, sizeof f_${q.name});`);
        if (q.act === 'dup') {
          o.push(`  for (int k = 0; k < ${q.len}; k++) df_${q.name}[k] = (${T(q.kind)})fz_dirv[c++];`);
          args.push('enzyme_dup', `f_${q.name}`, `df_${q.name}`);
        } else args.push('enzyme_const', `f_${q.name}`);
        break;
      case 'iarr': args.push('enzyme_const', `${q.name}_v`); break;
      case 'struct':
        o.push(`  memcpy(f_${q.name}, b_${q.name}, sizeof f_${q.name});`, `  memset(df_${q.name}, 0, sizeof df_${q.name});`);
        for (const l of structLeaves(q.type, q.count)) o.push(`  df_${q.name}${l.path} = (${T(l.kind)})fz_dirv[c++];`);
        args.push('enzyme_dup', `f_${q.name}`, `df_${q.name}`);
        break;
      case 'pstruct': break;
      case 'n': args.push('enzyme_const', 'fz_n'); break;
      case 'scalar':
        if (q.act === 'out') {
          o.push(`  ${T(q.kind)} dv_${q.name} = (${T(q.kind)})fz_dirv[c++];`);
          args.push('enzyme_dup', `b_${q.name}`, `dv_${q.name}`);
        } else args.push('enzyme_const', `b_${q.name}`);
        break;
    }
  }
  o.push('  long double L = 0;');
  o.push('#ifndef FZ_NO_AD');
  const call = `__enzyme_fwddiff(${args.join(', ')})`;
  o.push(ret ? `  L = (long double)${call};` : `  ${call};`);
  o.push('#endif');
  for (const q of p.params) {
    if (q.p === 'arr' && q.act === 'dup') o.push(`  for (int k = 0; k < ${q.len}; k++) L += (long double)${q.name}_seed[k] * df_${q.name}[k];`);
    if (q.p === 'struct') structLeaves(q.type, q.count).forEach((l, i) => o.push(`  L += (long double)${q.name}_seed[${i}] * df_${q.name}${l.path};`));
  }
  o.push('  return L;', '}');
  return o;
}

/** Buffer definitions, base point, twin inputs, the twin's L, coordinates, primal comparison. */
export function checker(p: Program): string[] {
  const o: string[] = [];
  const ret = p.ret;
  let nc = 0;
  o.push(`int fz_n = ${p.n};`);
  for (const q of p.params) {
    switch (q.p) {
      case 'arr': {
        const L = q.len;
        o.push(`static const double ${q.name}_init[${L}] = {${lits(q.init)}};`);
        o.push(`${T(q.kind)} b_${q.name}[${L}], p_${q.name}[${L}], a_${q.name}[${L}]${q.act === 'dup' ? `, d_${q.name}[${L}]` : ''};`);
        o.push(`static long double t_${q.name}[${L}], tw_${q.name}[${L}];`);
        if (q.act === 'dup') { o.push(`double ${q.name}_seed[${L}] = {${lits(q.seeds)}};`); nc += L; }
        break;
      }
      case 'iarr': o.push(`int ${q.name}_v[${q.len}] = {${q.values.join(', ')}};`); break;
      case 'struct': {
        const leaves = structLeaves(q.type, q.count);
        o.push(`static const double ${q.name}_init[${leaves.length}] = {${lits(q.init)}};`);
        o.push(`double ${q.name}_seed[${leaves.length}] = {${lits(q.seeds)}};`);
        o.push(`${q.type.name} b_${q.name}[${q.count}], p_${q.name}[${q.count}], a_${q.name}[${q.count}], d_${q.name}[${q.count}];`);
        o.push(`static ${q.type.name}_ld t_${q.name}[${q.count}], tw_${q.name}[${q.count}];`);
        nc += leaves.length;
        break;
      }
      case 'pstruct': {
        const L = q.len;
        o.push(`static const double ${q.name}_init[${L + 1}] = {${lits(q.init)}};`);
        o.push(`double ${q.name}_seed[${L + 1}] = {${lits(q.seeds)}};`);
        o.push(`${q.type.name} b_${q.name}, p_${q.name}, a_${q.name}, d_${q.name};`);
        o.push(`${T(q.kind)} b_${q.name}_v[${L}], p_${q.name}_v[${L}], a_${q.name}_v[${L}], d_${q.name}_v[${L}];`);
        o.push(`static ${q.type.name}_ld t_${q.name}, tw_${q.name};`, `static long double t_${q.name}_v[${L}], tw_${q.name}_v[${L}];`);
        nc += L + 1;
        break;
      }
      case 'n': break;
      case 'scalar':
        o.push(`static const double ${q.name}_init = ${realLiteral(q.init)};`);
        o.push(`${T(q.kind)} b_${q.name}; static long double t_${q.name};`);
        if (q.act === 'out') { o.push(`${T(q.kind)} g_${q.name};`); nc++; }
        break;
    }
  }
  if (ret) o.push(`${T(ret)} fz_pret${p.primalReturn ? ', fz_ares' : ''};`);
  o.push(`#define FZ_NC ${Math.max(nc, 1)}`);
  if (fwdChecked(p)) o.push('#define FZ_FWD 1', 'double fz_dirv[FZ_NC];');
  o.push('static long double *fz_tw[FZ_NC]; static const void *fz_ad[FZ_NC]; static char fz_kd[FZ_NC]; static char fz_nm[FZ_NC][48];');

  // base point of an attempt
  o.push('static void fz_set_base(int att) {');
  let salt = 1;
  for (const q of p.params) {
    if (q.p === 'arr') o.push(`  for (int k = 0; k < ${q.len}; k++) b_${q.name}[k] = (${T(q.kind)})(${q.name}_init[k] + att * fz_jit(${salt * 101} + k));`);
    else if (q.p === 'struct') structLeaves(q.type, q.count).forEach((l, i) => o.push(`  b_${q.name}${l.path} = (${T(l.kind)})(${q.name}_init[${i}] + att * fz_jit(${salt * 101 + i}));`));
    else if (q.p === 'scalar') o.push(`  b_${q.name} = (${T(q.kind)})(${q.name}_init + att * fz_jit(${salt * 101}));`);
    else if (q.p === 'pstruct') {
      o.push(`  for (int k = 0; k < ${q.len}; k++) b_${q.name}_v[k] = (${T(q.kind)})(${q.name}_init[k] + att * fz_jit(${salt * 101} + k));`);
      o.push(`  b_${q.name}.w = (${T(q.wkind)})(${q.name}_init[${q.len}] + att * fz_jit(${salt * 101 + q.len}));`);
      o.push(`  b_${q.name}.m = ${q.len};`, `  b_${q.name}.v = b_${q.name}_v;`);
    }
    salt++;
  }
  o.push('}');
  o.push('static void fz_to_twin(void) {');
  for (const q of p.params) {
    if (q.p === 'arr') o.push(`  for (int k = 0; k < ${q.len}; k++) t_${q.name}[k] = b_${q.name}[k];`);
    else if (q.p === 'struct') for (const l of structLeaves(q.type, q.count)) o.push(`  t_${q.name}${l.path} = b_${q.name}${l.path};`);
    else if (q.p === 'scalar') o.push(`  t_${q.name} = b_${q.name};`);
    else if (q.p === 'pstruct') {
      o.push(`  for (int k = 0; k < ${q.len}; k++) t_${q.name}_v[k] = b_${q.name}_v[k];`);
      o.push(`  t_${q.name}.w = b_${q.name}.w;`, `  t_${q.name}.m = ${q.len};`);
    }
  }
  o.push('}');

  o.push('static long double fz_twinL(void) {');
  o.push('  fz_trace = 0; fz_margin = 1e30L;');
  o.push('  fz_reset_ld();');
  for (const q of p.params) {
    if (q.p === 'arr' || q.p === 'struct') o.push(`  memcpy(tw_${q.name}, t_${q.name}, sizeof tw_${q.name});`);
    if (q.p === 'pstruct') o.push(`  tw_${q.name} = t_${q.name};`, `  tw_${q.name}.v = tw_${q.name}_v;`, `  memcpy(tw_${q.name}_v, t_${q.name}_v, sizeof tw_${q.name}_v);`);
  }
  o.push(ret ? `  long double L = f_ld(${argList(p, 'tw')});` : `  f_ld(${argList(p, 'tw')});\n  long double L = 0;`);
  o.push(...seedSum(p, 'tw'));
  o.push('  return L;', '}');

  o.push('static int fz_coords(void) {', '  int c = 0;');
  for (const q of p.params) {
    if (q.p === 'arr' && q.act === 'dup') {
      o.push(`  for (int k = 0; k < ${q.len}; k++, c++) { fz_tw[c] = &t_${q.name}[k]; fz_ad[c] = &d_${q.name}[k]; fz_kd[c] = '${q.kind}'; snprintf(fz_nm[c], 48, "${q.name}[%d]", k); }`);
    } else if (q.p === 'struct') {
      for (const l of structLeaves(q.type, q.count)) {
        o.push(`  fz_tw[c] = &t_${q.name}${l.path}; fz_ad[c] = &d_${q.name}${l.path}; fz_kd[c] = '${l.kind}'; snprintf(fz_nm[c], 48, "%s", "${q.name}${l.path}"); c++;`);
      }
    } else if (q.p === 'pstruct') {
      o.push(`  for (int k = 0; k < ${q.len}; k++, c++) { fz_tw[c] = &t_${q.name}_v[k]; fz_ad[c] = &d_${q.name}_v[k]; fz_kd[c] = '${q.kind}'; snprintf(fz_nm[c], 48, "${q.name}->v[%d]", k); }`);
      o.push(`  fz_tw[c] = &t_${q.name}.w; fz_ad[c] = &d_${q.name}.w; fz_kd[c] = '${q.wkind}'; snprintf(fz_nm[c], 48, "${q.name}->w"); c++;`);
    } else if (q.p === 'scalar' && q.act === 'out') {
      o.push(`  fz_tw[c] = &t_${q.name}; fz_ad[c] = &g_${q.name}; fz_kd[c] = '${q.kind}'; snprintf(fz_nm[c], 48, "${q.name}"); c++;`);
    }
  }
  o.push('  return c;', '}');

  o.push('static int fz_check_primal(void) {', '  int bad = 0;');
  const pcheck = (what: string, a: string, b: string): void => {
    o.push(`  if (!(fz_absl((long double)${a} - (long double)${b}) <= FZ_PTOL * (1 + fz_absl((long double)${b})))) { printf("FZ BAD primal-out %s ad=%.17g direct=%.17g\\n", "${what}", (double)${a}, (double)${b}); bad++; }`);
  };
  for (const q of p.params) {
    if (q.p === 'arr') o.push(`  for (int k = 0; k < ${q.len}; k++) if (!(fz_absl((long double)a_${q.name}[k] - (long double)p_${q.name}[k]) <= FZ_PTOL * (1 + fz_absl((long double)p_${q.name}[k])))) { printf("FZ BAD primal-out ${q.name}[%d] ad=%.17g direct=%.17g\\n", k, (double)a_${q.name}[k], (double)p_${q.name}[k]); bad++; }`);
    else if (q.p === 'struct') for (const l of structLeaves(q.type, q.count)) pcheck(`${q.name}${l.path}`, `a_${q.name}${l.path}`, `p_${q.name}${l.path}`);
    else if (q.p === 'pstruct') {
      for (let k = 0; k < q.len; k++) pcheck(`${q.name}->v[${k}]`, `a_${q.name}_v[${k}]`, `p_${q.name}_v[${k}]`);
      pcheck(`${q.name}->w`, `a_${q.name}.w`, `p_${q.name}.w`);
    }
  }
  if (p.primalReturn && ret) pcheck('return', 'fz_ares', 'fz_pret');
  o.push('  return bad;', '}');
  return o;
}

export const MAIN_BODY = String.raw`
static long double fz_get_ad(int c) { return fz_kd[c] == 'D' ? (long double)*(const double *)fz_ad[c] : (long double)*(const float *)fz_ad[c]; }

int main(void) {
  long double L0 = 0, minm = 1e30L; unsigned long long trace0 = 0; int att, found = 0;
  for (att = 0; att < 6; att++) {
    fz_set_base(att);
    fz_to_twin();
    L0 = fz_twinL();
    trace0 = fz_trace;
    if (!fz_finl(L0) || fz_absl(L0) > 1e12L) continue;
    if (fz_margin < minm) minm = fz_margin;
    if (fz_margin < FZ_MARGIN) continue;
    found = 1;
    break;
  }
  if (!found) { printf("FZ SKIP %s margin=%.3Lg\n", fz_finl(L0) ? "kink" : "nonfinite", minm); return 0; }
  printf("FZ STAGE primal\n"); fflush(stdout);
  long double Lp = fz_primalL();
  if (!(fz_absl(Lp - L0) <= FZ_PTOL * (1 + fz_absl(L0)))) {
    printf("FZ SKIP primal-twin direct=%.17Lg twin=%.17Lg\n", Lp, L0);
    return 0;
  }
  printf("FZ STAGE ad\n"); fflush(stdout);
  fz_ad_run();
  printf("FZ STAGE check\n"); fflush(stdout);
  int bad = fz_check_primal();
  int nc = fz_coords();
  static long double fd[FZ_NC], fderr[FZ_NC];
  static int valid[FZ_NC];
  static const long double H[] = {1e-2L, 1e-3L, 1e-4L, 1e-5L, 1e-6L, 1e-7L};
  long double scale = 0;
  int checked = 0;
  for (int c = 0; c < nc; c++) {
    long double x0 = *fz_tw[c], prev = 0, best = 0, besterr = 1e300L;
    int prevok = 0;
    valid[c] = 0;
    for (int e = 0; e < 6; e++) {
      long double h = H[e] * (1 + fz_absl(x0));
      long double xp = x0 + h, xm = x0 - h;
      *fz_tw[c] = xp; long double Lpl = fz_twinL(); int okp = fz_trace == trace0 && fz_finl(Lpl);
      *fz_tw[c] = xm; long double Lmi = fz_twinL(); int okm = fz_trace == trace0 && fz_finl(Lmi);
      *fz_tw[c] = x0;
      if (!okp || !okm) { prevok = 0; continue; }
      long double D = (Lpl - Lmi) / (xp - xm);
      if (prevok) {
        long double err = fz_absl(D - prev);
        if (err < besterr) { besterr = err; best = D; valid[c] = 1; }
      }
      prev = D; prevok = 1;
    }
    fd[c] = best; fderr[c] = besterr;
    if (valid[c] && fz_absl(best) > scale) scale = fz_absl(best);
  }
  long double maxratio = 0;
  for (int c = 0; c < nc; c++) {
    if (!valid[c]) continue;
    checked++;
    long double ad = fz_get_ad(c);
    long double bound = FZ_TOL * (fz_absl(fd[c]) + scale) + 4 * fderr[c] + 1e-12L;
    long double diff = fz_absl(ad - fd[c]);
    int finite = fz_finl(ad);
    long double ratio = finite ? diff / bound : 1e30L;
    if (ratio > maxratio) maxratio = ratio;
    if (!finite || !(diff <= bound)) {
      printf("FZ BAD grad %s ad=%.17Lg fd=%.17Lg fderr=%.3Lg bound=%.3Lg\n", fz_nm[c], ad, fd[c], fderr[c], bound);
      bad++;
    } else if (getenv("FZ_VERBOSE")) {
      printf("FZ    grad %s ad=%.17Lg fd=%.17Lg fderr=%.3Lg bound=%.3Lg\n", fz_nm[c], ad, fd[c], fderr[c], bound);
    }
  }
#ifdef FZ_FWD
  /* forward mode: the tangent of the loss in one direction, when every coordinate has a difference */
  int allvalid = nc > 0;
  for (int c = 0; c < nc; c++) if (!valid[c]) allvalid = 0;
  if (allvalid) {
    for (int c = 0; c < nc; c++) fz_dirv[c] = 4 * fz_jit(7919u + (unsigned)c); /* multiples of 1/256: exact in float */
    printf("FZ STAGE fwd\n"); fflush(stdout);
    long double tan = fz_fwd_run();
    long double ex = 0, mag = 0, er = 0;
    for (int c = 0; c < nc; c++) { long double d = fz_dirv[c]; ex += fd[c] * d; mag += fz_absl(fd[c] * d); er += fderr[c] * fz_absl(d); }
    long double bound = FZ_TOL * (mag + scale) + 4 * er + 1e-12L;
    long double diff = fz_absl(tan - ex);
    int finite = fz_finl(tan);
    long double ratio = finite ? diff / bound : 1e30L;
    if (ratio > maxratio) maxratio = ratio;
    if (!finite || !(diff <= bound)) { printf("FZ BAD fwd tangent ad=%.17Lg fd=%.17Lg fderr=%.3Lg bound=%.3Lg\n", tan, ex, er, bound); bad++; }
  }
#endif
  printf("FZ RESULT %s coords=%d checked=%d maxratio=%.3Lg attempt=%d\n", bad ? "mismatch" : "ok", nc, checked, maxratio, att);
  return 0;
}
`;

/** The start of check.c: declarations, the tolerances and the twin's declarations. */
/** Headers only some programs need (generator 7: `std::vector` temporaries). */
function extraIncludes(p: Program): string[] {
  return p.tags.some((t) => t.startsWith('cppvec')) ? ['#include <vector>'] : [];
}

function checkHead(p: Program, title: string, shared: string[]): string[] {
  return [title, '/* The checker of prog: see tools/fuzz-grad/checker.ts in enzyme-ts. */', TU_HEAD, ...extraIncludes(p), shared.join('\n'), PRELUDE,
    // tolerances: over ~1,600 passing runs the error was below 8e-8 (float) and 3e-12 (double) of
    // (|fd| + max |fd|); these leave a margin of more than 600 (float) and 3,000 (double)
    `#define FZ_TOL ${p.hasFloat ? '5e-5L' : '1e-8L'}`,
    `#define FZ_PTOL ${p.hasFloat ? '1e-3L' : '1e-9L'}`,
    `#define FZ_MARGIN ${p.hasFloat ? '1e-3L' : '1e-6L'}`,
    '', '/* ---- the long double twin of the program, for finite differences ---- */',
    renderDecls(p, 'twin')];
}

/** A Rust program (generator 6): prog.rs, glue.c and check.c. */
function renderRust(p: Program, ro: RenderOptions): Sources {
  const title = `/* enzyme-ts fuzz-grad program ${p.id} (generator ${p.version}, rust, n = ${p.n}${p.hasFloat ? ', float' : ''}) */`;
  const shared = sharedDecls(p);
  const glue = renderGlue(p, [TU_HEAD, ...shared], (b) => argList(p, b), seedSum(p, 'p'), fwdChecked(p));
  const check = checkHead(p, title, shared);
  check.push(...p.rust!.twin);
  check.push('', '/* ---- the checker ---- */');
  check.push(...checker(p));
  check.push(MAIN_BODY);
  return { test: renderRustSource(p, ro.mutant ?? false), glue, check: check.join('\n') + '\n' };
}

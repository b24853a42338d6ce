// One random program: the target function `f` (its signature, globals, struct types, helpers and
// body) and the description of its interface that the checker's `main` needs.
import { Rng } from './rng.js';
import { c, num, realLiteral, sym, ty, type CFunc, type Code, type Kind, type Stmt } from './c.js';
import { FnCtx, ProgramState, fieldDecl, genBlock, genExpr, fitWrite, inLoop, type ArrayRef, type ProgramOptions, type StructType } from './gen.js';
import { FEATURES } from './features/index.js';
import { finish, joinCode } from './features/calls.js';
import { generateRustProgram, type RustParts } from './rustprog.js';

export interface ArrParam {
  p: 'arr'; name: string; kind: Kind; len: number; act: 'dup' | 'const'; constQual: boolean;
  init: number[]; seeds: number[]; omitMarker: boolean;
}
export interface IntArrParam { p: 'iarr'; name: string; len: number; values: number[] }
export interface StructParamI {
  p: 'struct'; name: string; type: StructType; count: number; constQual: boolean;
  /** Initial values and seeds of the floating leaves, in leaf order (see structLeaves). */
  init: number[]; seeds: number[];
}
/** `P0 *name` with `P0 = { T *v; int m; W w; }`: v points to `len` elements (its own buffer). */
export interface PStructParamI {
  p: 'pstruct'; name: string; type: StructType; kind: Kind; wkind: Kind; len: number;
  /** Values and seeds of v[0..len-1] then w. */
  init: number[]; seeds: number[];
}
export interface NParam { p: 'n'; value: number; omitMarker: boolean }
export interface ScalarParam { p: 'scalar'; name: string; kind: Kind; act: 'out' | 'const'; init: number; omitMarker: boolean }
export type Param = ArrParam | IntArrParam | StructParamI | PStructParamI | NParam | ScalarParam;

export interface GlobalArr { name: string; kind: Kind; values: number[]; mutable: boolean; isStatic: boolean }
export interface GlobalScalar { name: string; kind: Kind; value: number; isStatic: boolean }

export interface Program {
  id: string;
  seed: number;
  version: number;
  lang: 'c' | 'cpp' | 'rust';
  n: number;
  hasFloat: boolean;
  tags: string[];
  params: Param[];
  ret: Kind | null;
  primalReturn: boolean;
  /**
   * Generator 8: how the gradient is taken. `autodiff`: one `__enzyme_autodiff` call. `split`:
   * `__enzyme_augmentfwd` returns the tape, `__enzyme_reverse` takes it (and the seed of the
   * return). `allocated`: the same, with the tape in a buffer the program `malloc`s from
   * `__enzyme_augmentsize` (`enzyme_allocated, SIZE, enzyme_tape, PTR` in both calls).
   */
  mode?: 'autodiff' | 'split' | 'allocated';
  /** How `__enzyme_autodiff` is declared: a struct of the results, the single result, or void. */
  resultForm: 'struct' | 'scalar' | 'void';
  restrict: boolean;
  structs: StructType[];
  globalArrs: GlobalArr[];
  globalScalars: GlobalScalar[];
  helpers: CFunc[];
  target: CFunc;
  /** Generator 6: a Rust program (rustprog.ts); target and helpers are then empty. */
  rust?: RustParts;
}

/** Leaves of a struct array in order: `[i].f` or `[i].f[j]` with their kinds. */
export function structLeaves(t: StructType, count: number): { path: string; kind: Kind }[] {
  const out: { path: string; kind: Kind }[] = [];
  for (let i = 0; i < count; i++) {
    for (const f of t.fields) {
      if (f.len === 1) out.push({ path: `[${i}].${f.name}`, kind: f.kind });
      else for (let j = 0; j < f.len; j++) out.push({ path: `[${i}].${f.name}[${j}]`, kind: f.kind });
    }
  }
  return out;
}

/** An input value: a multiple of 1/1024 in [-1.5, 1.5], exact in float, double and long double. */
function inputValue(rng: Rng): number {
  let v = rng.int(-1536, 1536) / 1024;
  if (v === 0) v = 0.5;
  return v;
}

/** A seed: a multiple of 1/32 in [-1, 1], not 0. */
function seedValue(rng: Rng): number {
  const k = rng.int(1, 32) * (rng.chance(0.5) ? -1 : 1);
  return k / 32;
}

export interface GenOptions { weights: Record<string, number>; version?: number }

const W = (o: GenOptions, name: string, d: number): number => o.weights[name] ?? d;

export function generateProgram(seed: number, id: string, o: GenOptions): Program {
  // Generator 6 adds Rust programs, chosen by a generator of their own: the C programs of version
  // 6 are those of version 5
  if ((o.version ?? GENERATOR_VERSION) >= 6 && new Rng(seed ^ 0x1f2e3d4c).chance(Math.min(1, 0.3 * W(o, 'rust', 1)))) {
    return generateRustProgram(seed, id, o.weights, o.version ?? GENERATOR_VERSION);
  }
  const rng = new Rng(seed);
  const lang: 'c' | 'cpp' = rng.chance(0.15 * W(o, 'cpp', 1)) ? 'cpp' : 'c';
  const n = rng.weighted<number>([[1, 0.3], [2, 1], [3, 2], [4, 2], [5, 2], [6, 1.5], [7, 1], [8, 1], [10, 0.5], [12, 0.3]]);
  const popts: ProgramOptions = { weights: o.weights, lang, version: o.version ?? GENERATOR_VERSION };
  const prog = new ProgramState(rng, n, popts, [...FEATURES]);
  if (prog.since(3)) prog.floatScale = W(o, 'float', 1) <= 0 ? 0 : rng.weighted<number>([[0, 5], [1, 3.5], [2, 1.5]]);
  const restrict = rng.chance(0.35 * W(o, 'restrict', 1));
  const R = restrict ? '__restrict ' : '';
  const params: Param[] = [];
  const top: ArrayRef[] = [];
  const f = new FnCtx(prog, { mult: 1, depth: 0, ret: null, retCap: 1000, writesShared: true }, 0);

  // floating arrays: 1 to 3 duplicated, maybe one constant
  const nArr = rng.weighted<number>([[1, 3], [2, 4], [3, 2]]);
  const arrNames = ['x', 'y', 'z'];
  for (let k = 0; k < nArr; k++) {
    const kind = prog.kind(0.2);
    const len = rng.chance(0.75) ? n : rng.chance(0.5) ? n + rng.int(1, 3) : rng.int(2, 8);
    const constQual = rng.chance(0.2);
    const p: ArrParam = {
      p: 'arr', name: arrNames[k]!, kind, len, act: 'dup', constQual,
      init: Array.from({ length: len }, () => inputValue(rng)), seeds: Array.from({ length: len }, () => seedValue(rng)),
      omitMarker: rng.chance(0.1),
    };
    params.push(p);
  }
  if (rng.chance(0.3)) {
    const kind = prog.kind(0.2);
    const len = rng.chance(0.8) ? n : n + 1;
    params.push({ p: 'arr', name: 'c', kind, len, act: 'const', constQual: true, init: Array.from({ length: len }, () => inputValue(rng)), seeds: [], omitMarker: false });
  }
  if (rng.chance(0.35)) {
    const len = n + (rng.chance(0.3) ? 1 : 0);
    const values = Array.from({ length: len }, () => rng.int(0, n - 1));
    if (rng.chance(0.5)) { // a permutation
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) { const j = rng.int(0, i); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
      for (let i = 0; i < n; i++) values[i] = perm[i]!;
    }
    params.push({ p: 'iarr', name: 'idx', len, values });
    prog.intArrays.push({ name: 'idx', len, lo: Math.min(...values), hi: Math.max(...values), values });
  }
  // a struct parameter
  if (rng.chance(0.3 * W(o, 'structs', 1))) {
    const fields: StructType['fields'] = [];
    const nf = rng.int(2, 4);
    for (let k = 0; k < nf; k++) fields.push({ name: `m${k}`, kind: prog.kind(0.2), len: rng.chance(0.4) ? rng.int(2, 4) : 1 });
    const type: StructType = { name: 'S0', fields };
    prog.structs.push(type);
    const count = rng.chance(0.5) ? 1 : rng.int(2, 4);
    const leaves = structLeaves(type, count);
    const constQual = rng.chance(0.15);
    params.push({ p: 'struct', name: count === 1 ? 's' : 'ps', type, count, constQual,
      init: leaves.map(() => inputValue(rng)), seeds: leaves.map(() => seedValue(rng)) });
  }
  // a struct that holds a pointer to its data
  if (prog.since(2) && rng.chance(0.2 * W(o, 'pstruct', 1))) {
    const kind = prog.kind(0.2), wkind = prog.kind(0.2);
    const len = rng.chance(0.6) ? n : rng.int(2, 8);
    const type: StructType = { name: 'P0', fields: [{ name: 'v', kind, len: 1, t: 'ptr' }, { name: 'm', kind: 'D', len: 1, t: 'int' }, { name: 'w', kind: wkind, len: 1 }] };
    prog.structs.push(type);
    params.push({ p: 'pstruct', name: 'pp', type, kind, wkind, len,
      init: Array.from({ length: len + 1 }, () => inputValue(rng)), seeds: Array.from({ length: len + 1 }, () => seedValue(rng)) });
  }
  params.push({ p: 'n', value: n, omitMarker: rng.chance(0.3) });
  const nScalars = rng.weighted<number>([[0, 3], [1, 4], [2, 2]]);
  for (let k = 0; k < nScalars; k++) {
    params.push({ p: 'scalar', name: ['a', 'b'][k]!, kind: prog.kind(0.25), act: 'out', init: inputValue(rng), omitMarker: rng.chance(0.15) });
  }
  if (rng.chance(0.15)) params.push({ p: 'scalar', name: 'w', kind: 'D', act: 'const', init: inputValue(rng), omitMarker: false });
  // parameter order: shuffled a little (n and scalars often last, as in real code)
  for (let i = params.length - 1; i > 0; i--) if (rng.chance(0.3)) { const j = rng.int(0, i); [params[i], params[j]] = [params[j]!, params[i]!]; }

  // globals
  const globalArrs: GlobalArr[] = [];
  const globalScalars: GlobalScalar[] = [];
  const gw = W(o, 'globals', 1);
  if (rng.chance(0.25 * gw)) {
    const kind = prog.kind(0.2);
    const len = rng.int(2, 8);
    const g: GlobalArr = { name: 'G0', kind, values: Array.from({ length: len }, () => inputValue(rng)), mutable: true, isStatic: rng.chance(0.7) };
    globalArrs.push(g);
    const st = prog.storage(8, 2, null);
    prog.globalArrays.push({ name: 'G0', kind, len, lenCode: [String(len)], at: (idx) => c`${sym('G0')}[${idx}]`, base: [sym('G0')], writable: true, st, object: st.id });
    prog.tags.add('global:mutable');
  }
  if (rng.chance(0.2 * gw)) {
    const kind = prog.kind(0.2);
    const g: GlobalScalar = { name: 'g1', kind, value: inputValue(rng), isStatic: rng.chance(0.7) };
    globalScalars.push(g);
    prog.globalReals.push({ ref: [sym('g1')], kind, st: prog.storage(8, 2, null), writable: true, name: 'g1' });
    prog.tags.add('global:scalar');
  }
  if (rng.chance(0.3 * gw)) {
    const kind = prog.kind(0.1);
    const len = rng.int(3, 8);
    globalArrs.push({ name: 'K0', kind, values: Array.from({ length: len }, () => inputValue(rng)), mutable: false, isStatic: true });
    const st = prog.storage(2, 2, null);
    prog.globalArrays.push({ name: 'K0', kind, len, lenCode: [String(len)], at: (idx) => c`${sym('K0')}[${idx}]`, base: [sym('K0')], writable: false, st, object: st.id });
    prog.tags.add('global:const');
  }

  // the target's signature and scope
  const sig: Code[] = [];
  for (const p of params) {
    switch (p.p) {
      case 'arr': {
        sig.push(c`${p.constQual ? 'const ' : ''}${ty(p.kind)} *${R}${p.name}`);
        const st = prog.storage(p.act === 'dup' ? 8 : 2, 2, null);
        const lenCode: Code = p.len === n ? ['n'] : p.len > n ? [`(n + ${p.len - n})`] : [String(p.len)];
        top.push({ name: p.name, kind: p.kind, len: p.len, lenCode, at: (idx) => c`${p.name}[${idx}]`, base: [p.name], writable: !p.constQual, st, object: st.id });
        break;
      }
      case 'iarr': sig.push(c`const int *${R}${p.name}`); break;
      case 'struct': {
        sig.push(c`${p.constQual ? 'const ' : ''}${sym(p.type.name)} *${R}${p.name}`);
        const st = prog.storage(8, 2, null);
        for (const fd of p.type.fields) {
          const one = p.count === 1;
          const el = (): string => (one ? `${p.name}->` : `${p.name}[${rng.int(0, p.count - 1)}].`);
          if (fd.len === 1) {
            top.push({ name: `${p.name}.${fd.name}`, kind: fd.kind, len: p.count, lenCode: [String(p.count)],
              at: (idx) => (one ? [`${p.name}->${fd.name}`] : c`${p.name}[${idx}].${fd.name}`), base: null, writable: !p.constQual, st, object: st.id });
          } else {
            const b = el();
            top.push({ name: `${p.name}.${fd.name}`, kind: fd.kind, len: fd.len, lenCode: [String(fd.len)],
              at: (idx) => c`${el()}${fd.name}[${idx}]`, base: [`${b}${fd.name}`], writable: !p.constQual, st, object: st.id });
          }
        }
        prog.structParams.push({ name: p.name, type: p.type.name, count: p.count, fields: p.type.fields, writable: !p.constQual, cap: 8 });
        prog.tags.add(p.count === 1 ? 'struct:ptr' : 'struct:array');
        break;
      }
      case 'pstruct': {
        sig.push(c`${sym(p.type.name)} *${R}${p.name}`);
        const st = prog.storage(8, 2, null);
        top.push({ name: `${p.name}.v`, kind: p.kind, len: p.len, lenCode: [String(p.len)], at: (idx) => c`${p.name}->v[${idx}]`,
          base: [`${p.name}->v`], writable: true, st, object: st.id });
        const st2 = prog.storage(8, 2, null);
        top.push({ name: `${p.name}.w`, kind: p.wkind, len: 1, lenCode: ['1'], at: () => [`${p.name}->w`], base: null, writable: true, st: st2, object: st2.id });
        prog.intBounds.push({ code: [`${p.name}->m`], value: p.len });
        prog.tags.add('struct:pointer-member');
        break;
      }
      case 'n': sig.push(['int n']); break;
      case 'scalar':
        sig.push(c`${ty(p.kind)} ${p.name}`);
        f.top().reals.push({ ref: [p.name], kind: p.kind, st: prog.storage(8, 2, f), writable: true, name: p.name });
        break;
    }
  }
  f.top().arrays.push(...top);

  // return kind
  const writableDup = params.some((p) => (p.p === 'arr' && p.act === 'dup' && !p.constQual) || (p.p === 'struct' && !p.constQual) || p.p === 'pstruct');
  let ret: Kind | null = rng.weighted<Kind | null>([['D', 6], ['F', prog.weight('float', 1) > 0 && prog.floatScale > 0 ? 1 : 0], [null, 3]]);
  if (ret === 'F') prog.hasFloat = true;
  if (ret === null && !writableDup) ret = 'D';
  f.opt.ret = ret;
  f.budget = rng.int(6, 26);

  // the body
  const body: Stmt[] = genBlock(f, rng.int(3, 8));
  // an output loop: results through a pointer
  const outs = top.filter((a) => a.writable && a.base !== null && a.len >= n && params.some((p) => p.p === 'arr' && p.name === a.name && p.act === 'dup'));
  if (outs.length && rng.chance(0.4)) {
    const a = rng.pick(outs);
    const i = prog.fresh('i');
    let w: Code = [];
    const lb = inLoop(f, n, { name: i, lo: 0, hi: n - 1 }, 'for', () => { w = fitWrite(f, genExpr(f, rng.int(1, 3), a.kind), a.st, false)!.code; return []; });
    body.push({ s: 'block', head: c`for (int ${i} = 0; ${i} < n; ${i}++) {`, body: [...lb, { s: 'line', code: c`${a.at([i])} = ${w};` }], tail: ['}'] });
    prog.tags.add('output:loop');
  }
  const target: CFunc = { name: 'f', head: ret ? [ty(ret)] : ['void'], params: joinCode(sig), body: finish(f, body, ret) };

  const nOut = params.filter((p) => p.p === 'scalar' && p.act === 'out').length;
  const primalReturn = ret !== null && rng.chance(0.25);
  const fields = nOut + (primalReturn ? 1 : 0);
  const resultForm: Program['resultForm'] = fields === 0 ? 'void' : fields === 1 && rng.chance(0.5) ? 'scalar' : 'struct';
  // Generator 8: split mode, drawn by a generator of its own (the programs are those of version 7)
  const mode: Program['mode'] = popts.version >= 8 && !primalReturn
    ? new Rng(seed ^ 0x5b1d7e21).weighted<NonNullable<Program['mode']>>([['autodiff', 6], ['split', 3 * W(o, 'split', 1)], ['allocated', 1.5 * W(o, 'allocated', 1)]])
    : 'autodiff';
  if (mode !== 'autodiff') prog.tags.add(`mode:${mode}`);
  return {
    id, seed, version: popts.version, lang, n, mode, hasFloat: prog.hasFloat || params.some((p) => (p.p === 'arr' || p.p === 'scalar') && p.kind === 'F'),
    tags: [...prog.tags].sort(), params, ret, primalReturn, resultForm, restrict,
    structs: prog.structs, globalArrs, globalScalars, helpers: prog.helpers, target,
  };
}

/** C declarations of the globals and the reset function (and the twin's struct types). */
export const GENERATOR_VERSION = 8;

export function renderDecls(p: Program, mode: 'primal' | 'twin'): string {
  const out: string[] = [];
  const twin = mode === 'twin';
  const T = (k: Kind): string => (twin ? 'long double' : k === 'D' ? 'double' : 'float');
  const suffix = twin ? '_ld' : '';
  const lit = (v: number, k: Kind): string => realLiteral(v) + (twin ? 'L' : k === 'F' ? 'f' : '');
  for (const s of twin ? p.structs : []) {
    out.push(`typedef struct { ${s.fields.map((f) => fieldDecl(f, T)).join(' ')} } ${s.name}${suffix};`);
  }
  for (const g of p.globalArrs) {
    const q = (twin || g.isStatic ? 'static ' : '') + (g.mutable ? '' : 'const ');
    out.push(`${q}${T(g.kind)} ${g.name}${suffix}[${g.values.length}] = {${g.values.map((v) => lit(v, g.kind)).join(', ')}};`);
  }
  for (const g of p.globalScalars) out.push(`${twin || g.isStatic ? 'static ' : ''}${T(g.kind)} ${g.name}${suffix} = ${lit(g.value, g.kind)};`);
  // restores the mutable globals before each evaluation
  out.push(`static void fz_reset${suffix}(void) {`);
  for (const g of p.globalArrs) if (g.mutable) g.values.forEach((v, i) => out.push(`  ${g.name}${suffix}[${i}] = ${lit(v, g.kind)};`));
  for (const g of p.globalScalars) out.push(`  ${g.name}${suffix} = ${lit(g.value, g.kind)};`);
  out.push('}');
  return out.join('\n');
}

export { num };

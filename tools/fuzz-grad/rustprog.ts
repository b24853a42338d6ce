// A Rust program of generator 6 and its sources: prog.rs (f, its helpers, and the two derivative
// calls), glue.c (the buffers set up as in checker.ts's callers, calling f directly and the
// derivative calls in prog.rs) and check.c (the long double twin and the checker of checker.ts).
import { Rng } from './rng.js';
import { realLiteral, type Kind } from './c.js';
import type { StructType } from './gen.js';
import { CT, RustGen, paramStructItems, rlit, valStructItems, type E } from './rust.js';
import { structLeaves, type ArrParam, type Param, type Program, type StructParamI } from './program.js';

export interface RustParts {
  /** prog.rs */
  source: string;
  /** The twin's items (helpers, value structs) and f_ld, in C. */
  twin: string[];
  /** `extern` prototype of f for glue.c. */
  proto: string;
  /** The derivative call: its markers in the Rust source, by address or by value. */
  markers: 'address' | 'value';
}

function inputValue(rng: Rng): number {
  let v = rng.int(-1536, 1536) / 1024;
  if (v === 0) v = 0.5;
  return v;
}
function seedValue(rng: Rng): number {
  return (rng.int(1, 32) * (rng.chance(0.5) ? -1 : 1)) / 32;
}

const RT = (k: Kind): string => (k === 'D' ? 'f64' : 'f32');

export function generateRustProgram(seed: number, id: string, weights: Record<string, number>, version = 6): Program {
  const rng = new Rng(seed ^ 0x52757374);
  const n = rng.weighted<number>([[2, 1], [3, 2], [4, 2], [5, 2], [6, 1.5], [8, 1]]);
  const floatScale = (weights.float ?? 1) <= 0 ? 0 : rng.weighted<number>([[0, 5], [1, 3.5], [2, 1.5]]);
  const g = new RustGen(rng, n, floatScale, version);
  const params: Param[] = [];
  const nArr = rng.weighted<number>([[1, 3], [2, 4], [3, 2]]);
  for (let k = 0; k < nArr; k++) {
    const kind = g.kind(0.2);
    const len = rng.chance(0.75) ? n : rng.chance(0.5) ? n + rng.int(1, 3) : rng.int(2, 8);
    params.push({ p: 'arr', name: ['x', 'y', 'z'][k]!, kind, len, act: 'dup', constQual: rng.chance(0.2),
      init: Array.from({ length: len }, () => inputValue(rng)), seeds: Array.from({ length: len }, () => seedValue(rng)), omitMarker: rng.chance(0.1) });
  }
  if (rng.chance(0.3)) {
    const kind = g.kind(0.2);
    const len = rng.chance(0.8) ? n : n + 1;
    params.push({ p: 'arr', name: 'c', kind, len, act: 'const', constQual: true, init: Array.from({ length: len }, () => inputValue(rng)), seeds: [], omitMarker: false });
  }
  if (rng.chance(0.35)) {
    const len = n + (rng.chance(0.3) ? 1 : 0);
    const values = Array.from({ length: len }, () => rng.int(0, n - 1));
    params.push({ p: 'iarr', name: 'idx', len, values });
    g.idxInfo = { len, max: Math.max(...values) };
  }
  if (rng.chance(0.3 * (weights.structs ?? 1))) {
    const fields: StructType['fields'] = [];
    const nf = rng.int(2, 3);
    for (let k = 0; k < nf; k++) fields.push({ name: `m${k}`, kind: g.kind(0.2), len: rng.chance(0.4) ? rng.int(2, 3) : 1 });
    const type: StructType = { name: 'S0', fields };
    const count = rng.int(1, 3);
    const leaves = structLeaves(type, count);
    params.push({ p: 'struct', name: 's', type, count, constQual: rng.chance(0.15), init: leaves.map(() => inputValue(rng)), seeds: leaves.map(() => seedValue(rng)) });
  }
  params.push({ p: 'n', value: n, omitMarker: rng.chance(0.3) });
  const nScalars = rng.weighted<number>([[0, 3], [1, 4], [2, 2]]);
  for (let k = 0; k < nScalars; k++) params.push({ p: 'scalar', name: ['a', 'b'][k]!, kind: g.kind(0.25), act: 'out', init: inputValue(rng), omitMarker: rng.chance(0.15) });
  if (rng.chance(0.15)) params.push({ p: 'scalar', name: 'w', kind: 'D', act: 'const', init: inputValue(rng), omitMarker: false });
  for (let i = params.length - 1; i > 0; i--) if (rng.chance(0.3)) { const j = rng.int(0, i); [params[i], params[j]] = [params[j]!, params[i]!]; }

  // f's signature and the slices it builds
  const sigRs: string[] = [], sigTw: string[] = [], sigC: string[] = [], prologue: string[] = [];
  const lenRs = (len: number): string => (len === n ? 'n' : len > n ? `(n + ${len - n})` : String(len));
  for (const p of params) {
    switch (p.p) {
      case 'arr': {
        const mut = p.act === 'dup' && !p.constQual;
        sigRs.push(`${p.name}: *${mut ? 'mut' : 'const'} ${RT(p.kind)}`);
        sigTw.push(`${mut ? '' : 'const '}long double *${p.name}`);
        sigC.push(`${mut ? '' : 'const '}${CT(p.kind)} *${p.name}`);
        prologue.push(`let ${p.name} = unsafe { slice::from_raw_parts${mut ? '_mut' : ''}(${p.name}, ${lenRs(p.len)}) };`);
        const name = p.name;
        g.scope.arrs.push(g.arrVar(name, p.kind, p.len, `${name}.len()`, { cap: p.act === 'dup' ? 8 : 2, acc: 0 }, mut,
          (i) => ({ rs: `${name}[${i.rs}]`, tw: `${name}[${i.tw}]` }), name, name, false));
        break;
      }
      case 'iarr':
        sigRs.push(`${p.name}: *const i32`); sigTw.push(`const int *${p.name}`); sigC.push(`const int *${p.name}`);
        prologue.push(`let ${p.name} = unsafe { slice::from_raw_parts(${p.name}, ${lenRs(p.len)}) };`);
        break;
      case 'struct': {
        const mut = !p.constQual;
        sigRs.push(`${p.name}: *${mut ? 'mut' : 'const'} ${p.type.name}`);
        sigTw.push(`${mut ? '' : 'const '}${p.type.name}_ld *${p.name}`);
        sigC.push(`${mut ? '' : 'const '}${p.type.name} *${p.name}`);
        prologue.push(`let ${p.name} = unsafe { slice::from_raw_parts${mut ? '_mut' : ''}(${p.name}, ${p.count}) };`);
        const st = { cap: 8, acc: 0 };
        g.structParam = { name: p.name, type: p.type, count: p.count, writable: mut, st };
        for (const f of p.type.fields) {
          // a field of one element, or an array field, as an indexable storage
          if (f.len === 1) {
            g.scope.arrs.push(g.arrVar(`${p.name}.${f.name}`, f.kind, p.count, String(p.count), st, mut,
              (i) => ({ rs: `${p.name}[${i.rs}].${f.name}`, tw: `${p.name}[${i.tw}].${f.name}` }), '', '', false));
          } else {
            const e = rng.int(0, p.count - 1);
            g.scope.arrs.push(g.arrVar(`${p.name}[${e}].${f.name}`, f.kind, f.len, String(f.len), st, mut,
              (i) => ({ rs: `${p.name}[${e}].${f.name}[${i.rs}]`, tw: `${p.name}[${e}].${f.name}[${i.tw}]` }), `${p.name}[${e}].${f.name}`, `${p.name}[${e}].${f.name}`, false));
            g.scope.arrs[g.scope.arrs.length - 1]!.local = true;
          }
        }
        break;
      }
      case 'n': sigRs.push('n: i32'); sigTw.push('int n'); sigC.push('int n'); prologue.unshift('let n = n as usize;'); break;
      case 'scalar': {
        sigRs.push(`${p.name}: ${RT(p.kind)}`); sigTw.push(`long double ${p.name}`); sigC.push(`${CT(p.kind)} ${p.name}`);
        const mutable = p.act === 'out' && rng.chance(0.5);
        if (mutable) prologue.push(`let mut ${p.name} = ${p.name};`);
        g.scope.reals.push({ name: p.name, k: p.kind, st: { cap: 8, acc: 0 }, mutable, rs: p.name, tw: p.name });
        break;
      }
    }
  }
  const writableDup = params.some((p) => (p.p === 'arr' && p.act === 'dup' && !p.constQual) || (p.p === 'struct' && !p.constQual));
  let ret: Kind | null = rng.weighted<Kind | null>([['D', 6], ['F', floatScale > 0 ? 1 : 0], [null, 3]]);
  if (ret === 'F') g.hasFloat = true;
  if (ret === null && !writableDup) ret = 'D';
  g.budget = rng.int(8, 28);
  const body = g.stmts(rng.int(4, 9));
  // the result: a combination of what is in scope (the body's locals are gone: arrays, scalars)
  let retE: E | null = null;
  if (ret) {
    g.depth = 1;
    retE = g.fit(g.expr(ret, 4), 1000);
  }
  const tail = g.withPending({ rs: [], tw: [] });
  const bodyRs = [...prologue, ...body.rs, ...tail.rs];
  const bodyTw = [...body.tw, ...tail.tw];
  if (retE) {
    if (rng.chance(0.5)) bodyRs.push(retE.rs); else bodyRs.push(`return ${retE.rs};`);
    bodyTw.push(`return ${retE.tw};`);
  }
  const sp = params.find((p): p is StructParamI => p.p === 'struct');
  const items: string[] = [];
  const twin: string[] = [];
  if (sp) { const it = paramStructItems(sp.type); items.push(...it.rs); twin.push(...it.tw); }
  const vs = valStructItems(g);
  items.push(...vs.rs); twin.push(...vs.tw);
  for (const h of g.helpers) twin.push(h.proto);
  for (const h of g.helpers) { items.push(...h.rs); twin.push(...h.tw); }
  const retRs = ret ? ` -> ${RT(ret)}` : '';
  const fRs = ['#[no_mangle]', `pub extern "C" fn f(${sigRs.join(', ')})${retRs} {`, ...bodyRs.map((l) => '    ' + l), '}'];
  twin.push(`static ${ret ? 'long double' : 'void'} f_ld(${sigTw.join(', ')}) {`, ...bodyTw.map((l) => '  ' + l), '}');

  const nOut = params.filter((p) => p.p === 'scalar' && p.act === 'out').length;
  const primalReturn = ret !== null && rng.chance(0.25);
  const fields = nOut + (primalReturn ? 1 : 0);
  const resultForm: Program['resultForm'] = fields === 0 ? 'void' : fields === 1 && rng.chance(0.5) ? 'scalar' : 'struct';
  const tags = [...g.features].sort();
  const prog: Program = {
    id, seed, version, lang: 'rust', n, hasFloat: g.hasFloat || params.some((p) => (p.p === 'arr' || p.p === 'scalar') && p.kind === 'F') || (sp?.type.fields.some((f) => f.kind === 'F') ?? false),
    tags, params, ret, primalReturn, resultForm, restrict: false, structs: sp ? [sp.type] : [], globalArrs: [], globalScalars: [],
    helpers: [], target: { name: 'f', head: [], params: [], body: [] },
  };
  const markers = rng.chance(0.5) ? 'address' : 'value';
  prog.rust = { source: '', twin, proto: `${ret ? CT(ret) : 'void'} f(${sigC.join(', ')});`, markers };
  prog.rust.source = [
    `// enzyme-ts fuzz-grad program ${id} (generator 6, rust, n = ${n}${prog.hasFloat ? ', float' : ''})`,
    '#![allow(unused_mut, unused_variables, unused_parens, unused_assignments, non_snake_case, dead_code, unused_unsafe, clippy::all)]',
    'use std::slice;', '', ...items, '', ...fRs, '',
  ].join('\n');
  return prog;
}

/** prog.rs: the program, then the derivative calls (of the mutant of f with `mutant`). */
export function renderRustSource(p: Program, mutant: boolean | 'fwd'): string {
  const m = mutant ? mutantItems(p) : [];
  const t = m.length ? 'fz_mutant' : 'f';
  return [p.rust!.source, ...m, '', ...derivativeCalls(p, p.rust!.markers, mutant === 'fwd' ? 'f' : t, t), ''].join('\n');
}

// ---- the derivative calls (in prog.rs) and the glue (glue.c)

interface Arg { marker: string | null; c: string; ct: string; rt: string; variadic: (v: string) => string }

function adArgs(p: Program, fwd: boolean): Arg[] {
  const out: Arg[] = [];
  const plain = (v: string): string => v;
  const wide = (k: Kind) => (v: string): string => (k === 'F' ? `${v} as f64` : v);
  const buf = fwd ? 'f' : 'a', sh = fwd ? 'df' : 'd';
  for (const q of p.params) {
    switch (q.p) {
      case 'arr': {
        const t = `*mut ${RT(q.kind)}`, ct = `${CT(q.kind)} *`;
        if (q.act === 'dup') {
          out.push({ marker: q.omitMarker && !fwd ? null : 'enzyme_dup', c: `${buf}_${q.name}`, ct, rt: t, variadic: plain });
          out.push({ marker: null, c: `${sh}_${q.name}`, ct, rt: t, variadic: plain });
        } else out.push({ marker: 'enzyme_const', c: `${buf}_${q.name}`, ct, rt: t, variadic: plain });
        break;
      }
      case 'iarr': out.push({ marker: 'enzyme_const', c: `${q.name}_v`, ct: 'int *', rt: '*mut i32', variadic: plain }); break;
      case 'struct':
        out.push({ marker: 'enzyme_dup', c: `${buf}_${q.name}`, ct: `${q.type.name} *`, rt: `*mut ${q.type.name}`, variadic: plain });
        out.push({ marker: null, c: `${sh}_${q.name}`, ct: `${q.type.name} *`, rt: `*mut ${q.type.name}`, variadic: plain });
        break;
      case 'pstruct': break;
      case 'n': out.push({ marker: q.omitMarker && !fwd ? null : 'enzyme_const', c: 'fz_n', ct: 'int', rt: 'i32', variadic: plain }); break;
      case 'scalar':
        if (q.act === 'out' && fwd) {
          out.push({ marker: 'enzyme_dup', c: `b_${q.name}`, ct: CT(q.kind), rt: RT(q.kind), variadic: wide(q.kind) });
          out.push({ marker: null, c: `dv_${q.name}`, ct: CT(q.kind), rt: RT(q.kind), variadic: wide(q.kind) });
        } else if (q.act === 'out') out.push({ marker: q.omitMarker ? null : 'enzyme_out', c: `b_${q.name}`, ct: CT(q.kind), rt: RT(q.kind), variadic: wide(q.kind) });
        else out.push({ marker: 'enzyme_const', c: `b_${q.name}`, ct: CT(q.kind), rt: RT(q.kind), variadic: wide(q.kind) });
        break;
    }
  }
  return out;
}

function resultFields(p: Program): { name: string; kind: Kind }[] {
  const fields: { name: string; kind: Kind }[] = [];
  if (p.primalReturn && p.ret) fields.push({ name: 'r', kind: p.ret });
  for (const q of p.params) if (q.p === 'scalar' && q.act === 'out') fields.push({ name: `g_${q.name}`, kind: q.kind });
  return fields;
}

function derivativeCalls(p: Program, markers: 'address' | 'value', adTarget: string, fwdTarget: string): string[] {
  const o: string[] = [];
  const fields = resultFields(p);
  const resRt = p.resultForm === 'void' ? '' : p.resultForm === 'scalar' ? RT(fields[0]!.kind) : 'FzRes';
  if (p.resultForm === 'struct') o.push('#[repr(C)]', `pub struct FzRes { ${fields.map((f) => `pub ${f.name}: ${RT(f.kind)}`).join(', ')} }`);
  const mk = (m: string): string => (markers === 'address' ? `&raw const ${m}` : m);
  o.push('extern "C" {', `    fn __enzyme_autodiff(f: *const (), ...)${resRt ? ` -> ${resRt}` : ''};`);
  o.push(`    fn __enzyme_fwddiff(f: *const (), ...)${p.ret ? ` -> ${RT(p.ret)}` : ''};`);
  o.push(`    static enzyme_dup: ${markers === 'address' ? 'u8' : 'i32'};`, `    static enzyme_const: ${markers === 'address' ? 'u8' : 'i32'};`,
    `    static enzyme_out: ${markers === 'address' ? 'u8' : 'i32'};`, `    static enzyme_primal_return: ${markers === 'address' ? 'u8' : 'i32'};`, '}');
  for (const fwd of [false, true]) {
    const args = adArgs(p, fwd);
    const ps = args.map((a, i) => `a${i}: ${a.rt}`);
    const call: string[] = [`${fwd ? fwdTarget : adTarget} as *const ()`];
    if (!fwd && p.primalReturn) call.push(mk('enzyme_primal_return'));
    args.forEach((a, i) => { if (a.marker) call.push(mk(a.marker)); call.push(a.variadic(`a${i}`)); });
    const fn = fwd ? '__enzyme_fwddiff' : '__enzyme_autodiff';
    if (fwd) {
      o.push('#[no_mangle]', `pub unsafe extern "C" fn fz_fwd_call(${ps.join(', ')})${p.ret ? ` -> ${RT(p.ret)}` : ''} {`, `    unsafe { ${fn}(${call.join(', ')}) }`, '}');
    } else {
      const outP = resRt ? [`out: *mut ${resRt}`] : [];
      o.push('#[no_mangle]', `pub unsafe extern "C" fn fz_ad_call(${[...ps, ...outP].join(', ')}) {`,
        resRt ? `    unsafe { *out = ${fn}(${call.join(', ')}); }` : `    unsafe { ${fn}(${call.join(', ')}); }`, '}');
    }
  }
  return o;
}

/** glue.c: fz_primalL, fz_ad_run and fz_fwd_run of checker.ts, calling f and the calls in prog.rs. */
export function renderGlue(p: Program, shared: string[], argList: (buf: 'p') => string, seedSum: string[], fwd: boolean): string {
  const o: string[] = [`/* enzyme-ts fuzz-grad program ${p.id}: the C side of prog.rs */`, '#include <string.h>', ...shared];
  o.push(`${p.rust!.proto}`, 'static void fz_reset(void) {}');
  const fields = resultFields(p);
  if (p.resultForm === 'struct') o.push(`typedef struct { ${fields.map((f) => `${CT(f.kind)} ${f.name};`).join(' ')} } fz_res;`);
  const resT = p.resultForm === 'void' ? '' : p.resultForm === 'scalar' ? CT(fields[0]!.kind) : 'fz_res';
  const ad = adArgs(p, false);
  o.push(`void fz_ad_call(${[...ad.map((a, i) => `${a.ct} a${i}`), ...(resT ? [`${resT} *out`] : [])].join(', ')});`);
  const fa = adArgs(p, true);
  if (fwd) o.push(`${p.ret ? CT(p.ret) : 'void'} fz_fwd_call(${fa.map((a, i) => `${a.ct} a${i}`).join(', ')});`);
  o.push('long double fz_primalL(void) {', '  fz_reset();');
  for (const q of p.params) if (q.p === 'arr' || q.p === 'struct') o.push(`  memcpy(p_${q.name}, b_${q.name}, sizeof p_${q.name});`);
  o.push(p.ret ? `  fz_pret = f(${argList('p')});\n  long double L = fz_pret;` : `  f(${argList('p')});\n  long double L = 0;`);
  o.push(...seedSum, '  return L;', '}');
  o.push('void fz_ad_run(void) {', '  fz_reset();');
  for (const q of p.params) {
    if (q.p === 'arr') {
      o.push(`  memcpy(a_${q.name}, b_${q.name}, sizeof a_${q.name});`);
      if (q.act === 'dup') o.push(`  for (int k = 0; k < ${q.len}; k++) d_${q.name}[k] = (${CT(q.kind)})${q.name}_seed[k];`);
    } else if (q.p === 'struct') {
      o.push(`  memcpy(a_${q.name}, b_${q.name}, sizeof a_${q.name});`, `  memset(d_${q.name}, 0, sizeof d_${q.name});`);
      structLeaves(q.type, q.count).forEach((l, i) => o.push(`  d_${q.name}${l.path} = (${CT(l.kind)})${q.name}_seed[${i}];`));
    }
  }
  o.push('#ifndef FZ_NO_AD');
  const cargs = ad.map((a) => a.c);
  if (p.resultForm === 'void') o.push(`  fz_ad_call(${cargs.join(', ')});`);
  else {
    o.push(`  ${resT} res;`, `  fz_ad_call(${[...cargs, '&res'].join(', ')});`);
    const dest = (f: { name: string }): string => (f.name === 'r' ? 'fz_ares' : f.name);
    if (p.resultForm === 'scalar') o.push(`  ${dest(fields[0]!)} = res;`);
    else for (const f of fields) o.push(`  ${dest(f)} = res.${f.name};`);
  }
  o.push('#endif', '}');
  if (fwd) {
    for (const q of p.params) {
      if (q.p === 'arr') o.push(`static ${CT(q.kind)} f_${q.name}[${q.len}]${q.act === 'dup' ? `, df_${q.name}[${q.len}]` : ''};`);
      if (q.p === 'struct') o.push(`static ${q.type.name} f_${q.name}[${q.count}], df_${q.name}[${q.count}];`);
    }
    o.push('long double fz_fwd_run(void) {', '  fz_reset();', '  int c = 0;', '  (void)c;');
    for (const q of p.params) {
      if (q.p === 'arr') {
        o.push(`  memcpy(f_${q.name}, b_${q.name}, sizeof f_${q.name});`);
        if (q.act === 'dup') o.push(`  for (int k = 0; k < ${q.len}; k++) df_${q.name}[k] = (${CT(q.kind)})fz_dirv[c++];`);
      } else if (q.p === 'struct') {
        o.push(`  memcpy(f_${q.name}, b_${q.name}, sizeof f_${q.name});`, `  memset(df_${q.name}, 0, sizeof df_${q.name});`);
        for (const l of structLeaves(q.type, q.count)) o.push(`  df_${q.name}${l.path} = (${CT(l.kind)})fz_dirv[c++];`);
      } else if (q.p === 'scalar' && q.act === 'out') o.push(`  ${CT(q.kind)} dv_${q.name} = (${CT(q.kind)})fz_dirv[c++];`);
    }
    o.push('  long double L = 0;', '#ifndef FZ_NO_AD');
    const call = `fz_fwd_call(${fa.map((a) => a.c).join(', ')})`;
    o.push(p.ret ? `  L = (long double)${call};` : `  ${call};`, '#endif');
    for (const q of p.params) {
      if (q.p === 'arr' && q.act === 'dup') o.push(`  for (int k = 0; k < ${q.len}; k++) L += (long double)${q.name}_seed[k] * df_${q.name}[k];`);
      if (q.p === 'struct') structLeaves(q.type, q.count).forEach((l, i) => o.push(`  L += (long double)${q.name}_seed[${i}] * df_${q.name}${l.path};`));
    }
    o.push('  return L;', '}');
  }
  return o.join('\n') + '\n';
}

/** The mutant of a Rust program (the checker's own test): f plus 0.25 x0^2, or f then x0 += 0.25 x0^2. */
export function mutantItems(p: Program): string[] {
  const ps = p.rust!.proto.replace(/^.*? f\(/, '').replace(/\);$/, '');
  void ps;
  const x = p.params.find((q): q is ArrParam => q.p === 'arr' && q.act === 'dup' && !q.constQual);
  const sig = /pub extern "C" fn f\(([^)]*)\)( -> \w+)?/.exec(p.rust!.source)!;
  const names = p.params.map((q) => (q.p === 'n' ? 'n' : q.name)).join(', ');
  if (p.ret) {
    const w = x ? `unsafe { *${x.name} } as f64` : '1.0';
    return ['#[no_mangle]', `pub extern "C" fn fz_mutant(${sig[1]})${sig[2]} {`, `    let fz_w: f64 = ${w};`,
      `    (f(${names}) as f64 ${x ? '+ 0.25 * fz_w * fz_w' : '* 1.25'}) as ${RT(p.ret)}`, '}'];
  }
  if (!x) return [];
  return ['#[no_mangle]', `pub extern "C" fn fz_mutant(${sig[1]}) {`, `    let fz_w = unsafe { *${x.name} };`, `    f(${names});`,
    `    unsafe { *${x.name} += 0.25 * fz_w * fz_w; }`, '}'];
}

export { realLiteral, rlit };

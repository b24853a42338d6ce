// `enzyme-ts check --forward`: differentiates a function in forward mode, runs
// it and its forward derivative under `lli`, and compares every output's
// tangent with central finite differences of that output along the tangent's
// direction:
//
//   tangent of out_i  vs  (out_i(x + h v) - out_i(x - h v)) / 2h,  h = 1/16, 1/32, ...
//
// extrapolated to h = 0 by Ridders' method (check-fd.ts), as reverse mode's
// check does. A float computation is evaluated through its double twin
// (check-widen.ts), so the differences are taken in double. The directions are
// scaled to each entry's magnitude and drawn on a grid, and the steps are
// powers of two, so that every point x + h v is exact in the float or double
// memory that holds it.
//
// Outputs: a floating return value, every element of every `dup` floating
// array after the call. Directions: a random tangent for every `dup` floating
// scalar and every element of every `dup` floating array, one per lane with
// `--width N`. The driver program is built in IR inside the user's module (as
// for reverse mode's check) and prints tagged numbers, one per line:
//   O <out>   the outputs at each evaluation point, lane-major (+h, -h for each step per lane)
//   P <ret>   the primal return of the derivative, and R <ret> the function's own
//   T <tan>   the tangents of the outputs, lane by lane
//   W <tan>   (tests) the tangents of width-1 calls, one per lane, to compare bit for bit
//   F <d>     (tests) the forward Jacobian, column by column (unit directions)
//   B <d>     (tests) reverse mode's Jacobian, row by row (unit seeds)
//   END
import { writeFileSync } from 'node:fs';
import type { ArgActivity, FwdActivity, FwdRetActivity, GradResult } from '../ad/api.js';
import { fwdModule } from '../ad/fwd.js';
import { gradModule } from '../ad/grad.js';
import type { Code } from '../diag/codes.js';
import { fail } from '../diag/diagnostic.js';
import { IRBuilder, addFunction, constFP, constInt, declareFunction } from '../ir/builder.js';
import { ConstantAggregate, ConstantString, ConstantZero } from '../ir/constants.js';
import { GlobalVariable, type Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { printModule } from '../print/printer.js';
import { findLli, producerVersion, runLli } from './check-lli.js';
import { Rng, atText, inferElemType, numText, type AtItem, type CheckFloat, type ElemType, type ParamValue, argLabel, floatKindOf } from './check-points.js';
import { parseFwdArgList, parseFwdRet } from './fwd.js';
import { checkSetup, freshNamer } from './check.js';
import { ridders, steps as fdSteps, verdict, type Difference, type Estimate } from './check-fd.js';
import { widenFloat } from './check-widen.js';
import { mutableGlobals, reachable } from './check-prune.js';
import { DataLayout } from '../ir/layout.js';
import { parseFwdCustomSpec } from '../ad/custom.js';

const RUN_FAILED: Code = 'E0407';
const USAGE: Code = 'E0903';
/** Relative tolerances, as reverse mode's check: a double tangent, a float one against its double twin's differences. */
const DOUBLE_TOL = 1e-5;
const FLOAT_TOL = 1e-3;

export interface FwdCheckOptions {
  input: string;
  fn: string;
  /** `--args`: forward activities (dup, dupnoneed, const). */
  args?: string | undefined;
  ret?: string | undefined;
  at?: string | undefined;
  seed?: string | number | undefined;
  tol?: string | number | undefined;
  len?: string | number | undefined;
  width?: string | number | undefined;
  custom?: string[] | undefined;
  inactive?: string[] | undefined;
  /** Tests: also call the width-1 derivative once per lane and require the lanes to equal it bit for bit. */
  lanesVsWidth1?: boolean;
  /** Tests: compare the forward Jacobian (unit directions) with reverse mode's (unit seeds), entry by entry. */
  againstReverse?: boolean;
  out?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}




/** The value parameter `k` receives: from `--at`, or drawn at random. */
function paramValue(fn: Function, k: number, act: FwdActivity, item: AtItem | null, rng: Rng, len: number): ParamValue {
  const t = fn.fnType.params[k]!;
  const lbl = argLabel(fn, k);
  if (t.kind === 'pointer') {
    if (t.addrspace !== 0) fail(USAGE, `parameter ${lbl} points to address space ${t.addrspace}: check passes arrays in address space 0 only`, null);
    if (item && item.kind !== 'array') fail(USAGE, `--at: parameter ${lbl} is a pointer: give an array such as [1 2 3], not '${item.text}'`, null);
    const elem: ElemType = item?.kind === 'array' && item.elem ? item.elem : inferElemType(fn, k);
    if (act !== 'const' && elem.kind !== 'float') fail(USAGE, `parameter ${lbl} points to i${elem.bits}: check can only differentiate arrays of double or float (mark it const)`, null);
    if (item?.kind === 'array') return { kind: 'array', elem, values: elem.kind === 'float' && elem.fk === 'float' ? item.values.map(Math.fround) : item.values };
    return { kind: 'array', elem, values: Array.from({ length: len }, (_, i) => (elem.kind === 'float' ? rng.value(elem.fk) : i)) };
  }
  if (item && item.kind !== 'scalar') fail(USAGE, `--at: parameter ${lbl} is not a pointer: give one number, not '${item.text}'`, null);
  const fk = floatKindOf(t);
  if (fk) {
    const v = item ? item.value : rng.value(fk);
    return { kind: 'float', fk, value: fk === 'float' ? Math.fround(v) : v };
  }
  if (t.kind === 'int') {
    if (act !== 'const') fail(USAGE, `parameter ${lbl} is i${t.bits}: it can only be const`, null);
    if (item && !Number.isSafeInteger(item.value)) fail(USAGE, `--at: parameter ${lbl} is i${t.bits}: give an integer, not '${item.text}'`, null);
    return { kind: 'int', bits: t.bits, value: item ? item.value : len };
  }
  return fail(USAGE, `parameter ${lbl}: check supports double, float, integer and pointer parameters`, null);
}

/** A direction entry per tangent input (dup scalars, elements of dup floating arrays), per lane. */
interface Directions { scalar: (number | null)[]; array: (number[] | null)[] }

interface Spec {
  fn: Function;
  fwd: Function;
  acts: FwdActivity[];
  values: ParamValue[];
  /** The function's return is observed (a double or float). */
  retFk: CheckFloat | null;
  /** The derivative returns the primal (first) and/or the tangent. */
  retPrimal: boolean;
  retTangent: boolean;
  width: number;
  /** Per lane. */
  dirs: Directions[];
  /** The steps of the differences (largest first): the points are x +- h v for each. */
  steps: number[];
  /** Per lane and step: every perturbed entry is exact in the type that holds it (float memory rounds). */
  exact: boolean[][];
  /** What the evaluations call: the function, or its double twin (check-widen.ts) when it computes in float. */
  evalFn: Function;
  /** Width-1 derivative (lanesVsWidth1), reverse derivative (againstReverse). */
  fwd1: Function | null;
  /** Writable globals any of the called functions may touch: restored before every call. */
  state: GlobalVariable[];
  rev: GradResult | null;
}

/** Runs `check --forward`; resolves to the exit code (0: every tangent agrees, 1: a mismatch). */
export async function runFwdCheck(opts: FwdCheckOptions): Promise<number> {
  const { out, seed, len, tolGiven, atItems, width, m, fn, file } = checkSetup(opts);
  const argActs = opts.args === undefined ? undefined : parseFwdArgList(opts.args);
  const retAct: FwdRetActivity | undefined = opts.ret === undefined ? undefined : parseFwdRet(opts.ret);
  const rt = fn.fnType.ret;
  const retFk = floatKindOf(rt);
  const defaultRet: FwdRetActivity = retFk ? 'dup' : rt.kind === 'void' ? 'none' : 'const';
  const custom = opts.custom?.length ? opts.custom.map(parseFwdCustomSpec) : undefined;
  const inactive = opts.inactive?.length ? opts.inactive.map((s) => s.trim().replace(/^@/, '')) : undefined;
  const hints = { ...(custom ? { custom } : {}), ...(inactive ? { inactive } : {}) };
  const r = fwdModule(m, { fn: opts.fn, ...(argActs ? { args: argActs } : {}), ret: retAct ?? defaultRet, width, ...hints }, file);
  const acts = r.args;
  const retPrimal = r.ret === 'dup' || r.ret === 'const';
  const retTangent = (r.ret === 'dup' || r.ret === 'dupnoneed') && retFk !== null;
  if ((r.ret === 'dup' || r.ret === 'dupnoneed') && !retFk) fail(USAGE, `@${opts.fn} does not return double or float: check can observe its tangent only for those (use --ret const or none)`, null);

  const rng = new Rng(seed);
  const values = acts.map((a, k) => paramValue(fn, k, a, atItems ? atItems[k]! : null, rng, len));
  const dirRng = new Rng(seed ^ 0x9e3779b9);
  // Directions scaled to each entry's magnitude (a power of two) and drawn on a grid of 1/256, so
  // that with power-of-two steps every point x + h v is exact in float and double (the differences
  // are then along v itself, not along a direction bent by rounding).
  const dirOf = (x: number): number => {
    const q = Math.round(dirRng.value('double') * 256) / 256;
    return q * 2 ** Math.ceil(Math.log2(Math.max(1 / 16, Number.isFinite(x) ? Math.abs(x) : 1)));
  };
  const dirs: Directions[] = Array.from({ length: width }, () => ({
    scalar: values.map((v, k) => (acts[k] !== 'const' && v.kind === 'float' ? dirOf(v.value) : null)),
    array: values.map((v, k) => (acts[k] !== 'const' && v.kind === 'array' && v.elem.kind === 'float' ? v.values.map(dirOf) : null)),
  }));
  const usesFloat = retFk === 'float' || values.some((v, k) => acts[k] !== 'const' && (v.kind === 'float' ? v.fk === 'float' : v.kind === 'array' && v.elem.kind === 'float' && v.elem.fk === 'float'));
  const tol = tolGiven ?? (usesFloat ? FLOAT_TOL : DOUBLE_TOL);
  // Differences of a float computation are taken on its double twin (as reverse mode's check does):
  // scalars move in double, arrays keep their float layout (their points are exact, above).
  const twin = widenFloat(m, fn, freshNamer(m));
  const evalFn = twin?.fn ?? fn;
  const steps = fdSteps(1);
  const holds = (k: number): CheckFloat | null => {
    const v = values[k]!;
    if (v.kind === 'array') return v.elem.kind === 'float' ? v.elem.fk : null;
    return floatKindOf(evalFn.fnType.params[k]!);
  };
  const exact = dirs.map((d) => steps.map((h) => values.every((v, k) => {
    const fk = holds(k);
    const fits = (x: number): boolean => fk !== 'float' || Math.fround(x) === x;
    if (v.kind === 'float' && d.scalar[k] !== null) return [1, -1].every((sg) => fits(v.value + sg * h * d.scalar[k]!));
    const dir = d.array[k];
    if (v.kind === 'array' && dir) return v.values.every((x, i) => [1, -1].every((sg) => fits(x + sg * h * dir[i]!)));
    return true;
  })));
  const roundsInside = twin !== null && (twin.floatStores > 0 || twin.roundings.length > 0);

  let fwd1: Function | null = null;
  if (opts.lanesVsWidth1 && width > 1) {
    fwd1 = fwdModule(m, { fn: opts.fn, args: acts, ret: r.ret, ...hints }, file).fn;
  }
  let rev: GradResult | null = null;
  if (opts.againstReverse) {
    const ra: ArgActivity[] = acts.map((a, k) => (a === 'const' ? 'const' : fn.args[k]!.type.kind === 'pointer' ? a : 'active'));
    rev = gradModule(m, { fn: opts.fn, args: ra, ret: retFk && retTangent ? 'activeonly' : 'none' }, file);
  }
  // Every writable global the function or its derivatives may touch (the derivatives' shadow
  // globals too) is restored before each call, as reverse mode's check does.
  const roots = [fn, r.fn, ...(twin ? [twin.fn] : []), ...(fwd1 ? [fwd1] : []), ...(rev ? [rev.fn] : [])];
  const reach = reachable(m, roots);
  const state = mutableGlobals(m).filter((g) => reach.has(g));
  const spec: Spec = { fn, fwd: r.fn, acts, values, retFk, retPrimal, retTangent, width, dirs, steps, exact, evalFn, fwd1, rev, state };
  const entry = new FwdDriver(m, spec).build();
  const text = printModule(m);
  const env = opts.env ?? process.env;
  if (env.ENZYME_TS_CHECK_KEEP) writeFileSync(env.ENZYME_TS_CHECK_KEEP, text);
  const lli = findLli(m.dialect, env, producerVersion(m));
  if (typeof lli === 'string') fail(RUN_FAILED, `cannot run the check: ${lli}`, null);
  const run = await runLli(lli, text, entry, 300_000);
  const lliName = [lli.cmd, ...lli.flags].join(' ');
  const keepNote = 'set ENZYME_TS_CHECK_KEEP=FILE.ll to keep the module that was run';
  if (run.error) fail(RUN_FAILED, `cannot run the check with ${lliName}: ${run.error}`, null, -1, -1, [keepNote]);
  if (run.status !== 0) {
    const why = run.signal ? `was killed by ${run.signal}` : `exited with status ${run.status}`;
    const tail = run.stderr.trim().split('\n').slice(0, 12).map((l) => `  ${l}`);
    fail(RUN_FAILED, `${lliName} ${why} while running @${opts.fn} and its forward derivative`, null, -1, -1,
      [...(tail.length && tail[0]!.trim() ? ['lli said:', ...tail] : []), keepNote,
        'arrays passed to pointer parameters have --len elements; a function that reads further crashes or reads garbage']);
  }

  // Outputs: the return (when floating), then every element of every dup floating array.
  const outLabels: string[] = [];
  if (retFk && retTangent) outLabels.push('return');
  values.forEach((v, k) => { if (acts[k] !== 'const' && v.kind === 'array') v.values.forEach((_, i) => outLabels.push(`${argLabel(fn, k)}[${i}]`)); });
  const nOut = outLabels.length;
  const inLabels: string[] = [];
  values.forEach((v, k) => {
    if (acts[k] === 'const') return;
    if (v.kind === 'float') inLabels.push(argLabel(fn, k));
    if (v.kind === 'array') v.values.forEach((_, i) => inLabels.push(`${argLabel(fn, k)}[${i}]`));
  });
  const got = parseOutput(run.stdout);
  const want: Record<string, number> = {
    O: 2 * steps.length * width * nOut, R: retFk ? 1 : 0, P: retFk && retPrimal ? 1 : 0, T: width * nOut,
    W: fwd1 ? width * nOut : 0, F: rev ? inLabels.length * nOut : 0, B: rev ? inLabels.length * nOut : 0,
  };
  if (!got.end || Object.keys(want).some((k) => (got.tags.get(k) ?? []).length !== want[k])) {
    fail(RUN_FAILED, `${lliName} printed output the check cannot read`, null, -1, -1, [`first lines: ${run.stdout.split('\n').slice(0, 4).join(' | ')}`, keepNote]);
  }
  const tag = (t: string): number[] => got.tags.get(t) ?? [];

  /** `estimate`: the extrapolated differences the tangent is compared with (verdict of check-fd.ts). */
  interface Row { label: string; analytic: number; numeric: number; atol: number; exact?: boolean; estimate?: Estimate; rtol?: number }
  const rows: Row[] = [];
  const O = tag('O');
  const S = steps.length;
  const baseScale = Math.max(1, ...O.slice(0, nOut).map((x) => (Number.isFinite(x) ? Math.abs(x) : 0)));
  const atol = tol * 1e-2 * baseScale;
  // Which outputs the twin still holds in float: the elements of float arrays, and the return when not widened.
  const outFloat: boolean[] = [];
  if (retFk && retTangent) outFloat.push(floatKindOf(evalFn.fnType.ret) === 'float');
  values.forEach((v, k) => { if (acts[k] !== 'const' && v.kind === 'array') v.values.forEach(() => outFloat.push(v.elem.kind === 'float' && v.elem.fk === 'float')); });
  for (let j = 0; j < width; j++) {
    // O is lane-major, then step by step, x + h v before x - h v.
    const at = (k: number, sg: number, i: number): number => O[((j * S + k) * 2 + sg) * nOut + i]!;
    const suffix = width === 1 ? '' : ` lane ${j}`;
    for (let i = 0; i < nOut; i++) {
      const diffs: Difference[] = steps.map((h, k) => exact[j]![k]
        ? { plus: at(k, 0, i), minus: at(k, 1, i), width: 2 * h }
        : { plus: NaN, minus: NaN, width: 2 * h });
      // The rounding of an output held in float (half an ulp of its value).
      const noise = outFloat[i] ? Math.abs(at(S - 1, 0, i)) * 2 ** -24 : 0;
      const estimate = ridders(diffs, noise, roundsInside);
      rows.push({ label: outLabels[i]! + suffix, analytic: tag('T')[j * nOut + i]!, numeric: estimate.value, estimate, atol });
    }
  }
  if (retFk && retPrimal) rows.push({ label: 'return (primal)', analytic: tag('P')[0]!, numeric: tag('R')[0]!, atol });
  if (fwd1) {
    for (let j = 0; j < width; j++) for (let i = 0; i < nOut; i++) {
      rows.push({ label: `${outLabels[i]!} lane ${j} = width-1 call`, analytic: tag('T')[j * nOut + i]!, numeric: tag('W')[j * nOut + i]!, atol: 0, exact: true });
    }
  }
  if (rev) {
    // F is column-major (one forward call per input), B row-major (one reverse call per output).
    const nIn = inLabels.length;
    for (let c = 0; c < nIn; c++) for (let i = 0; i < nOut; i++) {
      // Both analytic: they differ only by the order of floating-point operations.
      rows.push({ label: `d ${outLabels[i]!} / d ${inLabels[c]!}: forward = reverse`, analytic: tag('F')[c * nOut + i]!, numeric: tag('B')[i * nIn + c]!, atol: (usesFloat ? 1e-6 : 1e-12) * baseScale, rtol: usesFloat ? 1e-5 : 1e-9 });
    }
  }

  const lines: string[] = [];
  lines.push(`check --forward @${opts.fn} (${acts.map((a, k) => `${argLabel(fn, k)}: ${a}`).join(', ') || 'no parameters'}; return ${r.ret}) with ${lliName}`);
  lines.push(`point: --at '${atText(values)}'${opts.at === undefined ? ` (random, --seed ${seed})` : ''}`);
  dirs.forEach((d, j) => {
    const parts = values.map((_, k) => d.scalar[k] !== null ? `${argLabel(fn, k)} ${numText(d.scalar[k]!)}` : d.array[k] ? `${argLabel(fn, k)} [${d.array[k]!.map(numText).join(' ')}]` : null).filter((x) => x !== null);
    if (parts.length) lines.push(`${width === 1 ? 'direction' : `direction of lane ${j}`}: ${parts.join(', ')}`);
  });
  if (twin) lines.push(`finite differences: on a double twin of the float computation${twin.roundings.length ? ` (still rounded to float where ${twin.roundings.join('; ')})` : ''}`);
  lines.push('');
  const table: string[][] = [['output', 'tangent', 'numeric', 'rel. error', '']];
  let mismatches = 0;
  let noisy = 0;
  for (const row of rows) {
    const diff = Math.abs(row.analytic - row.numeric);
    const sc = Math.max(Math.abs(row.analytic), Math.abs(row.numeric));
    const close = (est: number): boolean => Number.isFinite(row.analytic) && Number.isFinite(est)
      && Math.abs(row.analytic - est) <= (row.rtol ?? tol) * Math.max(Math.abs(row.analytic), Math.abs(est)) + row.atol;
    const v = row.estimate ? verdict(row.analytic, row.estimate, { rel: row.rtol ?? tol, abs: row.atol })
      : (row.exact ? Object.is(row.analytic, row.numeric) || row.analytic === row.numeric : close(row.numeric)) ? 'ok' : 'MISMATCH';
    if (v === 'MISMATCH') mismatches++;
    if (v === 'NOISY') noisy++;
    const rel = sc === 0 ? 0 : diff / sc;
    table.push([row.label, fmt(row.analytic), fmt(row.numeric), Number.isFinite(rel) ? rel.toExponential(1) : 'nan', v]);
  }
  if (rows.length === 0) lines.push('nothing to check: no floating return and no dup array');
  else {
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    for (const row of table) lines.push(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : c === row.length - 1 ? cell : cell.padStart(widths[c]!))).join('  ').trimEnd());
  }
  lines.push('');
  const finite = O.every((x) => Number.isFinite(x));
  if (!finite) lines.push('an output is not finite at this point: the function does not compute a finite value there');
  const tolText = `relative tolerance ${tol}, absolute floor ${atol.toExponential(1)}`;
  lines.push(mismatches || !finite
    ? `FAILED: ${mismatches} of ${rows.length} value${rows.length === 1 ? '' : 's'} differ (${tolText})`
    : noisy
      ? `INCONCLUSIVE: the finite differences of ${noisy} of ${rows.length} value${rows.length === 1 ? '' : 's'} are too noisy to tell (${tolText}); the function is not smooth at this point, or rounds heavily: try another --seed or --at`
      : `ok: ${rows.length} value${rows.length === 1 ? '' : 's'} agree (${tolText})`);
  out(lines.join('\n') + '\n');
  return mismatches || noisy || !finite ? 1 : 0;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(12))) : numText(x);
}

function parseOutput(stdout: string): { tags: Map<string, number[]>; end: boolean } {
  const tags = new Map<string, number[]>();
  let end = false;
  for (const line of stdout.split('\n')) {
    if (line === 'END') { end = true; continue; }
    const m = /^([OPRTWFB]) (\S+)$/.exec(line);
    if (!m) continue;
    const t = m[2]!.toLowerCase();
    const v = t === 'nan' || t === '-nan' ? NaN : t === 'inf' ? Infinity : t === '-inf' ? -Infinity : Number(m[2]);
    if (Number.isNaN(v) && !t.includes('nan')) return { tags, end: false };
    const list = tags.get(m[1]!) ?? [];
    list.push(v);
    tags.set(m[1]!, list);
  }
  return { tags, end };
}

/** The driver program: evaluations of the function, the derivative's calls, the printing. */
class FwdDriver {
  private readonly b: IRBuilder;
  private readonly taken = new Set<string>();
  private printf!: Function;
  private readonly fmts = new Map<string, GlobalVariable>();
  private readonly copyFns = new Map<string, Function>();

  constructor(private readonly m: Module, private readonly s: Spec) { this.b = new IRBuilder(m); }

  private fresh(base: string): string {
    let name = `__enzyme_ts_check.${base}`;
    for (let k = 1; this.m.getGlobal(name) !== undefined || this.taken.has(name); k++) name = `__enzyme_ts_check.${base}.${k}`;
    this.taken.add(name);
    return name;
  }

  private elemType(e: ElemType): Type { return e.kind === 'float' ? this.m.types.float(e.fk) : this.m.types.int(e.bits); }

  private global(base: string, t: Type, init: Value, isConstant: boolean): GlobalVariable {
    const g = new GlobalVariable(this.m.ptrTo(t), t);
    g.name = this.fresh(base);
    g.linkage = 'private';
    g.init = init;
    g.isConstant = isConstant;
    this.m.globals.push(g);
    this.m.invalidateSymbols();
    return g;
  }

  /** A constant array global holding `values` (element type `e`), or a zeroed writable one. */
  private array(base: string, e: ElemType, values: readonly number[], writable: boolean): Value {
    const et = this.elemType(e);
    const at = this.m.types.array(values.length, et);
    const init = writable ? new ConstantZero(at) : new ConstantAggregate(at, values.map((v) => (e.kind === 'float' ? constFP(et, v) : constInt(et, v))));
    const g = this.global(base, at, init, !writable);
    return this.b.gep(at, g, [this.b.i64(0), this.b.i64(0)], null, true);
  }

  private print(tag: string, v: Value): void {
    const t = this.m.types;
    let g = this.fmts.get(tag);
    if (!g) {
      const at = t.array(tag.length + 8, t.i8);
      g = this.global(`fmt.${tag}`, at, new ConstantString(at, `${tag} %.17g\\0A\\00`), true);
      this.fmts.set(tag, g);
    }
    const fmt = this.b.bitcastIfNeeded(this.b.gep(g.valueType, g, [this.b.i64(0), this.b.i64(0)], null, true), this.printf.fnType.params[0]!);
    this.b.call(this.printf, [fmt, v.type === t.double ? v : this.b.cast('fpext', v, t.double)]);
  }

  /** `copy(dst, src, n)` for element type `e` (a private helper, built once). */
  private copyFn(e: ElemType): Function {
    const key = JSON.stringify(e);
    const have = this.copyFns.get(key);
    if (have) return have;
    const t = this.m.types;
    const et = this.elemType(e);
    const p = this.m.ptrTo(et);
    const f = addFunction(this.m, this.fresh(`copy.${e.kind === 'float' ? e.fk : `i${e.bits}`}`), t.fn(t.void, [p, p, t.i64]), ['dst', 'src', 'n']);
    f.linkage = 'private';
    const b = new IRBuilder(this.m);
    const entry = b.block(f, 'entry');
    const loop = b.block(f, 'loop');
    const exit = b.block(f, 'exit');
    b.atEnd(entry);
    b.condBr(b.icmp('eq', f.args[2]!, b.i64(0)), exit, loop);
    b.atEnd(loop);
    const i = b.phi(t.i64, [[b.i64(0), entry]], 'i');
    b.store(b.load(et, b.gep(et, f.args[1]!, [i])), b.gep(et, f.args[0]!, [i]));
    const i1 = b.add(i, b.i64(1));
    i.operands.push(i1); i.blocks.push(loop);
    b.condBr(b.icmp('ult', i1, f.args[2]!), loop, exit);
    b.atEnd(exit);
    b.ret();
    this.copyFns.set(key, f);
    return f;
  }

  build(): string {
    const { s, m } = this;
    const t = m.types;
    const existing = m.getFunction('printf');
    this.printf = existing ?? declareFunction(m, 'printf', t.fn(t.i32, [m.ptrTo(t.i8)], true));
    const main = addFunction(m, this.fresh('main'), t.fn(t.i32, []));
    const b = this.b;
    b.atEnd(b.block(main, 'entry'));
    const fnType = s.fn.fnType;
    const W = s.width;
    // Working buffers (one per array parameter, reset before every call) and shadow buffers (per lane).
    const arrays = s.values.map((v, k) => v.kind !== 'array' ? null : {
      e: v.elem, len: v.values.length,
      base: this.array(`base.${k}`, v.elem, v.values, false),
      buf: this.array(`buf.${k}`, v.elem, v.values, true),
      shadow: s.acts[k] !== 'const' ? Array.from({ length: W }, (_, j) => this.array(`shadow.${k}.${j}`, v.elem, v.values, true)) : null,
    });
    const copy = (e: ElemType, dst: Value, src: Value, len: number): void => { b.call(this.copyFn(e), [dst, src, b.i64(len)]); };
    // The globals as the module starts (after its static constructors), saved once, put back before every call.
    const bytes: ElemType = { kind: 'int', bits: 8 };
    const i8p = m.ptrTo(t.i8);
    const dl = DataLayout.of(m);
    const saves = s.state.map((g) => {
      const n = Math.max(1, dl.allocSize(g.valueType));
      const save = this.global(`saved.${g.name ?? 'g'}`, t.array(n, t.i8), new ConstantZero(t.array(n, t.i8)), false);
      return { g: b.bitcastIfNeeded(g, i8p), save: b.bitcastIfNeeded(b.gep(t.array(n, t.i8), save, [b.i64(0), b.i64(0)]), i8p), n };
    });
    for (const x of saves) copy(bytes, x.save, x.g, x.n);
    const restore = (): void => { for (const x of saves) copy(bytes, x.g, x.save, x.n); };
    const scalar = (k: number, x: number): Value => {
      const pt = fnType.params[k]!;
      return pt.kind === 'float' ? constFP(pt, x) : constInt(pt, x);
    };
    const round = (fk: CheckFloat, x: number): number => (fk === 'float' ? Math.fround(x) : x);
    /** The outputs after a call of the function (or the derivative): its return, then every dup array. */
    const printOutputs = (tag: string, ret: Value | null, bufs: (Value | null)[]): void => {
      if (ret && s.retFk && s.retTangent) this.print(tag, ret);
      arrays.forEach((a, k) => {
        if (!a || !a.shadow) return;
        for (let i = 0; i < a.len; i++) this.print(tag, b.load(this.elemType(a.e), b.gep(this.elemType(a.e), bufs[k]!, [b.i64(i)])));
      });
    };

    // The function (or its twin) at x + h v and x - h v for every step, lane by lane.
    const evalTypes = s.evalFn.fnType.params;
    s.dirs.forEach((d, j) => {
      for (const [n, h] of s.steps.flatMap((hk, n) => [[n, hk], [n, -hk]] as const)) {
        const sign = `${n}${h < 0 ? 'm' : 'p'}`;
        const args = evalTypes.map((pt, k) => {
          const v = s.values[k]!;
          const a = arrays[k];
          if (a && v.kind === 'array') {
            const dir = d.array[k];
            if (dir && v.elem.kind === 'float') {
              const fk = v.elem.fk;
              copy(a.e, a.buf, this.array(`pt.${k}.${j}.${sign}`, a.e, v.values.map((x, i) => round(fk, x + h * dir[i]!)), false), a.len);
            } else copy(a.e, a.buf, a.base, a.len);
            return b.bitcastIfNeeded(a.buf, pt);
          }
          if (v.kind !== 'float' && v.kind !== 'int') throw new Error('array without buffers');
          const dv = d.scalar[k];
          const x = dv !== null && v.kind === 'float' ? v.value + h * dv : v.value;
          return pt.kind === 'float' ? constFP(pt, pt.fk === 'float' ? Math.fround(x) : x) : constInt(pt, x);
        });
        restore();
        const r = b.call(s.evalFn, args);
        printOutputs('O', r, arrays.map((a) => a?.buf ?? null));
      }
    });

    // The function at x, for its primal return.
    const baseArgs = (): Value[] => fnType.params.map((pt, k) => {
      const a = arrays[k];
      const v = s.values[k]!;
      if (a) { copy(a.e, a.buf, a.base, a.len); return b.bitcastIfNeeded(a.buf, pt); }
      return scalar(k, v.kind === 'float' || v.kind === 'int' ? v.value : 0);
    });
    if (s.retFk) { const args = baseArgs(); restore(); this.print('R', b.call(s.fn, args)); }

    /** A call of a forward derivative of width `w` with the lanes' directions `lanes`; prints its outputs under `tag`. */
    const callFwd = (fwd: Function, lanes: Directions[], tag: string, primalTag: string | null): void => {
      const w = lanes.length;
      const ps = fwd.fnType.params;
      const args: Value[] = [];
      s.values.forEach((v, k) => {
        const pt = fnType.params[k]!;
        const a = arrays[k];
        if (a) { copy(a.e, a.buf, a.base, a.len); args.push(b.bitcastIfNeeded(a.buf, ps[args.length]!)); } else args.push(scalar(k, v.kind === 'float' || v.kind === 'int' ? v.value : 0));
        if (s.acts[k] === 'const') return;
        if (a && v.kind === 'array') {
          lanes.forEach((d, j) => {
            copy(a.e, a.shadow![j]!, this.array(`dir.${k}`, a.e, d.array[k] ?? v.values.map(() => 0), false), a.len);
            args.push(b.bitcastIfNeeded(a.shadow![j]!, ps[args.length]!));
          });
        } else {
          const tv = lanes.map((d) => constFP(pt, d.scalar[k] ?? 0));
          args.push(w === 1 ? tv[0]! : new ConstantAggregate(t.array(w, pt), tv));
        }
      });
      restore();
      const r = b.call(fwd, args, null);
      let tan: Value | null = null;
      if (s.retFk) {
        if (s.retPrimal && s.retTangent) { if (primalTag) this.print(primalTag, b.extractValue(r, [0])); tan = b.extractValue(r, [1]); }
        else if (s.retTangent) tan = r;
        else if (s.retPrimal && primalTag) this.print(primalTag, r);
      }
      for (let j = 0; j < w; j++) {
        if (tan) this.print(tag, w === 1 ? tan : b.extractValue(tan, [j]));
        arrays.forEach((a, k) => {
          if (!a || !a.shadow) return;
          for (let i = 0; i < a.len; i++) this.print(tag, b.load(this.elemType(a.e), b.gep(this.elemType(a.e), a.shadow[j]!, [b.i64(i)])));
        });
      }
    };
    callFwd(s.fwd, s.dirs, 'T', 'P');
    if (s.fwd1) for (const d of s.dirs) callFwd(s.fwd1, [d], 'W', null);

    if (s.rev) {
      // Unit directions (forward: one call per input) and unit seeds (reverse: one call per output).
      const units: Directions[] = [];
      s.values.forEach((v, k) => {
        if (s.acts[k] === 'const') return;
        const none = (): Directions => ({ scalar: s.values.map(() => null), array: s.values.map((x) => (x.kind === 'array' ? x.values.map(() => 0) : null)) });
        if (v.kind === 'float') { const d = none(); d.scalar[k] = 1; units.push(d); }
        if (v.kind === 'array') v.values.forEach((_, i) => { const d = none(); d.array[k]![i] = 1; units.push(d); });
      });
      const fwdUnit = s.width === 1 ? s.fwd : s.fwd1 ?? null;
      if (!fwdUnit) throw new Error('againstReverse with a width needs lanesVsWidth1');
      for (const d of units) callFwd(fwdUnit, [d], 'F', null);
      const rev = s.rev.fn;
      const nOutArrays = arrays.reduce((n, a) => n + (a && a.shadow ? a.len : 0), 0);
      const retOut = s.retFk && s.retTangent;
      const nOut = (retOut ? 1 : 0) + nOutArrays;
      for (let o = 0; o < nOut; o++) {
        const ps = rev.fnType.params;
        const args: Value[] = [];
        let pos = retOut ? 1 : 0;
        s.values.forEach((v, k) => {
          const a = arrays[k];
          if (a) { copy(a.e, a.buf, a.base, a.len); args.push(b.bitcastIfNeeded(a.buf, ps[args.length]!)); } else args.push(scalar(k, v.kind === 'float' || v.kind === 'int' ? v.value : 0));
          if (a && a.shadow) {
            const seed = Array.from({ length: a.len }, (_, i) => (pos + i === o ? 1 : 0));
            pos += a.len;
            copy(a.e, a.shadow[0]!, this.array(`seed.${k}`, a.e, seed, false), a.len);
            args.push(b.bitcastIfNeeded(a.shadow[0]!, ps[args.length]!));
          }
        });
        if (retOut) args.push(constFP(fnType.ret, o === 0 ? 1 : 0));
        restore();
        const g = b.call(rev, args, null);
        let slot = 0;
        s.values.forEach((v, k) => {
          if (s.acts[k] === 'const') return;
          const a = arrays[k];
          if (v.kind === 'float') this.print('B', b.extractValue(g, [slot++]));
          else if (a && a.shadow) for (let i = 0; i < a.len; i++) this.print('B', b.load(this.elemType(a.e), b.gep(this.elemType(a.e), a.shadow[0]!, [b.i64(i)])));
        });
      }
    }
    const endT = t.array(5, t.i8);
    const end = this.global('fmt.END', endT, new ConstantString(endT, 'END\\0A\\00'), true);
    b.call(this.printf, [b.bitcastIfNeeded(b.gep(endT, end, [b.i64(0), b.i64(0)], null, true), this.printf.fnType.params[0]!)]);
    b.ret(b.i32(0));
    return main.name!;
  }
}

// `enzyme-ts check`: differentiates a function, runs it and its derivative
// under `lli`, and compares the derivative with central finite differences of
// the loss Enzyme's derivative computes the gradient of (contract section 6):
//
//   L(inputs) = seed_r * ret  +  sum over dup arrays a of  sum_i seed_a[i] * a_final[i]
//
// Analytic: active scalars from the returned struct, dup arrays from their
// shadows (seeded with seed_a before the call; afterwards they hold dL/da).
import { writeFileSync } from 'node:fs';
import type { ArgActivity, GradRequest, GradResult, RetActivity } from '../ad/api.js';
import { gradModule } from '../ad/grad.js';
import type { Code } from '../diag/codes.js';
import { DiagnosticError, fail } from '../diag/diagnostic.js';
import type { SourceFile } from '../diag/source.js';
import type { Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import { verifyModule } from '../ir/verify.js';
import { printModule } from '../print/printer.js';
import { parseModule } from '../syntax/parse.js';
import { buildDriver, signatureProblem, type DriverParam, type Evaluation } from './check-driver.js';
import { findLli, producerVersion, runLli } from './check-lli.js';
import {
  Rng, atText, inferElemType, numText, parseAt,
  type AtItem, type CheckFloat, type ElemType, type ParamValue,
} from './check-points.js';
import { readSource } from './io.js';
import { parseArgList, parseRet, parseWidth } from './grad.js';
import { findFunction } from '../ad/grad.js';
import { parseCustomSpec } from '../ad/custom.js';

/** The driver did not run or printed nonsense: the user's function crashing is bad input (exit 1), not a bug. */
const RUN_FAILED: Code = 'E0407';
const USAGE: Code = 'E0903';

/** Computes the derivative the check verifies: `gradModule` normally, a hand-written one in tests. */
export type DerivativeProvider = (m: Module, req: GradRequest, file: SourceFile | null) => GradResult;

export interface CheckOptions {
  input: string;
  fn: string;
  /** `--args`, comma-separated activities (contract section 5). */
  args?: string | undefined;
  ret?: string | undefined;
  at?: string | undefined;
  seed?: string | number | undefined;
  tol?: string | number | undefined;
  len?: string | number | undefined;
  /** `--width N`: check a batched derivative, each lane against its own loss (its own seeds). */
  width?: string | number | undefined;
  /** `--custom FN=AUG,REV` (repeatable): registered derivatives, docs/custom.md. */
  custom?: string[] | undefined;
  /** `--inactive FN` (repeatable). */
  inactive?: string[] | undefined;
  derivative?: DerivativeProvider;
  /** Where the report goes (standard output by default). */
  out?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}


function parseNum(v: string | number | undefined, what: string, dflt: number, check: (x: number) => boolean, want: string): number {
  if (v === undefined) return dflt;
  const x = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x) || !check(x)) fail(USAGE, `${what}: '${v}' is not ${want}`, null);
  return x;
}

function argLabel(fn: Function, k: number): string {
  const n = fn.args[k]!.name;
  return n !== null ? `%${n}` : `%${k}`;
}

function floatKindOf(t: Type): CheckFloat | null {
  return t.kind === 'float' && (t.fk === 'double' || t.fk === 'float') ? t.fk : null;
}

function typeWord(t: Type): string {
  switch (t.kind) {
    case 'float': return t.fk;
    case 'int': return `i${t.bits}`;
    case 'vector': return 'a vector';
    case 'struct': return 'a struct';
    case 'array': return 'an array';
    default: return t.kind;
  }
}

/** One row of the report. */
interface Row { label: string; analytic: number; numeric: number }

/** Runs `check`; resolves to the exit code (0: every derivative agrees, 1: a mismatch). Usage and run failures throw diagnostics. */
export async function runCheck(opts: CheckOptions): Promise<number> {
  const out = opts.out ?? ((s: string) => { process.stdout.write(s); });
  const seed = parseNum(opts.seed, '--seed', 1, (x) => Number.isInteger(x) && x >= 0, 'a non-negative integer');
  const len = parseNum(opts.len, '--len', 8, (x) => Number.isInteger(x) && x >= 1 && x <= 1_000_000, 'an integer from 1 to 1000000');
  const tolGiven = opts.tol === undefined ? null : parseNum(opts.tol, '--tol', 0, (x) => x > 0 && x < 1, 'a tolerance between 0 and 1');
  const argActs = opts.args === undefined ? undefined : parseArgList(opts.args);
  const retAct: RetActivity | undefined = opts.ret === undefined ? undefined : parseRet(opts.ret);
  const atItems = opts.at === undefined ? null : parseAt(opts.at);
  const width = opts.width === undefined ? 1 : parseWidth(String(opts.width));

  const file = readSource(opts.input);
  const m = parseModule(file);
  const problems = verifyModule(m, file);
  if (problems.length) throw new DiagnosticError(problems.slice(0, 20));
  const fn = findFunction(m, opts.fn);
  const nParams = fn.fnType.params.length;
  if (fn.fnType.vararg) fail(USAGE, `@${opts.fn} is variadic: check cannot call it`, null);
  if (atItems && atItems.length !== nParams) {
    fail(USAGE, `--at gives ${atItems.length} value${atItems.length === 1 ? '' : 's'}, @${opts.fn} has ${nParams} parameter${nParams === 1 ? '' : 's'}`, null);
  }

  const req: GradRequest = { fn: opts.fn, ...(argActs ? { args: argActs } : {}), ...(retAct ? { ret: retAct } : {}), ...(width !== 1 ? { width } : {}) };
  if (opts.custom?.length) req.custom = opts.custom.map(parseCustomSpec);
  if (opts.inactive?.length) req.inactive = opts.inactive.map((n) => n.trim().replace(/^@/, ''));
  const provider = opts.derivative ?? gradModule;
  const result = provider(m, req, file);
  if (result.args.length !== nParams) {
    fail('E0999', `internal error: the transform returned ${result.args.length} activities for ${nParams} parameters`, null);
  }

  // What each parameter receives, and what `check` can do with it.
  const values: ParamValue[] = [];
  const rng = new Rng(seed);
  fn.fnType.params.forEach((t, k) => {
    const act = result.args[k]!;
    const label = argLabel(fn, k);
    const item: AtItem | null = atItems ? atItems[k]! : null;
    values.push(paramValue(fn, k, t, act, label, item, rng, len));
  });

  const retType = fn.fnType.ret;
  const retSeeded = result.ret === 'active' || result.ret === 'activeonly';
  const retFk = floatKindOf(retType);
  if (retSeeded && !retFk) fail(USAGE, `@${opts.fn} returns ${typeWord(retType)}: check supports an active return of double or float only`, null);
  const gradReturnsPrimal = (result.ret === 'active' || result.ret === 'const') && retType.kind !== 'void';

  // Seeds come from their own stream, so that giving --at does not change them.
  // Lane 0 draws first, so a width-1 check sees the seeds it always saw; later lanes draw after.
  const seedRng = new Rng(seed ^ 0x9e3779b9);
  const laneRet: number[] = [];
  const laneArr: (number[] | null)[][] = [];
  for (let j = 0; j < width; j++) {
    if (retSeeded) laneRet.push(seedRng.value(retFk!));
    laneArr.push(values.map((v, k) => {
      const act = result.args[k]!;
      const dup = act === 'dup' || act === 'dupnoneed';
      const elem = v.kind === 'array' ? v.elem : null;
      return dup && v.kind === 'array' && elem?.kind === 'float' ? v.values.map(() => seedRng.value(elem.fk)) : null;
    }));
  }
  const retSeed = retSeeded ? laneRet : null;
  const params: DriverParam[] = values.map((v, k) => {
    const first = laneArr[0]![k]!;
    return { activity: result.args[k]!, value: v, seeds: first ? laneArr.map((l) => l[k]!) : null };
  });

  // Precision: one float anywhere in the loss makes the whole comparison a float one.
  const usesFloat = retSeeded && retFk === 'float'
    || params.some((p) => p.activity !== 'const' && (p.value.kind === 'float' ? p.value.fk === 'float' : p.value.kind === 'array' && p.value.elem.kind === 'float' && p.value.elem.fk === 'float'));
  const tol = tolGiven ?? (usesFloat ? 1e-2 : 1e-5);

  // Evaluation points: the base, then +h / -h for every active scalar and every dup element.
  const evals: Evaluation[] = [{ param: -1, elem: -1, value: 0 }];
  const entries: { label: string; plus: number; minus: number; step: number }[] = [];
  const perturb = (param: number, elem: number, x: number, fk: CheckFloat, label: string): void => {
    const h = (fk === 'float' ? 1e-2 : 1e-6) * Math.max(1, Math.abs(x));
    const round = fk === 'float' ? Math.fround : (y: number) => y;
    const xp = round(x + h);
    const xm = round(x - h);
    entries.push({ label, plus: evals.length, minus: evals.length + 1, step: xp - xm });
    evals.push({ param, elem, value: xp }, { param, elem, value: xm });
  };
  params.forEach((p, k) => {
    const v = p.value;
    if (p.activity === 'active' && v.kind === 'float') perturb(k, -1, v.value, v.fk, argLabel(fn, k));
    if (p.seeds && v.kind === 'array' && v.elem.kind === 'float') {
      const fk = v.elem.fk;
      v.values.forEach((x, i) => { perturb(k, i, x, fk, `${argLabel(fn, k)}[${i}]`); });
    }
  });

  const spec = { fn, params, retSeed, gradReturnsPrimal, width };
  const bad = signatureProblem(m, spec, result.fn);
  if (bad) fail('E0999', `internal error: the derivative @${result.fn.name ?? '?'} has ${bad}`, null);

  const entry = buildDriver(m, { ...spec, grad: result.fn, evals });
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
    fail(RUN_FAILED, `${lliName} ${why} while running @${opts.fn} and its derivative`, null, -1, -1,
      [...(tail.length && tail[0]!.trim() ? ['lli said:', ...tail] : []), keepNote,
        'arrays passed to pointer parameters have --len elements; a function that reads further crashes or reads garbage']);
  }

  const got = parseOutput(run.stdout);
  const nGrads = params.filter((p) => p.activity === 'active').length;
  const nShadow = params.reduce((s, p) => s + (p.seeds ? p.seeds[0]!.length : 0), 0);
  const want = { R: retFk ? 1 : 0, L: evals.length * width, P: gradReturnsPrimal && retFk ? 1 : 0, G: nGrads * width, S: nShadow * width };
  if (!got.end || (Object.keys(want) as (keyof typeof want)[]).some((k) => got[k].length !== want[k])) {
    fail(RUN_FAILED, `${lliName} printed output the check cannot read (expected ${want.L} loss values, ${want.G + want.S} gradient values and END)`,
      null, -1, -1, [`first lines: ${run.stdout.split('\n').slice(0, 4).join(' | ')}`, keepNote]);
  }

  // The table: lane by lane, each lane's derivative against the differences of its own loss.
  const rows: (Row & { atol: number })[] = [];
  let g = 0, s = 0;
  const bases: number[] = [];
  for (let j = 0; j < width; j++) {
    const L = (n: number): number => got.L[n * width + j]!;
    const base = L(0);
    bases.push(base);
    const atol = tol * 1e-2 * Math.max(1, Math.abs(base));
    const suffix = width === 1 ? '' : ` lane ${j}`;
    let e = 0;
    params.forEach((p) => {
      if (p.activity === 'active' && p.value.kind === 'float') {
        const en = entries[e++]!;
        rows.push({ label: en.label + suffix, analytic: got.G[g++]!, numeric: (L(en.plus) - L(en.minus)) / en.step, atol });
      }
      if (p.seeds) {
        for (let i = 0; i < p.seeds[0]!.length; i++) {
          const en = entries[e++]!;
          rows.push({ label: en.label + suffix, analytic: got.S[s++]!, numeric: (L(en.plus) - L(en.minus)) / en.step, atol });
        }
      }
    });
  }
  const base = bases[0]!;
  const atol = tol * 1e-2 * Math.max(1, Math.abs(base));
  if (want.P) rows.push({ label: 'return (primal)', analytic: got.P[0]!, numeric: got.R[0]!, atol });
  const lines: string[] = [];
  const acts = result.args.map((a, k) => `${argLabel(fn, k)}: ${a}`).join(', ');
  lines.push(`check @${opts.fn} (${acts || 'no parameters'}; return ${result.ret}) with ${lliName}`);
  lines.push(`point: --at '${atText(values)}'${opts.at === undefined ? ` (random, --seed ${seed})` : ''}`);
  for (let j = 0; j < width; j++) {
    const seedText = [retSeed !== null ? `return ${numText(retSeed[j]!)}` : null,
      ...params.map((p, k) => p.seeds ? `${argLabel(fn, k)} [${p.seeds[j]!.map(numText).join(' ')}]` : null)].filter((x) => x !== null);
    if (seedText.length) lines.push(`${width === 1 ? 'seeds' : `seeds of lane ${j}`}: ${seedText.join(', ')}`);
  }
  lines.push(`loss at the point: ${width === 1 ? numText(base) : bases.map((x, j) => `${numText(x)} (lane ${j})`).join(', ')}`);
  lines.push('');

  const table: string[][] = [['parameter', 'analytic', 'numeric', 'rel. error', '']];
  let mismatches = 0;
  for (const r of rows) {
    const diff = Math.abs(r.analytic - r.numeric);
    const scale = Math.max(Math.abs(r.analytic), Math.abs(r.numeric));
    const ok = Number.isFinite(r.analytic) && Number.isFinite(r.numeric) && diff <= tol * scale + r.atol;
    if (!ok) mismatches++;
    const rel = scale === 0 ? 0 : diff / scale;
    table.push([r.label, fmt(r.analytic), fmt(r.numeric), Number.isFinite(rel) ? rel.toExponential(1) : 'nan', ok ? 'ok' : 'MISMATCH']);
  }
  if (rows.length === 0) lines.push('nothing to check: no active parameter, no dup array, and no primal return');
  else {
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    for (const row of table) lines.push(row.map((cell, c) => c === 0 ? cell.padEnd(widths[c]!) : c === row.length - 1 ? cell : cell.padStart(widths[c]!)).join('  ').trimEnd());
  }
  lines.push('');
  const finite = bases.every((x) => Number.isFinite(x));
  if (!finite) lines.push(`the loss is ${numText(bases.find((x) => !Number.isFinite(x))!)} at this point: the function does not compute a finite value there`);
  if (mismatches || !finite) {
    lines.push(`FAILED: ${mismatches} of ${rows.length} value${rows.length === 1 ? '' : 's'} differ (relative tolerance ${tol}, absolute floor ${atol.toExponential(1)})`);
  } else {
    lines.push(`ok: ${rows.length} value${rows.length === 1 ? '' : 's'} agree (relative tolerance ${tol}, absolute floor ${atol.toExponential(1)})`);
  }
  out(lines.join('\n') + '\n');
  return mismatches || !finite ? 1 : 0;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(12))) : numText(x);
}

/** The value given to parameter `k`: from its `--at` item, or drawn at random. */
function paramValue(fn: Function, k: number, t: Type, act: ArgActivity, label: string, item: AtItem | null, rng: Rng, len: number): ParamValue {
  const fk = floatKindOf(t);
  if (t.kind === 'pointer') {
    if (act === 'active') fail(USAGE, `parameter ${label} is a pointer: it cannot be active (use dup or const)`, null);
    if (t.addrspace !== 0) fail(USAGE, `parameter ${label} points to address space ${t.addrspace}: check passes arrays in address space 0 only`, null);
    if (item && item.kind !== 'array') fail(USAGE, `--at: parameter ${label} is a pointer: give an array such as [1 2 3], not '${item.text}'`, null);
    const elem: ElemType = item?.kind === 'array' && item.elem ? item.elem : inferElemType(fn, k);
    if (act !== 'const' && elem.kind !== 'float') {
      fail(USAGE, `parameter ${label} points to i${elem.bits}: check can only differentiate arrays of double or float (mark it const, or give float[..] / double[..] in --at)`, null);
    }
    if (item?.kind === 'array') {
      if (elem.kind === 'int' && item.values.some((x) => !Number.isSafeInteger(x))) fail(USAGE, `--at: parameter ${label} points to i${elem.bits}: give integers`, null);
      return { kind: 'array', elem, values: elem.kind === 'float' && elem.fk === 'float' ? item.values.map(Math.fround) : item.values };
    }
    // An integer array behind a const pointer is most likely an index table: 0, 1, ... stays in bounds.
    const values = Array.from({ length: len }, (_, i) => elem.kind === 'float' ? rng.value(elem.fk) : i);
    return { kind: 'array', elem, values };
  }
  if (item && item.kind !== 'scalar') fail(USAGE, `--at: parameter ${label} is ${typeWord(t)}, not a pointer: give one number, not '${item.text}'`, null);
  if (fk) {
    if (act === 'dup' || act === 'dupnoneed') fail(USAGE, `parameter ${label} is ${fk}: it cannot be ${act} (use active or const)`, null);
    const v = item ? item.value : rng.value(fk);
    return { kind: 'float', fk, value: fk === 'float' ? Math.fround(v) : v };
  }
  if (t.kind === 'int') {
    if (act !== 'const') fail(USAGE, `parameter ${label} is i${t.bits}: it can only be const`, null);
    if (item && !Number.isSafeInteger(item.value)) fail(USAGE, `--at: parameter ${label} is i${t.bits}: give an integer, not '${item.text}'`, null);
    // Integers are usually sizes of the arrays passed next to them.
    return { kind: 'int', bits: t.bits, value: item ? item.value : len };
  }
  return fail(USAGE, `parameter ${label} is ${typeWord(t)}: check supports double, float, integer and pointer parameters`, null);
}

type Tag = 'R' | 'L' | 'P' | 'G' | 'S';
type Parsed = Record<Tag, number[]> & { end: boolean };

/** The tagged lines of the driver; anything else (the user's own printing) is skipped. */
function parseOutput(stdout: string): Parsed {
  const p: Parsed = { R: [], L: [], P: [], G: [], S: [], end: false };
  for (const line of stdout.split('\n')) {
    if (line === 'END') { p.end = true; continue; }
    const m = /^([RLPGS]) (\S+)$/.exec(line);
    if (!m) continue;
    const v = cNumber(m[2]!);
    // A tagged line that is not a number: the protocol is broken, so the counts must not match.
    if (v === null) return { ...p, end: false };
    p[m[1] as Tag].push(v);
  }
  return p;
}

/** printf's `%g` spellings, including `nan`, `-nan` and `inf`; null for anything else. */
function cNumber(s: string): number | null {
  const t = s.toLowerCase();
  if (t === 'nan' || t === '-nan' || t === '+nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

export { CHECK_OPTIONS, registerCheckCommand } from './check-cli.js';

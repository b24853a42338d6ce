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
import { buildDriver, floatLeaves, type DriverParam } from './check-driver.js';
import { verdict, type Tolerance } from './check-fd.js';
import { findLli, producerVersion, requiredLlvm, runLli, type Lli, type NewSyntax } from './check-lli.js';
import type { CheckRow, Output, Tag } from './check-mode.js';
import { mutableGlobals, pruneModule, reachable } from './check-prune.js';
import { ReverseCheck } from './check-reverse.js';
import { widenFloat } from './check-widen.js';
import { Rng, atText, inferElemType, inspectElemType, isMemoryProblem, numText, parseAt, type AtItem, type ElemType, type ParamValue, argLabel, floatKindOf, parseNum } from './check-points.js';
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


/** The options both modes of `check` read the same way. */
export interface CheckCommon {
  input: string;
  fn: string;
  at?: string | undefined;
  seed?: string | number | undefined;
  tol?: string | number | undefined;
  len?: string | number | undefined;
  width?: string | number | undefined;
  out?: (text: string) => void;
}

/** What both modes of `check` have before differentiating: the checked options, the module and the function. */
export interface CheckSetup {
  out: (text: string) => void;
  seed: number;
  len: number;
  /** `--tol`, or null for the mode's default. */
  tolGiven: number | null;
  atItems: AtItem[] | null;
  width: number;
  file: SourceFile;
  m: Module;
  fn: Function;
}

/**
 * Reads the options both modes share, parses and verifies the module, finds the function and
 * refuses, before any differentiation, what check cannot call or fill with numbers (the
 * transform might accept it).
 */
export function checkSetup(opts: CheckCommon): CheckSetup {
  const out = opts.out ?? ((s: string) => { process.stdout.write(s); });
  const seed = parseNum(opts.seed, '--seed', 1, (x) => Number.isInteger(x) && x >= 0, 'a non-negative integer');
  const len = parseNum(opts.len, '--len', 8, (x) => Number.isInteger(x) && x >= 1 && x <= 1_000_000, 'an integer from 1 to 1000000');
  const tolGiven = opts.tol === undefined ? null : parseNum(opts.tol, '--tol', 0, (x) => x > 0 && x < 1, 'a tolerance between 0 and 1');
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
  fn.fnType.params.forEach((t, k) => { precheckParam({ file, fn }, k, t, atItems ? atItems[k]! : null); });
  return { out, seed, len, tolGiven, atItems, width, file, m, fn };
}

/** Runs `check`; resolves to the exit code (0: every derivative agrees, 1: a mismatch). Usage and run failures throw diagnostics. */
export async function runCheck(opts: CheckOptions): Promise<number> {
  const { out, seed, len, tolGiven, atItems, width, file, m, fn } = checkSetup(opts);
  const argActs = opts.args === undefined ? undefined : parseArgList(opts.args);
  const retAct: RetActivity | undefined = opts.ret === undefined ? undefined : parseRet(opts.ret);
  const nParams = fn.fnType.params.length;
  const where: Where = { file, fn };

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
    const item: AtItem | null = atItems ? atItems[k]! : null;
    values.push(paramValue(where, k, t, result.args[k]!, argLabel(fn, k), item, rng, len));
  });

  const retType = fn.fnType.ret;
  const retSeeded = result.ret === 'active' || result.ret === 'activeonly';
  const retFks = floatLeaves(retType);
  if (retSeeded && !retFks) {
    fail('E0440', `@${opts.fn} returns ${typeWord(retType)}: check can seed a return of double, float, or a struct, array or vector of them`, file, fn.pos, fn.pos,
      ['give --ret const (or none) to check the other derivatives']);
  }
  const gradReturnsPrimal = (result.ret === 'active' || result.ret === 'const') && retType.kind !== 'void';

  // Seeds come from their own stream, so that giving --at does not change them.
  // Lane 0 draws first, so a width-1 check sees the seeds it always saw; later lanes draw after.
  const seedRng = new Rng(seed ^ 0x9e3779b9);
  const laneRet: number[][] = [];
  const laneArr: (number[] | null)[][] = [];
  for (let j = 0; j < width; j++) {
    if (retSeeded) laneRet.push(retFks!.map((fk) => seedRng.value(fk)));
    laneArr.push(values.map((v, k) => {
      const act = result.args[k]!;
      const dup = act === 'dup' || act === 'dupnoneed';
      const elem = v.kind === 'array' ? v.elem : null;
      return dup && v.kind === 'array' && elem?.kind === 'float' ? v.values.map(() => seedRng.value(elem.fk)) : null;
    }));
  }
  const params: DriverParam[] = values.map((v, k) => {
    const first = laneArr[0]![k]!;
    return { activity: result.args[k]!, value: v, seeds: first ? laneArr.map((l) => l[k]!) : null };
  });

  // Finite differences of a float computation are taken on its double twin.
  const namer = freshNamer(m);
  const twin = widenFloat(m, fn, namer);
  const usesFloat = twin !== null || (retFks ?? []).includes('float')
    || values.some((v) => v.kind === 'float' ? v.fk === 'float' : v.kind === 'agg' ? v.fks.includes('float') : v.kind === 'array' && v.elem.kind === 'float' && v.elem.fk === 'float');
  const tol = tolGiven ?? (usesFloat ? FLOAT_TOL : DOUBLE_TOL);

  // ... and the derivative of a float computation gets a double twin as well: its distance to
  // the derivative measures the derivative's own rounding, which sets the tolerance row by row.
  const gradTwin = twin ? widenFloat(m, result.fn, namer) : null;
  const mode = new ReverseCheck({
    m, fn, result, params, labels: fn.args.map((_, k) => argLabel(fn, k)),
    retSeeds: retSeeded ? laneRet : null, width, gradReturnsPrimal, wide: twin !== null, gradTwin: gradTwin?.fn ?? null,
    roundsInside: twin !== null && (twin.floatStores > 0 || twin.roundings.length > 0),
  });
  const bad = mode.signatureProblem();
  if (bad) fail('E0999', `internal error: the derivative @${result.fn.name ?? '?'} has ${bad}`, null);

  // Every writable global the function, its twin or its derivative may touch is restored before each run.
  const roots = [fn, result.fn, ...(twin ? [twin.fn] : []), ...(gradTwin ? [gradTwin.fn] : [])];
  const state = mutableGlobals(m).filter((g) => reachable(m, roots).has(g));
  const entry = buildDriver(m, {
    fn, evalFn: twin?.fn ?? fn, params, observe: mode.observe, width, evals: mode.evals, state,
    derivative: (d) => { mode.emitDerivative(d); },
  });
  pruneModule(m, entry);
  const text = printModule(m);
  const env = opts.env ?? process.env;
  if (env.ENZYME_TS_CHECK_KEEP) writeFileSync(env.ENZYME_TS_CHECK_KEEP, text);
  const newer = requiredLlvm(text);
  const lli = findLli(m.dialect, env, producerVersion(m), newer?.llvm ?? 0);
  if (typeof lli === 'string') fail(RUN_FAILED, `cannot run the check: ${lli}`, null);
  if (newer && lli.version !== null && lli.version < newer.llvm) tooOld(file, newer, lli);
  const run = await runLli(lli, text, entry.name!, 300_000);
  const lliName = [lli.cmd, ...lli.flags].join(' ');
  const keepNote = 'set ENZYME_TS_CHECK_KEEP=FILE.ll to keep the module that was run';
  if (run.error) fail(RUN_FAILED, `cannot run the check with ${lliName}: ${run.error}`, null, -1, -1, [keepNote]);
  if (run.status !== 0) {
    const why = run.signal ? `was killed by ${run.signal}` : `exited with status ${run.status}`;
    const tail = run.stderr.trim().split('\n').slice(0, 12).map((l) => `  ${l}`);
    const unresolved = /could not be resolved|Symbols not found|undefined symbol/i.test(run.stderr);
    fail(RUN_FAILED, `${lliName} ${why} while running @${opts.fn} and its derivative`, null, -1, -1,
      [...(tail.length && tail[0]!.trim() ? ['lli said:', ...tail] : []), keepNote,
        unresolved
          ? `lli could not find a function or global that @${opts.fn} (or its derivative) uses: it is defined in another file or library; link it into the module (llvm-link) first`
          : 'arrays passed to pointer parameters have --len elements; a function that reads further crashes or reads garbage']);
  }

  const got = parseOutput(run.stdout);
  const want = mode.expected();
  if (!got.end || (Object.keys(want) as Tag[]).some((k) => got[k].length !== want[k])) {
    fail(RUN_FAILED, `${lliName} printed output the check cannot read (expected ${want.L} loss values, ${want.G + want.S} gradient values and END)`,
      null, -1, -1, [`first lines: ${run.stdout.split('\n').slice(0, 4).join(' | ')}`, keepNote]);
  }

  const bases: number[] = Array.from({ length: width }, (_, j) => got.L[j]!);
  const base = bases[0]!;
  const tolerance = { rel: tol, abs: tol * 1e-2 * Math.max(1, Math.abs(base)) };
  // A float derivative may differ from exact differences by its rounding: ten times its distance to
  // its double twin, at least 1e-6 (1e-5 when the twin itself still rounds in float memory: tapes,
  // shadows), at most the float tolerance. A derivative computed mostly in double (musl's float
  // kernels) is thus held to double accuracy, and a wrong term of 1e-4 is caught.
  const twinFloor = gradTwin && gradTwin.floatStores > 0 ? TWIN_ROUNDING_TOL : TWIN_TOL;
  const rowTolerance = (r: CheckRow): Tolerance => {
    if (tolGiven !== null || r.twin === null) return tolerance;
    const scale = Math.max(Math.abs(r.analytic), Math.abs(r.estimate.value));
    const own = scale === 0 ? 0 : 10 * Math.abs(r.analytic - r.twin) / scale;
    const rel = Math.min(tol, Math.max(twinFloor, Number.isFinite(own) ? own : tol));
    return { rel, abs: rel * 1e-2 * Math.max(1, Math.abs(base)) };
  };
  const rows = mode.rows(got);
  const lines: string[] = [];
  const acts = result.args.map((a, k) => `${argLabel(fn, k)}: ${a}`).join(', ');
  lines.push(`check @${opts.fn} (${acts || 'no parameters'}; return ${result.ret}) with ${lliName}`);
  lines.push(`point: --at '${atText(values)}'${opts.at === undefined ? ` (random, --seed ${seed})` : ''}`);
  lines.push(...mode.describe());
  lines.push(`loss at the point: ${width === 1 ? numText(base) : bases.map((x, j) => `${numText(x)} (lane ${j})`).join(', ')}`);
  if (twin) {
    lines.push(`finite differences: on a double twin of the float computation${twin.roundings.length ? ` (still rounded to float where ${twin.roundings.join('; ')})` : ''}`);
    if (gradTwin && tolGiven === null) lines.push(`tolerance of each value: from the derivative's distance to its own double twin, between ${twinFloor} and ${tol}`);
  }
  lines.push('');

  const twinColumn = rows.some((r) => r.twin !== null);
  const table: string[][] = [['parameter', 'analytic', 'numeric', 'rel. error', 'fd error', ...(twinColumn ? ['tolerance'] : []), '']];
  let mismatches = 0;
  let noisy = 0;
  let smallNoisy = 0;
  // A value a hundred times smaller than the largest of the table, whose differences are noisy
  // (the loss's rounding over the step is large beside it), agrees within its error bar: it is
  // marked ok*, as far as differences can tell. A wrong derivative is wrong in larger values too.
  const largest = Math.max(0, ...rows.map((r) => Math.max(Math.abs(r.analytic), Math.abs(r.estimate.value))).filter(Number.isFinite));
  for (const r of rows) {
    const rt = rowTolerance(r);
    let v: string = verdict(r.analytic, r.estimate, rt);
    if (v === 'NOISY' && Math.max(Math.abs(r.analytic), Math.abs(r.estimate.value)) < 1e-2 * largest) { v = 'ok*'; smallNoisy++; }
    if (v === 'MISMATCH') mismatches++;
    if (v === 'NOISY') noisy++;
    const diff = Math.abs(r.analytic - r.estimate.value);
    const scale = Math.max(Math.abs(r.analytic), Math.abs(r.estimate.value));
    const rel = scale === 0 ? 0 : diff / scale;
    const err = r.estimate.error;
    table.push([r.label, fmt(r.analytic), fmt(r.estimate.value), Number.isFinite(rel) ? rel.toExponential(1) : 'nan',
      Number.isFinite(err) ? err.toExponential(1) : '-', ...(twinColumn ? [rt.rel.toExponential(0)] : []), v]);
  }
  if (rows.length === 0) lines.push('nothing to check: no active parameter, no dup array, and no primal return');
  else {
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    for (const row of table) lines.push(row.map((cell, c) => c === 0 ? cell.padEnd(widths[c]!) : c === row.length - 1 ? cell : cell.padStart(widths[c]!)).join('  ').trimEnd());
  }
  lines.push('');
  const finite = bases.every((x) => Number.isFinite(x));
  if (!finite) lines.push(`the loss is ${numText(bases.find((x) => !Number.isFinite(x))!)} at this point: the function does not compute a finite value there`);
  const rels = rows.map((r) => rowTolerance(r).rel);
  const lo = Math.min(tol, ...rels);
  const tolText = `relative tolerance ${lo < tol ? `${lo} to ${tol} (by value)` : tol}, absolute floor ${tolerance.abs.toExponential(1)}`;
  if (mismatches || !finite) {
    lines.push(`FAILED: ${mismatches} of ${rows.length} value${rows.length === 1 ? '' : 's'} differ (${tolText})`);
  } else if (noisy) {
    lines.push(`INCONCLUSIVE: the finite differences of ${noisy} of ${rows.length} value${rows.length === 1 ? '' : 's'} are too noisy to tell (${tolText}); the function is not smooth at this point, or rounds heavily: try another --seed or --at`);
  } else {
    lines.push(`ok: ${rows.length} value${rows.length === 1 ? '' : 's'} agree (${tolText})`);
  }
  if (smallNoisy) lines.push(`ok*: ${smallNoisy} small value${smallNoisy === 1 ? '' : 's'} agree only within the error of their finite differences`);
  out(lines.join('\n') + '\n');
  return mismatches || noisy || !finite ? 1 : 0;
}

/** Relative tolerances: a double derivative against double differences, a float one against differences of its double twin. */
const DOUBLE_TOL = 1e-5;
const FLOAT_TOL = 1e-3;
/** The least relative tolerance of a float derivative: 1e-5 when its double twin still rounds through float memory (tapes, shadows), else 1e-6. */
const TWIN_ROUNDING_TOL = 1e-5;
const TWIN_TOL = 1e-6;

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(12))) : numText(x);
}

/** Names of the check's own globals: never a user symbol. */
export function freshNamer(m: Module): (base: string) => string {
  const taken = new Set<string>();
  return (base) => {
    let name = `__enzyme_ts_check.${base}`;
    for (let k = 1; m.getGlobal(name) !== undefined || taken.has(name); k++) name = `__enzyme_ts_check.${base}.${k}`;
    taken.add(name);
    return name;
  };
}

/** The module needs an LLVM newer than every lli found: a located error naming the syntax. */
function tooOld(file: SourceFile, newer: NewSyntax, lli: Lli): never {
  // Point at the same syntax in the input (the printed module may number lines differently).
  const lines = file.text.split('\n');
  let offset = -1;
  const needle = /^[a-z_#]+/i.exec(newer.what.replace(/^the /, ''))?.[0] ?? '';
  for (let n = 0, pos = 0; n < lines.length; pos += lines[n]!.length + 1, n++) {
    const at = needle ? lines[n]!.indexOf(needle) : -1;
    if (at >= 0 && !lines[n]!.trimStart().startsWith(';')) { offset = pos + at; break; }
  }
  return fail('E0441', `the module uses ${newer.what}, which needs LLVM ${newer.llvm} or newer, and the newest lli found is ${lli.cmd} (LLVM ${lli.version})`,
    offset >= 0 ? file : null, offset, offset >= 0 ? offset + needle.length : offset,
    [`install lli of LLVM ${newer.llvm} or newer (Debian: apt-get install llvm-${newer.llvm}), or name one with ENZYME_TS_LLI`,
      'the module was probably written by a newer compiler (rustc, a newer clang) than this lli']);
}

export interface Where { file: SourceFile; fn: Function }

/** Refuses parameters check cannot build, pointing at the function. */
function refuse(w: Where, label: string, why: string, notes: string[]): never {
  return fail('E0440', `check cannot drive parameter ${label} of @${w.fn.name ?? '?'}: ${why}`, w.file, w.fn.pos, w.fn.pos, notes);
}

const WRAP_NOTE = 'write a small wrapper taking double* (or float*) arrays and scalars that builds the argument and calls the function, and check the wrapper';

/** Refusals that do not depend on the activities or the mode: memory of pointers or of mixed kinds, types check cannot make. */
export function precheckParam(w: Where, k: number, t: Type, item: AtItem | null): void {
  const label = argLabel(w.fn, k);
  if (t.kind === 'pointer') {
    if (item?.kind === 'array' && item.elem) return;
    const e = inspectElemType(w.fn, k);
    if (isMemoryProblem(e)) {
      const what = e.type === null ? '' : e.type.kind === 'struct' && e.type.name !== null ? `%${e.type.name}` : e.type.kind === 'pointer' ? 'a pointer' : typeWord(e.type);
      const where = [what, e.at && e.at.pos >= 0 ? `accessed at line ${lineOf(w.file, e.at.pos)}` : ''].filter((x) => x).join(', ');
      refuse(w, label, e.kind === 'pointers'
        ? `it points to memory that holds pointers${where ? ` (${where})` : ''}, such as a std::vector or a struct with a data pointer, which check cannot make from numbers`
        : e.floats
          ? `it points to memory that keeps float beside double values${where ? ` (${where})` : ''}: one array of numbers cannot fill both`
          : `it points to a struct that keeps integers beside its floating values${where ? ` (${where})` : ''}: random numbers would make a nonsense count or index of the integers`,
        [WRAP_NOTE, ...(e.kind === 'mixed' ? ['or give the memory as typed numbers with --at (double[...], i32[...]) if its layout is one type'] : [])]);
    }
    return;
  }
  if (t.kind === 'float' || t.kind === 'int') return;
  if ((t.kind === 'struct' || t.kind === 'array' || t.kind === 'vector') && floatLeaves(t)) return;
  refuse(w, label, `it is ${typeWord(t)}${t.kind === 'struct' || t.kind === 'array' || t.kind === 'vector' ? ' that holds more than double and float values' : ''}; check passes double, float, integers, pointers to arrays, and structs, arrays or vectors of double and float`, [WRAP_NOTE]);
}

function lineOf(file: SourceFile, pos: number): number {
  if (pos < 0) return 0;
  let n = 1;
  for (let k = 0; k < pos && k < file.text.length; k++) if (file.text.charCodeAt(k) === 10) n++;
  return n;
}

/** The value given to parameter `k`: from its `--at` item, or drawn at random. */
function paramValue(w: Where, k: number, t: Type, act: ArgActivity, label: string, item: AtItem | null, rng: Rng, len: number): ParamValue {
  const fn = w.fn;
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
  const leaves = t.kind === 'struct' || t.kind === 'array' || t.kind === 'vector' ? floatLeaves(t) : null;
  if (leaves) {
    if (act === 'dup' || act === 'dupnoneed') fail(USAGE, `parameter ${label} is ${typeWord(t)} passed by value: it cannot be ${act} (use active or const)`, null);
    if (item && item.kind !== 'array') fail(USAGE, `--at: parameter ${label} is ${typeWord(t)} of ${leaves.length} values: give them as [1 2 ...], not '${item.text}'`, null);
    if (item && item.values.length !== leaves.length) fail(USAGE, `--at: parameter ${label} holds ${leaves.length} values, '${item.text}' gives ${item.values.length}`, null);
    const vals = item ? item.values : leaves.map((f) => rng.value(f));
    return { kind: 'agg', fks: leaves, leaves: vals.map((v, i) => (leaves[i] === 'float' ? Math.fround(v) : v)) };
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
  return refuse(w, label, `it is ${typeWord(t)}`, [WRAP_NOTE]);
}

type Parsed = Output;

/** The tagged lines of the driver; anything else (the user's own printing) is skipped. */
export function parseOutput(stdout: string): Parsed {
  const p: Parsed = { R: [], L: [], Q: [], Y: [], P: [], G: [], S: [], W: [], end: false };
  for (const line of stdout.split('\n')) {
    if (line === 'END') { p.end = true; continue; }
    const m = /^([RLQYPGSW]) (\S+)$/.exec(line);
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

// `check` of a reverse-mode derivative (contract section 6): the gradient of
//
//   L(inputs) = seed_r . ret  +  sum over dup arrays a of  seed_a . a_after
//
// against Ridders-extrapolated central differences of L, one coordinate at a
// time (every active scalar or aggregate leaf, every element of every dup
// array), each lane with its own seeds.
import type { GradResult } from '../ad/api.js';
import type { Function } from '../ir/function.js';
import type { Module } from '../ir/module.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { floatLeaves, type DriverApi, type DriverParam, type Evaluation, type Observe } from './check-driver.js';
import { ridders, steps, type Difference } from './check-fd.js';
import type { CheckMode, CheckRow, Output, Tag } from './check-mode.js';
import { numText } from './check-points.js';

export interface ReverseSpec {
  m: Module;
  fn: Function;
  result: GradResult;
  params: DriverParam[];
  /** Labels of the parameters (`%x`). */
  labels: string[];
  /** Seeds of the return's floating leaves, one list per lane; null when the return is not active. */
  retSeeds: number[][] | null;
  width: number;
  /** Whether the derivative's struct starts with the primal return. */
  gradReturnsPrimal: boolean;
  /** Whether finite differences evaluate a double twin (by-value floats are then passed as double). */
  wide: boolean;
  /** The double twin of the derivative, called after it with the same arguments (W lines), or null. */
  gradTwin: Function | null;
  /** Whether what finite differences evaluate still rounds inside (float memory written and read, bit reads). */
  roundsInside: boolean;
}

interface Coordinate { label: string; diffs: { plus: number; minus: number; width: number }[] }

export class ReverseCheck implements CheckMode {
  readonly observe: Observe;
  readonly evals: Evaluation[] = [{ changes: [] }];
  private readonly coords: Coordinate[] = [];
  private readonly retLeaves: number;

  constructor(private readonly s: ReverseSpec) {
    this.observe = { kind: 'loss', retSeeds: s.retSeeds };
    this.retLeaves = floatLeaves(s.fn.fnType.ret)?.length ?? 0;
    s.params.forEach((p, k) => {
      const v = p.value;
      if (p.activity === 'active' && v.kind === 'float') this.coordinate(k, -1, v.value, s.wide ? null : v.fk, s.labels[k]!);
      if (p.activity === 'active' && v.kind === 'agg') v.leaves.forEach((x, i) => { this.coordinate(k, i, x, s.wide ? null : v.fks[i]!, `${s.labels[k]!}.${i}`); });
      if (p.seeds && v.kind === 'array' && v.elem.kind === 'float') {
        const fk = v.elem.fk;
        v.values.forEach((x, i) => { this.coordinate(k, i, x, fk, `${s.labels[k]!}[${i}]`); });
      }
    });
  }

  /** Evaluations at x +- h for each step; `fk` rounds the points as memory of that type holds them (null: exact). */
  private coordinate(param: number, elem: number, x: number, fk: 'double' | 'float' | null, label: string): void {
    const round = fk === 'float' ? Math.fround : (y: number): number => y;
    const diffs = steps(x).map((h) => {
      const xp = round(x + h);
      const xm = round(x - h);
      const plus = this.evals.length;
      this.evals.push({ changes: [{ param, elem, value: xp }] }, { changes: [{ param, elem, value: xm }] });
      return { plus, minus: plus + 1, width: xp - xm };
    });
    this.coords.push({ label, diffs });
  }

  private lanes(t: Type): Type { return this.s.width === 1 ? t : this.s.m.types.array(this.s.width, t); }

  /** Why the derivative's signature is not the one contract section 6 prescribes, or null when it is. */
  signatureProblem(): string | null {
    const { s } = this;
    const fnType = s.fn.fnType;
    const params: Type[] = [];
    const grads: Type[] = [];
    s.params.forEach((p, k) => {
      const t = fnType.params[k]!;
      params.push(t);
      if (p.activity === 'dup' || p.activity === 'dupnoneed') for (let j = 0; j < s.width; j++) params.push(t);
      if (p.activity === 'active') grads.push(this.lanes(t));
    });
    if (s.retSeeds !== null) params.push(this.lanes(fnType.ret));
    const elems = s.gradReturnsPrimal ? [fnType.ret, ...grads] : grads;
    const ret = elems.length ? s.m.types.struct(elems) : s.m.types.void;
    const ft = s.result.fn.fnType;
    const show = (ts: readonly Type[]): string => ts.map(typeName).join(', ');
    if (ft.vararg || ft.params.length !== params.length || ft.params.some((t, k) => t !== params[k])) {
      return `parameters (${show(ft.params)}), expected (${show(params)})`;
    }
    if (ft.ret !== ret) return `return type ${typeName(ft.ret)}, expected ${typeName(ret)}`;
    return null;
  }

  expected(): Record<Tag, number> {
    const { s } = this;
    const W = s.width;
    let g = 0;
    let sh = 0;
    s.params.forEach((p) => {
      if (p.activity === 'active') g += p.value.kind === 'agg' ? p.value.leaves.length : 1;
      if (p.seeds) sh += p.seeds[0]!.length;
    });
    return {
      R: this.retLeaves,
      L: this.evals.length * W,
      Q: this.evals.length * W,
      Y: 0,
      P: s.gradReturnsPrimal ? this.retLeaves : 0,
      G: g * W,
      S: sh * W,
      W: s.gradTwin ? (g + sh) * W : 0,
    };
  }

  emitDerivative(d: DriverApi): void {
    this.callDerivative(d, this.s.result.fn, 'P', 'G', 'S');
    // The derivative's double twin, from the same state: how far the float derivative is from
    // what its own operations give in double tells its rounding (check.ts sets the tolerance by it).
    if (this.s.gradTwin) {
      d.restore();
      this.callDerivative(d, this.s.gradTwin, null, 'W', 'W');
    }
  }

  private callDerivative(d: DriverApi, grad: Function, pTag: string | null, gTag: string, sTag: string): void {
    const { s } = this;
    const { b } = d;
    const W = s.width;
    const gradParams = grad.fnType.params;
    const args: Value[] = [];
    s.params.forEach((p, k) => {
      args.push(d.primalArg(k, gradParams[args.length]!));
      if ((p.activity === 'dup' || p.activity === 'dupnoneed') && p.value.kind === 'array') {
        for (let j = 0; j < W; j++) {
          if (p.seeds) d.fillShadow(k, j, p.seeds[j]!);
          args.push(b.bitcastIfNeeded(d.shadow(k, j), gradParams[args.length]!));
        }
      }
    });
    if (s.retSeeds !== null) {
      const rt = gradParams[gradParams.length - 1]!;
      args.push(W === 1 ? d.leafConst(rt, s.retSeeds[0]!) : d.leafConst(rt, s.retSeeds.flat()));
    }
    const g = b.call(grad, args, grad.fnType.ret.kind === 'void' ? null : gTag === 'G' ? 'grad' : 'grad.twin');
    let slot = 0;
    if (s.gradReturnsPrimal) {
      if (this.retLeaves && pTag) d.printLeaves(pTag, b.extractValue(g, [0]));
      slot = 1;
    }
    for (let j = 0; j < W; j++) {
      let at = slot;
      s.params.forEach((p) => {
        if (p.activity === 'active') d.printLeaves(gTag, b.extractValue(g, W === 1 ? [at++] : [at++, j]));
      });
    }
    for (let j = 0; j < W; j++) {
      s.params.forEach((p, k) => {
        if (p.seeds) d.printArray(sTag, k, d.shadow(k, j));
      });
    }
  }

  rows(out: Output): CheckRow[] {
    const { s } = this;
    const W = s.width;
    const rows: CheckRow[] = [];
    let g = 0;
    let sh = 0;
    // The twin printed G values (lane by lane) then S values, all under W.
    const nG = out.G.length;
    const twinOf = (stream: 'G' | 'S', n: number): number | null => (s.gradTwin ? out.W[stream === 'G' ? n : nG + n] ?? null : null);
    for (let j = 0; j < W; j++) {
      const L = (n: number): number => out.L[n * W + j]!;
      // The rounding bound of the loss at the base point (float outputs quantize it).
      const noise = out.Q[j] ?? 0;
      const suffix = W === 1 ? '' : ` lane ${j}`;
      let c = 0;
      const next = (analytic: number, twin: number | null): void => {
        const co = this.coords[c++]!;
        const diffs: Difference[] = co.diffs.map((x) => ({ plus: L(x.plus), minus: L(x.minus), width: x.width }));
        rows.push({ label: co.label + suffix, analytic, estimate: ridders(diffs, noise, s.roundsInside), twin });
      };
      // In parameter order, as the coordinates were made; G and S are separate streams.
      s.params.forEach((p) => {
        if (p.activity === 'active' && p.value.kind === 'float') { next(out.G[g]!, twinOf('G', g)); g++; }
        if (p.activity === 'active' && p.value.kind === 'agg') for (let i = 0; i < p.value.leaves.length; i++) { next(out.G[g]!, twinOf('G', g)); g++; }
        if (p.seeds) for (let i = 0; i < p.seeds[0]!.length; i++) { next(out.S[sh]!, twinOf('S', sh)); sh++; }
      });
    }
    if (s.gradReturnsPrimal) {
      for (let l = 0; l < this.retLeaves; l++) {
        rows.push({ label: this.retLeaves === 1 ? 'return (primal)' : `return.${l} (primal)`, analytic: out.P[l]!, estimate: { value: out.R[l]!, error: 0 }, twin: null });
      }
    }
    return rows;
  }

  describe(): string[] {
    const { s } = this;
    const lines: string[] = [];
    for (let j = 0; j < s.width; j++) {
      const parts = [s.retSeeds !== null ? `return ${s.retSeeds[j]!.length === 1 ? numText(s.retSeeds[j]![0]!) : `[${s.retSeeds[j]!.map(numText).join(' ')}]`}` : null,
        ...s.params.map((p, k) => p.seeds ? `${s.labels[k]!} [${p.seeds[j]!.map(numText).join(' ')}]` : null)].filter((x) => x !== null);
      if (parts.length) lines.push(`${s.width === 1 ? 'seeds' : `seeds of lane ${j}`}: ${parts.join(', ')}`);
    }
    return lines;
  }
}

/** Short type names for messages. */
export function typeName(t: Type): string {
  switch (t.kind) {
    case 'int': return `i${t.bits}`;
    case 'float': return t.fk;
    case 'pointer': return t.pointee ? `${typeName(t.pointee)}*` : 'ptr';
    case 'struct': return t.name !== null ? `%${t.name}` : `{ ${(t.elems ?? []).map(typeName).join(', ')} }`;
    case 'array': return `[${t.count} x ${typeName(t.elem)}]`;
    case 'vector': return `<${t.count} x ${typeName(t.elem)}>`;
    default: return t.kind;
  }
}

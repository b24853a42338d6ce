// Batched reverse mode (`--width N`, contract section 6): a width-N derivative
// computes N vector-Jacobian products in one call, lane k using shadow k and
// seed lane k. Proof: for fixture modules of both dialects and -O levels, one
// module holds the width-1, width-2 and width-4 derivatives of the same
// function and a driver that calls the width-1 derivative once per lane (each
// time with that lane's shadow contents and seed) and each batched derivative
// once with all lanes; lli runs it and every printed value (`%a`, exact) of
// lane k of a batched call must equal the width-1 run of lane k bit for bit.
// Bit-for-bit is expected: the lanes share the primal values (one forward
// sweep) and each lane's adjoint arithmetic is the width-1 arithmetic, in the
// same order, on that lane's data.
import { describe, expect, test } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseText } from '../../src/syntax/parse.js';
import { printModule, printType } from '../../src/print/printer.js';
import { gradModule } from '../../src/ad/grad.js';
import { parseArgList, parseRet } from '../../src/driver/grad.js';
import { verifyModule } from '../../src/ir/verify.js';
import { findLli, producerVersion, runLli } from '../../src/driver/check-lli.js';
import { inferElemType, parseAt, type ElemType } from '../../src/driver/check-points.js';
import type { Module } from '../../src/ir/module.js';
import type { Function } from '../../src/ir/function.js';
import type { Type } from '../../src/ir/types.js';
import type { ArgActivity, GradResult } from '../../src/ad/api.js';
import { ROOT, hasTool, run, tool } from '../util/llvm.js';

const GRAD = join(ROOT, 'fixtures', 'grad');
const WIDTHS = [2, 4] as const;
const LANES = 4;

/** `source: -f FN --args ... [--ret R] --at ...` lines taken from the fixtures' CHECK lines. */
const CASES: { src: string; fn: string; args: string; ret?: string; at: string }[] = [
  // loops, two dup inputs
  { src: 'dot', fn: 'dot', args: 'dup,dup,const', at: '[1 2 3 4],[0.5 0.25 1 2],4' },
  // calls to module functions, active scalars and an active return
  { src: 'helper_call', fn: 'outer', args: 'active,active', at: '0.7,1.3' },
  // recursion
  { src: 'rec_sum', fn: 'rsum', args: 'dup,const', at: '[1 -2 3 0.5 0.25 4 -1.5],7' },
  { src: 'rec_pow', fn: 'rpow', args: 'active,const', at: '1.3,7' },
  // malloc / calloc / memcpy
  { src: 'malloc_tmp', fn: 'malloc_reduce', args: 'dup,const', at: '[0.5 1.5 -0.25 2 0.75],5' },
  { src: 'calloc_tmp', fn: 'calloc_bins', args: 'dup,const,const', at: '[0.5 1.5 -0.25 2 0.75 1.25 -1],7,3' },
  { src: 'memcpy_tmp', fn: 'memcpy_local', args: 'dup,const', at: '[0.5 1.5 -0.25 2 0.75 3],6' },
  { src: 'memcpy_tmp', fn: 'memcpy_heap', args: 'dup,const', at: '[0.5 1.5 -0.25 2],4' },
  // dup outputs, in-place updates, dupnoneed
  { src: 'inplace_square', fn: 'square_all', args: 'dup,const', at: '[1.5 -2 0.5 3],4' },
  { src: 'matmul', fn: 'matmul', args: 'const,dup,dupnoneed,const,const,const', at: '[1 2 3 4],[0.5 -1 2 0.25],[0 0 0 0],2,2,2' },
  { src: 'overwrite_input', fn: 'overwrite', args: 'dup', at: '[0.7 1.3]' },
  // vectorized code at -O2, an active scalar next to dup arrays
  { src: 'vec_axpy', fn: 'axpy', args: 'const,active,dup,dup', at: '10,1.5,[1 2 3 4 5 6 7 8 9 10],[0.5 -1 2 0.25 1 -2 3 0.5 1.5 -0.5]' },
  // float, libm
  { src: 'float_softmax', fn: 'fsoftmax', args: 'dup,dup,const', at: '[1 -0.5 0.75 0.25],[0 0 0 0],4' },
  { src: 'logsumexp', fn: 'logsumexp', args: 'dup,const', at: '[1 -2 3.5 0.5 2],5' },
  // early exits, nested loops, sorting (control flow that depends on the data)
  { src: 'early_exit', fn: 'accumulate_until', args: 'dup,const,active', at: '[0.5 1.2 -0.7 2.0 0.3 1.1],6,3.0' },
  { src: 'nested_loops', fn: 'grid_energy', args: 'dup,const,const', at: '[1 2 0.5 -1 0.25 3 1.5 2 -0.5 1 0 2],3,4' },
  { src: 'sort_inplace', fn: 'sort_inplace', args: 'dup,const', at: '[3.5 -1 2.25 0.5 7 1.75],6' },
  { src: 'quad', fn: 'quad', args: 'active,active', ret: 'active', at: '-0.75,4' },
  { src: 'mlp', fn: 'mlp_loss', args: 'dup,dup,dup,active,const,const,const,const', at: '[0.1 -0.2 0.3 0.4 0.5 -0.6],[0.05 -0.1],[0.7 -0.3],0.2,[1 0.5 -1.5],0.25,3,2' },
];

/** An IR literal that is exactly `x` (hexadecimal double spelling, valid for float constants that are exact floats). */
function fpLit(x: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  return `0x${b.getBigUint64(0).toString(16).toUpperCase().padStart(16, '0')}`;
}

interface Param { act: ArgActivity; type: Type; elem: ElemType | null; values: number[] }

/** Lane `lane`'s shadow contents of dup parameter `k` (different per lane, exact in float). */
function shadowInit(k: number, lane: number, len: number): number[] {
  return Array.from({ length: len }, (_, i) => (lane + 1) * ((i % 2 ? -0.25 : 0.5) + 0.125 * k + 0.0625 * i));
}
const seedOf = (lane: number): number => 0.75 * (lane + 1);

/**
 * The driver, as text appended to the module: `@__wtest_main` calls the
 * width-1 derivative once per lane, then each batched derivative once, and
 * prints `H <width> <lane>` and the lane's values (`%a`): the primal return,
 * the gradients, every shadow element, every primal element (not of dupnoneed
 * parameters, whose contents are unspecified).
 */
function driver(m: Module, fn: Function, params: Param[], res: Map<number, GradResult>): string {
  const opaque = m.dialect === 'opaque';
  const ty = (t: Type): string => printType(t);
  const ptrOf = (t: string): string => (opaque ? 'ptr' : `${t}*`);
  const elemTy = (e: ElemType): string => (e.kind === 'float' ? e.fk : `i${e.bits}`);
  const elemLit = (e: ElemType, x: number): string => (e.kind === 'float' ? fpLit(e.fk === 'float' ? Math.fround(x) : x) : String(x));
  const out: string[] = [];
  let tmp = 0;
  const v = (): string => `%t${tmp++}`;
  const arr = (name: string, e: ElemType, vals: number[] | null, constant: boolean): void => {
    const at = `[${vals?.length ?? 0} x ${elemTy(e)}]`;
    const init = vals ? `[${vals.map((x) => `${elemTy(e)} ${elemLit(e, x)}`).join(', ')}]` : 'zeroinitializer';
    out.push(`@${name} = private ${constant ? 'unnamed_addr constant' : 'global'} ${at} ${init}`);
  };
  params.forEach((p, k) => {
    if (!p.elem) return;
    arr(`__w.init.${k}`, p.elem, p.values, true);
    arr(`__w.buf.${k}`, p.elem, p.values.map(() => 0), false);
    if (p.act === 'dup' || p.act === 'dupnoneed') {
      for (let j = 0; j < LANES; j++) {
        arr(`__w.shinit.${k}.${j}`, p.elem, shadowInit(k, j, p.values.length), true);
        arr(`__w.sh.${k}.${j}`, p.elem, p.values.map(() => 0), false);
      }
    }
  });
  out.push('@__w.fmt = private unnamed_addr constant [4 x i8] c"%a\\0A\\00"');
  out.push('@__w.hdr = private unnamed_addr constant [9 x i8] c"H %d %d\\0A\\00"');
  const printf = m.getFunction('printf');
  if (!printf) out.push(`declare i32 @printf(${ptrOf('i8')}, ...)`);
  const str = (g: string, n: number): string => (opaque ? `ptr @${g}` : `i8* getelementptr inbounds ([${n} x i8], [${n} x i8]* @${g}, i64 0, i64 0)`);
  const body: string[] = [];
  const emit = (s: string): void => { body.push(`  ${s}`); };
  const pr = (val: string, t: Type): void => {
    let d = val;
    if (t.kind === 'float' && t.fk !== 'double') { d = v(); emit(`${d} = fpext ${ty(t)} ${val} to double`); }
    if (t.kind === 'int') { d = v(); emit(`${d} = sitofp ${ty(t)} ${val} to double`); }
    emit(`call i32 (${ptrOf('i8')}, ...) @printf(${str('__w.fmt', 4)}, double ${d})`);
  };
  const copy = (dst: string, src: string, e: ElemType, len: number): void => {
    const at = `[${len} x ${elemTy(e)}]`;
    const x = v();
    emit(`${x} = load ${at}, ${ptrOf(at)} @${src}`);
    emit(`store ${at} ${x}, ${ptrOf(at)} @${dst}`);
  };
  const arrPtr = (g: string, e: ElemType, len: number, want: Type): string => {
    if (opaque) return `ptr @${g}`;
    const at = `[${len} x ${elemTy(e)}]`;
    return `${ty(want)} bitcast (${at}* @${g} to ${ty(want)})`;
  };
  const printArr = (g: string, e: ElemType, len: number): void => {
    const at = `[${len} x ${elemTy(e)}]`;
    for (let i = 0; i < len; i++) {
      const p = v(); const x = v();
      emit(`${p} = getelementptr inbounds ${at}, ${ptrOf(at)} @${g}, i64 0, i64 ${i}`);
      emit(`${x} = load ${elemTy(e)}, ${ptrOf(elemTy(e))} ${p}`);
      pr(x, e.kind === 'float' ? m.types.float(e.fk) : m.types.int(e.bits));
    }
  };
  const rt = fn.fnType.ret;
  /** One call of the width-`w` derivative; `lanes` are the lanes it computes (one for width 1). */
  const call = (w: number, lanes: number[]): void => {
    const r = res.get(w)!;
    params.forEach((p, k) => { if (p.elem) copy(`__w.buf.${k}`, `__w.init.${k}`, p.elem, p.values.length); });
    const args: string[] = [];
    params.forEach((p, k) => {
      if (p.elem) args.push(arrPtr(`__w.buf.${k}`, p.elem, p.values.length, p.type));
      else args.push(`${ty(p.type)} ${p.type.kind === 'float' ? fpLit(p.type.fk === 'float' ? Math.fround(p.values[0]!) : p.values[0]!) : p.values[0]!}`);
      if (p.act === 'dup' || p.act === 'dupnoneed') {
        lanes.forEach((lane, s) => {
          copy(`__w.sh.${k}.${s}`, `__w.shinit.${k}.${lane}`, p.elem!, p.values.length);
          args.push(arrPtr(`__w.sh.${k}.${s}`, p.elem!, p.values.length, p.type));
        });
      }
    });
    if (r.ret === 'active' || r.ret === 'activeonly') {
      const seeds = lanes.map((l) => `${ty(rt)} ${fpLit(rt.kind === 'float' && rt.fk === 'float' ? Math.fround(seedOf(l)) : seedOf(l))}`);
      args.push(w === 1 ? seeds[0]! : `[${w} x ${ty(rt)}] [${seeds.join(', ')}]`);
    }
    const gt = r.fn.fnType.ret;
    const res1 = v();
    emit(`${gt.kind === 'void' ? '' : `${res1} = `}call ${ty(gt)} @"${r.fn.name!}"(${args.join(', ')})`);
    lanes.forEach((lane, s) => {
      emit(`call i32 (${ptrOf('i8')}, ...) @printf(${str('__w.hdr', 9)}, i32 ${w}, i32 ${lane})`);
      let slot = 0;
      if ((r.ret === 'active' || r.ret === 'const') && rt.kind !== 'void') {
        const x = v(); emit(`${x} = extractvalue ${ty(gt)} ${res1}, 0`); pr(x, rt); slot = 1;
      }
      params.forEach((p) => {
        if (p.act !== 'active') return;
        const x = v();
        emit(`${x} = extractvalue ${ty(gt)} ${res1}, ${slot}${w === 1 ? '' : `, ${s}`}`);
        pr(x, p.type);
        slot++;
      });
      params.forEach((p, k) => {
        if (p.act === 'dup' || p.act === 'dupnoneed') printArr(`__w.sh.${k}.${s}`, p.elem!, p.values.length);
        if (p.elem && p.act !== 'dupnoneed') printArr(`__w.buf.${k}`, p.elem, p.values.length);
      });
    });
  };
  for (let lane = 0; lane < LANES; lane++) call(1, [lane]);
  for (const w of WIDTHS) call(w, Array.from({ length: w }, (_, k) => k));
  return `${out.join('\n')}\n\ndefine i32 @__wtest_main() {\nentry:\n${body.join('\n')}\n  ret i32 0\n}\n`;
}

/** `H w lane` groups of the output. */
function groups(stdout: string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of stdout.split('\n')) {
    const h = /^H (\d+) (\d+)$/.exec(line);
    if (h) { cur = []; g.set(`${h[1]}/${h[2]}`, cur); continue; }
    if (cur && line !== '') cur.push(line);
  }
  return g;
}

const FILES: { config: 'clang14' | 'clang19'; v: 14 | 19; opt: 'O0' | 'O2' }[] = [
  { config: 'clang14', v: 14, opt: 'O0' }, { config: 'clang14', v: 14, opt: 'O2' },
  { config: 'clang19', v: 19, opt: 'O0' }, { config: 'clang19', v: 19, opt: 'O2' },
];

for (const f of FILES) {
  const have = hasTool(tool('lli', f.v)) && hasTool(tool('llvm-as', f.v));
  describe.skipIf(!have).concurrent(`--width 2 and 4 equal per-lane width-1 runs: ${f.config} -${f.opt}`, () => {
    for (const c of CASES) {
      const path = join(GRAD, f.config, `${c.src}.${f.opt}.ll`);
      test.skipIf(!existsSync(path))(`${c.src}.${f.opt}.ll -f ${c.fn} --args ${c.args}`, async () => {
        const m = parseText(readFileSync(path, 'utf8'), path);
        const fn = m.getFunction(c.fn)!;
        const acts = parseArgList(c.args);
        const res = new Map<number, GradResult>();
        for (const w of [1, ...WIDTHS]) {
          res.set(w, gradModule(m, { fn: c.fn, args: acts, ...(c.ret ? { ret: parseRet(c.ret) } : {}), width: w, name: `__wgrad${w}` }, null));
        }
        // The batched signature (contract section 6): N shadows per dup, [N x T] seed and gradients.
        for (const w of WIDTHS) {
          const ft = res.get(w)!.fn.fnType;
          const nShadows = acts.filter((a) => a === 'dup' || a === 'dupnoneed').length;
          const seeded = res.get(w)!.ret === 'active' || res.get(w)!.ret === 'activeonly';
          expect(ft.params.length).toBe(fn.args.length + w * nShadows + (seeded ? 1 : 0));
          if (seeded) expect(printType(ft.params[ft.params.length - 1]!)).toBe(`[${w} x ${printType(fn.fnType.ret)}]`);
          const grads = fn.args.filter((_, k) => acts[k] === 'active').map((a) => `[${w} x ${printType(a.type)}]`);
          if (grads.length) expect(printType(ft.ret)).toContain(grads.join(', '));
        }
        expect(verifyModule(m, null).map((d) => d.message)).toEqual([]);
        const derived = printModule(m);
        const as = await run(tool('llvm-as', f.v), ['--disable-output', '-'], derived);
        expect(as.stderr).toBe('');
        expect(as.code).toBe(0);

        const atItems = parseAt(c.at);
        const params: Param[] = fn.args.map((a, k) => {
          const item = atItems[k]!;
          if (a.type.kind === 'pointer') {
            const elem = item.kind === 'array' && item.elem ? item.elem : inferElemType(fn, k);
            return { act: acts[k]!, type: a.type, elem, values: item.kind === 'array' ? item.values : [] };
          }
          return { act: acts[k]!, type: a.type, elem: null, values: [item.kind === 'scalar' ? item.value : 0] };
        });
        const text = `${derived}\n${driver(m, fn, params, res)}`;
        const lli = findLli(m.dialect, process.env, producerVersion(m));
        if (typeof lli === 'string') throw new Error(lli);
        const r = await runLli(lli, text, '__wtest_main', 120_000);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const g = groups(r.stdout);
        expect(g.size).toBe(LANES + WIDTHS.reduce((s, w) => s + w, 0));
        // Lanes differ from each other (different seeds and shadows), so equal lanes are no accident.
        const lane0 = g.get('1/0')!;
        expect(lane0.length).toBeGreaterThan(0);
        for (let l = 1; l < LANES; l++) expect(g.get(`1/${l}`)).not.toEqual(lane0);
        for (const w of WIDTHS) {
          for (let l = 0; l < w; l++) expect(g.get(`${w}/${l}`), `width ${w} lane ${l}`).toEqual(g.get(`1/${l}`));
        }
      }, 120_000);
    }
  });
}

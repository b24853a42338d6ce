// Integer carriers of floating data (src/ad/canonical.ts): hand-written shapes clang does not emit
// reliably (phis and selects of i64 loads, <2 x i64> shuffles and element moves, i32 copies of
// floats, integer constants stored into double memory, sign-bit xor / and), in both pointer
// dialects. Each derivative is run with lli and compared with central finite differences by
// `enzyme-ts check`; what the type analysis cannot prove stays E0403.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT, hasTool } from '../util/llvm.js';
import { runCli, type CliResult } from '../util/cli.js';


/** The 1-based line of the first line starting with `text` after the definition of @fn. */
function lineOf(file: string, fn: string, text: string): number {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const def = lines.findIndex((l) => l.startsWith('define') && l.includes(`@${fn}(`));
  const at = lines.findIndex((l, k) => k > def && l.startsWith(text));
  expect(def >= 0 && at > def, `${text} in @${fn} of ${file}`).toBe(true);
  return at + 1;
}

const cli = (args: string[]): CliResult => runCli(args);

const CHECKS: string[][] = [
  ['-f', 'phi_pick', '--args', 'dup,dup,dup,const', '--at', '[0.5],[1.5],[-2],1'],
  ['-f', 'phi_pick', '--args', 'dup,dup,dup,const', '--at', '[0.5],[1.5],[-2],-1'],
  ['-f', 'phi_pick', '--args', 'dup,const,dup,const', '--at', '[0.5],[1.5],[-2],1'],
  ['-f', 'loop_carry', '--args', 'dup,const', '--at', '[0.5 2.5 -1 1.5],4'],
  ['-f', 'vec_swap', '--args', 'dup', '--at', '[0.5 1.5 -2 3]'],
  ['-f', 'float_bits', '--args', 'dup,const', '--at', '[0.5 1.5 -2],1'],
  ['-f', 'float_bits', '--args', 'dup,const', '--at', '[0.5 1.5 -2],0'],
  ['-f', 'const_abs', '--args', 'dup', '--at', '[0.5 -1.5]'],
  ['-f', 'const_abs', '--args', 'dup', '--at', '[0.5 1.25]'],
  ['-f', 'mask_exponent', '--args', 'active', '--at', '1.3'],
  ['-f', 'calls_swap', '--args', 'dup', '--at', '[0.5 -1.5]'],
  // batched (--width): every lane against finite differences
  ['-f', 'calls_swap', '--args', 'dup', '--at', '[0.5 -1.5]', '--width', '3'],
  ['-f', 'vec_swap', '--args', 'dup', '--at', '[0.5 1.5 -2 3]', '--width', '2'],
  // the integer round trip through calls is fine when nothing active crosses it
  ['-f', 'bits_roundtrip', '--args', 'const,active', '--at', '1.5,-0.5'],
];

const DIALECTS = [
  { name: 'opaque', file: 'test/ad/inputs/intcopy.opaque.ll', lli: 'lli-19' },
  { name: 'typed', file: 'test/ad/inputs/intcopy.typed.ll', lli: 'lli' },
];

for (const d of DIALECTS) {
  describe.skipIf(!hasTool(d.lli))(`integer copies of floating data (${d.name} pointers)`, () => {
    for (const c of CHECKS) {
      it(`check ${c.join(' ')}`, () => {
        const r = cli(['check', d.file, ...c]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^ok: \d+ values agree/m);
      });
    }

    it('integer arithmetic on the bits (not a sign operation) stays E0403 at the integer load', () => {
      const r = cli(['grad', d.file, '-f', 'int_arith', '--args', 'dup']);
      expect(r.code).toBe(1);
      const line = lineOf(d.file, 'int_arith', '  %v = load i64');
      expect(r.stderr).toContain(`${d.file}:${line}:3: error[E0403]: cannot differentiate @int_arith: an integer load (i64) of memory that holds floating data is not supported yet`);
    });

    it('floats crossing a call as integers on the active path: E0403 at the call, not a lost derivative', () => {
      let r = cli(['grad', d.file, '-f', 'bits_roundtrip', '--args', 'active,active']);
      expect(r.code).toBe(1);
      let line = lineOf(d.file, 'bits_roundtrip', '  %b = call i64 @to_bits');
      expect(r.stderr).toContain(`${d.file}:${line}:3: error[E0403]: cannot differentiate @bits_roundtrip: the integer result (i64) of @to_bits carries floating data; floats passed to or returned from a function as integers are not supported yet`);
      expect(r.stderr).toContain('note: keep the value floating across the call');
      r = cli(['grad', d.file, '-f', 'bits_arg', '--args', 'active']);
      expect(r.code).toBe(1);
      line = lineOf(d.file, 'bits_arg', '  %y = call double @from_bits');
      expect(r.stderr).toContain(`${d.file}:${line}:3: error[E0403]: cannot differentiate @bits_arg: argument 1 (i64) of @from_bits carries floating data`);
    });

    it('the primal function in the output is the input one, untouched', () => {
      const fmt = cli(['fmt', d.file]);
      expect(fmt.code).toBe(0);
      for (const f of ['phi_pick', 'vec_swap', 'float_bits', 'const_abs']) {
        const r = cli(['grad', d.file, '-f', f, '--args', f === 'phi_pick' ? 'dup,dup,dup,const' : f === 'float_bits' ? 'dup,const' : 'dup']);
        expect(r.code, r.stderr).toBe(0);
        const body = (text: string): string => {
          const at = text.indexOf(`@${f}(`);
          const start = text.lastIndexOf('define', at);
          return text.slice(start, text.indexOf('\n}\n', at) + 2);
        };
        expect(body(r.stdout)).toBe(body(fmt.stdout));
        expect(body(r.stdout)).toMatch(/i64|i32/);
      }
    });
  });
}

describe.skipIf(!hasTool('lli-19'))('integer copies the analysis cannot type', () => {
  const file = 'test/ad/inputs/intcopy.opaque.ll';
  const line = lineOf(file, 'unknown_copy', '  %v = load i64');
  it('an i64 copy between two bare ptr parameters: E0403 at the load, a warning with --loose-types', () => {
    let r = cli(['grad', file, '-f', 'unknown_copy', '--args', 'dup,dup']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:${line}:3: error[E0403]: cannot differentiate @unknown_copy: an integer load (i64) of memory that may hold floating data (nothing in the IR says what it holds) is not supported yet`);
    expect(r.stderr).toContain('note: pass --loose-types');
    r = cli(['grad', file, '-f', 'unknown_copy', '--args', 'dup,dup', '--loose-types']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${file}:${line}:3: warning[E0403]: @unknown_copy: an integer load of active memory is treated as non-differentiable (--loose-types)`);
  });
});

// Forward mode on the gradient proof corpus (fixtures/grad/: C written for reverse mode, compiled
// by clang 14 and clang 19 at -O0 and -O2) and on the forward corpus (fixtures/fwd/): every
// `// CHECK:` line becomes `enzyme-ts check --forward` with the same point (reverse activities
// mapped: active -> dup), which runs the forward derivative under lli and compares every output's
// tangent with central differences along the tangent's direction. Some checks also run with
// width 3 (each lane equal to a width-1 call, bit for bit) and against reverse mode (every
// forward Jacobian column equal to reverse mode's rows).
//
// CI runs a deterministic sample: each check of fixtures/fwd at one of the four compiler / -O
// configurations (rotating; vec_* also at -O3), every third check of fixtures/grad likewise;
// `npm run fwd-corpus` (ENZYME_TS_FWD_ALL=1) runs every check at every configuration.
// ENZYME_TS_FWD_FILTER=REGEX keeps the checks whose name matches.
import { describe, expect, test } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runFwdCheck, type FwdCheckOptions } from '../../src/driver/check-fwd.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { renderAll } from '../../src/diag/render.js';
import { ROOT, hasTool } from '../util/llvm.js';
import { checksOf, pool } from './util.js';

const ALL_CONFIGS = !!process.env.ENZYME_TS_FWD_ALL;
const FILTER = process.env.ENZYME_TS_FWD_FILTER ? new RegExp(process.env.ENZYME_TS_FWD_FILTER) : null;
const withSlot = pool(Math.max(1, Number(process.env.ENZYME_TS_GRAD_JOBS ?? '3') || 3));
const CONFIGS = [['clang14', 'O0'], ['clang14', 'O2'], ['clang19', 'O0'], ['clang19', 'O2'], ['clang14', 'O3'], ['clang19', 'O3']] as const;
const HAS_LLI = { clang14: hasTool('lli'), clang19: hasTool('lli-19') };

const REV_TO_FWD: Record<string, string> = { active: 'dup', out: 'dup', dup: 'dup', duplicated: 'dup', dupnoneed: 'dupnoneed', const: 'const', constant: 'const' };
const RET_TO_FWD: Record<string, string> = { active: 'dup', activeonly: 'dupnoneed', const: 'const', none: 'none' };

/** A CHECK line as options of `check --forward`, or null when it does not apply to forward mode (reverse custom derivatives). */
function forwardOptions(args: string[], mapReverse: boolean): Omit<FwdCheckOptions, 'input'> | null {
  const o: Omit<FwdCheckOptions, 'input'> = { fn: '' };
  for (let k = 0; k < args.length; k += 2) {
    const flag = args[k]!;
    const v = args[k + 1] ?? '';
    switch (flag) {
      case '-f': o.fn = v; break;
      case '--args': o.args = mapReverse ? v.split(',').map((w) => REV_TO_FWD[w.trim().toLowerCase()] ?? w).join(',') : v; break;
      case '--ret': o.ret = mapReverse ? RET_TO_FWD[v.trim().toLowerCase()] ?? v : v; break;
      case '--at': o.at = v; break;
      case '--len': o.len = v; break;
      case '--seed': o.seed = v; break;
      case '--tol': o.tol = v; break;
      case '--width': o.width = v; break;
      case '--checkpoint': break;
      case '--custom': case '--inactive': return null;
      default: throw new Error(`unknown check option ${flag}`);
    }
  }
  return o;
}

async function run(opts: FwdCheckOptions): Promise<{ code: number; text: string }> {
  return withSlot(async () => {
    let text = '';
    try {
      const code = await runFwdCheck({ ...opts, out: (s) => { text += s; } });
      return { code, text };
    } catch (e) {
      if (e instanceof DiagnosticError) return { code: e.exitCode, text: text + renderAll(e.diagnostics, { color: false }) };
      return { code: 3, text: text + (e instanceof Error ? (e.stack ?? e.message) : String(e)) };
    }
  });
}

for (const corpus of ['grad', 'fwd'] as const) {
  const dir = join(ROOT, 'fixtures', corpus);
  const srcDir = join(dir, 'src');
  const sources = existsSync(srcDir) ? readdirSync(srcDir).filter((f) => /\.(c|cpp)$/.test(f)).sort() : [];
  // Each check gets an index; the CI sample of the reverse corpus runs check g at configuration g mod 4.
  const checks = sources.flatMap((src) => checksOf(readFileSync(join(srcDir, src), 'utf8')).map((c) => ({ src, c })));
  for (const [ci, [config, opt]] of CONFIGS.entries()) {
    describe.skipIf(!HAS_LLI[config]).concurrent(`check --forward on fixtures/${corpus}, ${config} -${opt}`, () => {
      checks.forEach(({ src, c }, g) => {
        // (-O3 exists only for vec_* sources, which then run at every level.)
        if (!ALL_CONFIGS && g % 4 !== ci && !(src.startsWith('vec_') && opt === 'O3')) return;
        if (!ALL_CONFIGS && corpus === 'grad' && g % 3 !== 0) return;
        const name = src.replace(/\.(c|cpp)$/, '');
        const path = join(dir, config, `${name}.${opt}.ll`);
        if (!existsSync(path)) return;
        const o = forwardOptions(c.args, corpus === 'grad');
        const title = `${config}/${name}.${opt}.ll: ${c.line}`;
        if (!o || (FILTER && !FILTER.test(title))) return;
        // Every third check also runs at width 3 (each lane equal to a width-1 call) and against reverse mode.
        const extra = (corpus === 'grad' ? g % 9 === 0 : g % 3 === 0) ? { width: o.width ?? '3', lanesVsWidth1: true, againstReverse: true } : {};
        test(title, async () => {
          const r = await run({ input: path, ...o, ...extra });
          expect(r.code, `$ enzyme-ts check --forward ${path.slice(ROOT.length + 1)} ${c.line}\n${r.text}`).toBe(0);
        }, 180_000);
      });
    });
  }
}

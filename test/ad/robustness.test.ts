// "Fails clearly on what it cannot do": every defined function of the real-code corpus
// (fixtures/corpus: C libraries compiled by clang 14 and 19) that takes or returns floats or
// pointers is differentiated with default activities. Each attempt must end in valid IR or in a
// located diagnostic with a code: never an internal error, a crash or invalid output.
// Six functions per module, four configurations (about 900 functions). Modules are read as the
// CLI reads them (lazily: bodies no derivative reaches stay text), once per attempt.
import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from '../util/llvm.js';
import { parseModuleLazy } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/diag/source.js';
import { gradModule } from '../../src/ad/grad.js';
import { verifyFunction, verifyModule } from '../../src/ir/verify.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';

const CONFIGS = ['clang14-O0', 'clang14-O2', 'clang19-O0', 'clang19-O2'];
const PER_MODULE = 6;

describe('every corpus function differentiates or gets a coded diagnostic', () => {
  for (const cfg of CONFIGS) {
    test(cfg, () => {
      const tally = new Map<string, number>();
      const problems: string[] = [];
      for (const f of readdirSync(join(CORPUS, cfg)).filter((x) => x.endsWith('.ll')).sort()) {
        const path = join(CORPUS, cfg, f);
        const text = readFileSync(path, 'utf8');
        const names = parseModuleLazy(new SourceFile(f, text)).module.functions
          .filter((g) => !g.isDeclaration && g.name !== null
            && (g.args.some((a) => a.type.kind === 'float' || a.type.kind === 'pointer') || g.fnType.ret.kind === 'float'))
          .slice(0, PER_MODULE).map((g) => g.name!);
        for (const name of names) {
          const file = new SourceFile(f, text);
          const m = parseModuleLazy(file, { verify: (g) => verifyFunction(g, file) }).module;
          let key: string;
          try {
            gradModule(m, { fn: name }, file);
            const bad = verifyModule(m, null);
            key = bad.length ? 'invalid' : 'ok';
            if (bad.length) problems.push(`${cfg}/${f} @${name}: invalid IR: ${bad[0]!.message}`);
          } catch (e) {
            if (!(e instanceof DiagnosticError)) {
              key = 'crash';
              problems.push(`${cfg}/${f} @${name}: ${e instanceof Error ? e.message : String(e)}`);
            } else {
              const d = e.diagnostics[0]!;
              key = d.code;
              if (d.code === 'E0999') problems.push(`${cfg}/${f} @${name}: ${d.message}`);
              else if (d.start < 0 && d.code !== 'E0404') problems.push(`${cfg}/${f} @${name}: ${d.code} without a location: ${d.message}`);
            }
          }
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
      }
      if (process.env.ENZYME_TS_TALLY) console.log(cfg, JSON.stringify([...tally].sort()));
      expect(problems, problems.slice(0, 10).join('\n')).toEqual([]);
      expect(tally.get('ok') ?? 0).toBeGreaterThan(100);
    }, 900_000); // several minutes alone; far more on a loaded machine
  }
});

// `npm run sweep-frontend -- --mutate [--count N] [--seed S]`: differential
// testing of the front end against LLVM's assembler. Small corpus modules are
// mutated (flags, types, opcodes, numbers, attributes, datalayout, tokens), and
// every mutant goes through enzyme-ts (parse + verify) and `llvm-as` of the
// module's LLVM version. Disagreements are grouped by LLVM's message:
//   - LLVM rejects, enzyme-ts accepts: a check is missing;
//   - LLVM accepts, enzyme-ts rejects: valid IR refused.
// Mutants of the kinds found here are kept as fixtures (fixtures/errors) and in
// test/fuzz/mutations.test.ts, which asks llvm-as about a seeded sample in CI.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from '../../src/syntax/parse.js';
import { verifyModule } from '../../src/ir/verify.js';
import { DiagnosticError } from '../../src/diag/diagnostic.js';
import { SourceFile } from '../../src/diag/source.js';
import { MUTATORS, mulberry, type Mutant } from './mutators.js';

interface Verdict { ok: boolean; message: string; located: boolean }

export function ours(text: string): Verdict {
  try {
    const f = new SourceFile('mutant.ll', text);
    const m = parseModule(f);
    const v = verifyModule(m, f);
    if (v.length) return { ok: false, message: `${v[0]!.code} ${v[0]!.message}`, located: v[0]!.start >= 0 };
    return { ok: true, message: '', located: true };
  } catch (e) {
    if (e instanceof DiagnosticError) {
      const d = e.diagnostics[0]!;
      return { ok: false, message: `${d.code} ${d.message}`, located: d.start >= 0 || d.code === 'E0005' };
    }
    return { ok: false, message: `CRASH ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, located: false };
  }
}

export function llvmAs(version: 14 | 19, text: string): Promise<Verdict> {
  return new Promise((resolve) => {
    const child = execFile(version === 14 ? 'llvm-as' : 'llvm-as-19', ['--disable-output', '-'], { encoding: 'utf8', maxBuffer: 1 << 28 }, (err, _o, stderr) => {
      const lines = stderr.split('\n');
      // the verifier's own message is on the line after "does not verify"
      const e = lines.findIndex((l) => l.includes('error:') || l.includes('LLVM ERROR'));
      const k = e >= 0 ? e : 0;
      let line = lines[k] ?? '';
      if (/does not verify/.test(line) && lines[k + 1]) line = lines[k + 1]!;
      resolve({ ok: !err, message: line.replace(/^.*?error: /, '').replace(/^LLVM ERROR: /, ''), located: true });
    });
    child.stdin!.on('error', () => { /* exited early */ });
    child.stdin!.end(text);
  });
}

/** Groups LLVM messages that differ only in names, numbers and types. */
function category(msg: string): string {
  return msg.replace(/'[^']*'/g, "'_'").replace(/"[^"]*"/g, '"_"').replace(/%[\w.$-]+|@[\w.$-]+/g, 'V').replace(/\b\d+\b/g, 'N').slice(0, 100);
}

function corpus(root: string, maxBytes: number): { path: string; text: string; version: 14 | 19 }[] {
  const dir = join(root, 'fixtures', 'corpus');
  const out: { path: string; text: string; version: 14 | 19 }[] = [];
  for (const cfg of readdirSync(dir).sort()) {
    if (!cfg.startsWith('clang')) continue;
    const version = cfg.startsWith('clang14') ? 14 : 19;
    for (const f of readdirSync(join(dir, cfg)).sort()) {
      const p = join(dir, cfg, f);
      if (!f.endsWith('.ll') || statSync(p).size > maxBytes) continue;
      out.push({ path: `${cfg}/${f}`, text: readFileSync(p, 'utf8'), version });
    }
  }
  return out;
}

export async function runMutate(root: string, count: number, seed: number, outDir: string, jobs: number): Promise<boolean> {
  const files = corpus(root, 40_000);
  const rnd = mulberry(seed);
  const groups = new Map<string, { dir: 'missing-check' | 'refused-valid' | 'unlocated'; n: number; example: Mutant & { ours: string; llvm: string; version: number } }>();
  let agree = 0; let done = 0;
  const work: { m: Mutant; version: 14 | 19 }[] = [];
  for (let i = 0; i < count; i++) {
    const f = files[Math.floor(rnd() * files.length)]!;
    const kinds = Object.keys(MUTATORS);
    const kind = kinds[Math.floor(rnd() * kinds.length)]!;
    const m = MUTATORS[kind]!(f.text, rnd);
    if (!m) continue;
    work.push({ m: { ...m, what: `${f.path}: ${m.what}` }, version: f.version });
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const { m, version } = work[next++]!;
      const a = ours(m.text);
      const b = await llvmAs(version, m.text);
      done++;
      if (done % 200 === 0) process.stderr.write(`  ${done}/${work.length}\n`);
      let dir: 'missing-check' | 'refused-valid' | 'unlocated' | null = null;
      if (a.ok && !b.ok) dir = 'missing-check';
      else if (!a.ok && b.ok) dir = 'refused-valid';
      else if (!a.ok && !a.located) dir = 'unlocated';
      if (!dir) { agree++; continue; }
      const key = `${dir} | ${dir === 'refused-valid' ? category(a.message) : category(b.message)}`;
      const g = groups.get(key);
      if (g) g.n++;
      else groups.set(key, { dir, n: 1, example: { ...m, ours: a.message, llvm: b.message, version } });
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  mkdirSync(outDir, { recursive: true });
  const lines = [`mutants: ${work.length}; agree: ${agree}; disagreements: ${work.length - agree} in ${groups.size} groups`];
  let k = 0;
  for (const [key, g] of [...groups].sort((x, y) => y[1].n - x[1].n)) {
    const file = join(outDir, `${String(k++).padStart(3, '0')}-${g.dir}.ll`);
    writeFileSync(file, g.example.text);
    lines.push(`${String(g.n).padStart(5)}  ${key}\n       ${g.example.what}\n       llvm-as-${g.example.version}: ${g.example.llvm}\n       enzyme-ts: ${g.example.ours || 'accepted'}\n       ${file}`);
  }
  const report = lines.join('\n') + '\n';
  writeFileSync(join(outDir, 'report.txt'), report);
  process.stdout.write(report);
  return groups.size === 0;
}

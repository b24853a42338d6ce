// Writes generated programs without running them: `node dist/tools/fuzz-grad/emit.js SEED COUNT DIR [VERSION] [RUST_WEIGHT]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateProgram } from './program.js';
import { renderProgram } from './checker.js';
import { hashSeed } from './rng.js';

const [seed = '1', count = '1', dir = '.', version, rustWeight] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
for (let i = 0; i < Number(count); i++) {
  const id = `${seed}-${i}`;
  const p = generateProgram(hashSeed(id), id, { weights: rustWeight ? { rust: Number(rustWeight) } : {}, ...(version ? { version: Number(version) } : {}) });
  const ext = p.lang === 'cpp' ? 'cpp' : p.lang === 'rust' ? 'rs' : 'c';
  const s = renderProgram(p);
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(join(dir, id, `prog.${ext}`), s.test);
  writeFileSync(join(dir, id, `check.${ext === 'rs' ? 'c' : ext}`), s.check);
  if (s.glue) writeFileSync(join(dir, id, 'glue.c'), s.glue);
}

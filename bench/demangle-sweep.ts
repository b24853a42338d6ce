// `npm run demangle:sweep`: every C++ and Rust symbol this machine's libraries export (nm),
// demangled by GNU c++filt and by src/demangle, and how often the two agree. The committed
// test set (test/demangle/cxxfilt-cases.txt) is a sample of such runs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { demangleItanium } from '../src/demangle/itanium.js';
import { demangleRust } from '../src/demangle/rust.js';

function symbols(file: string, dynamic: boolean): string[] {
  try {
    const out = execFileSync('nm', [...(dynamic ? ['-D'] : []), file], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').map((l) => l.split(' ').pop()!.replace(/@.*/, '')).filter((n) => /^_[ZR]/.test(n));
  } catch {
    return [];
  }
}

function libraries(): string[] {
  const out: string[] = [];
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu']) {
    if (existsSync(dir)) for (const f of readdirSync(dir)) if (/^lib.*\.so(\.\d+)*$/.test(f)) out.push(join(dir, f));
  }
  for (const v of ['14', '19']) {
    const dir = `/usr/lib/llvm-${v}/lib`;
    if (existsSync(dir)) for (const f of readdirSync(dir)) if (/^libLLVM.*\.so\.\d/.test(f) || /^libclang-cpp\.so\./.test(f)) out.push(join(dir, f));
  }
  try {
    const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
    for (const f of readdirSync(join(sysroot, 'lib'))) if (/^librustc_driver-.*\.so$/.test(f)) out.push(join(sysroot, 'lib', f));
  } catch { /* no rustc */ }
  return out;
}

const names = [...new Set(libraries().flatMap((f) => symbols(f, true)))].sort();
const want = execFileSync('c++filt', [], { input: names.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 }).split('\n');
const tally = { cxx: [0, 0, 0], rust: [0, 0, 0] };
const shown: string[] = [];
const t0 = performance.now();
names.forEach((n, k) => {
  const rust = n.startsWith('_R') || /17h[0-9a-f]{16}E$/.test(n);
  const got = n.startsWith('_R') ? demangleRust(n, { rustHash: true }) : (demangleRust(n, { rustHash: true }) ?? demangleItanium(n));
  const t = rust ? tally.rust : tally.cxx;
  if (want[k] === n) { t[2]!++; return; } // c++filt cannot read it either
  if (got === want[k]) t[0]!++;
  else { t[1]!++; if (shown.length < 10) shown.push(`${n}\n  c++filt: ${want[k]}\n  ours:    ${got}`); }
});
const ms = performance.now() - t0;
for (const [what, [ok, bad, skipped]] of Object.entries(tally)) {
  console.log(`${what}: ${ok} agree, ${bad} differ (${((100 * ok) / Math.max(1, ok + bad)).toFixed(3)}%), ${skipped} c++filt cannot read`);
}
console.log(`${names.length} names in ${ms.toFixed(0)} ms`);
if (shown.length) console.log(`\nfirst differences:\n${shown.join('\n')}`);

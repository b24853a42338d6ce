// The Rust toolchain `enzyme-ts cargo` works with: its rustc, its sysroot, the LLVM shared
// library it ships, and the small LLVM helper program (rust/llvm-helper/main.rs) that enzyme-ts
// builds once per toolchain with that rustc and keeps in a cache directory.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../diag/diagnostic.js';

export interface Toolchain {
  /** How to run this toolchain's rustc: the program and the leading arguments (`+nightly`). */
  rustc: string[];
  /** `rustc -vV`, verbatim. */
  version: string;
  release: string;
  host: string;
  llvmMajor: number;
  sysroot: string;
  /** The LLVM shared library rustc itself uses. */
  libLLVM: string;
}

/** The repository (or installed package) root: where rust/ lives. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'rust', 'llvm-helper', 'main.rs'))) return dir;
    dir = dirname(dir);
  }
  return fail('E0462', 'cannot find rust/llvm-helper/main.rs next to the enzyme-ts installation', null);
}

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'enzyme-ts');
}

function run(cmd: string[], cwd?: string): { ok: boolean; stdout: string; stderr: string; missing: boolean } {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', cwd, maxBuffer: 64 << 20 });
  if (r.error) return { ok: false, stdout: '', stderr: r.error.message, missing: (r.error as NodeJS.ErrnoException).code === 'ENOENT' };
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr, missing: false };
}

/**
 * The toolchain cargo will use in `cwd`: `$RUSTC` if set, else `rustc` (rustup's proxy picks the
 * toolchain from `+name`, rust-toolchain.toml or the default, as it does for cargo).
 */
export function findToolchain(plusToolchain: string | null, cwd?: string): Toolchain {
  const rustc = [process.env.RUSTC || 'rustc', ...(plusToolchain ? [plusToolchain] : [])];
  const v = run([...rustc, '-vV'], cwd);
  if (v.missing) {
    fail('E0460', `no Rust toolchain: '${rustc[0]}' was not found on PATH`, null, -1, -1,
      ['install one with rustup (https://rustup.rs): curl https://sh.rustup.rs -sSf | sh', 'or point RUSTC at a rustc']);
  }
  if (!v.ok) {
    fail('E0460', `'${rustc.join(' ')} -vV' failed: ${firstLines(v.stderr)}`, null, -1, -1,
      plusToolchain ? [`is the toolchain installed? rustup toolchain install ${plusToolchain.slice(1)}`] : ['check the rustup default: rustup show']);
  }
  const field = (k: string): string => new RegExp(`^${k}: (.*)$`, 'm').exec(v.stdout)?.[1]?.trim() ?? '';
  const llvm = field('LLVM version');
  const sys = run([...rustc, '--print', 'sysroot'], cwd);
  if (!sys.ok) fail('E0460', `'${rustc.join(' ')} --print sysroot' failed: ${firstLines(sys.stderr)}`, null);
  const sysroot = sys.stdout.trim();
  const tc: Toolchain = {
    rustc, version: v.stdout, release: field('release'), host: field('host'),
    llvmMajor: Number(llvm.split('.')[0] ?? 0), sysroot, libLLVM: '',
  };
  tc.libLLVM = findLibLLVM(tc);
  return tc;
}

/** The first lines of a tool's error output, up to any backtrace, on one line. */
function firstLines(s: string): string {
  const lines: string[] = [];
  for (const l of s.split('\n')) {
    if (/^\s*Stack backtrace:|^\s*\d+: /.test(l)) break;
    if (l.trim()) lines.push(l.trim());
  }
  return lines.slice(0, 3).join(' / ') || '(no output)';
}

/**
 * `<sysroot>/lib/libLLVM*.so*` as rustup ships it; failing that, the libLLVM the compiler's
 * driver library is linked against (distribution packages of rustc use the system's LLVM).
 */
export function findLibLLVM(tc: Pick<Toolchain, 'sysroot' | 'release' | 'llvmMajor'>): string {
  const lib = join(tc.sysroot, 'lib');
  let names: string[] = [];
  try { names = readdirSync(lib); } catch { /* reported below */ }
  const cands = names.filter((n) => /^libLLVM[-.].*\.(so|dylib)(\.|$)/.test(n) || /^libLLVM.*\.so\./.test(n)).sort();
  // Prefer the versioned file over the symlink-like short names: any works for linking.
  if (cands.length) return join(lib, cands.find((n) => n.endsWith('.so')) ?? cands[0]!);
  const driver = names.find((n) => /^librustc_driver-.*\.(so|dylib)$/.test(n));
  if (driver) {
    const ldd = run(['ldd', join(lib, driver)]);
    const m = /(\S*libLLVM[^\s]*)\s+=>\s+(\S+)/.exec(ldd.stdout);
    if (m && existsSync(m[2]!)) return m[2]!;
  }
  return fail('E0461', `the Rust toolchain at ${tc.sysroot} (rustc ${tc.release}) has no LLVM shared library (lib/libLLVM*.so)`, null, -1, -1, [
    'enzyme-ts compiles the differentiated program with the LLVM that ships with rustc; rustup toolchains include it',
    'install one with rustup (https://rustup.rs) and run enzyme-ts cargo with it (e.g. enzyme-ts cargo +stable build)',
  ]);
}

/** A short hash of what the helper binary depends on. */
function helperKey(tc: Toolchain, source: string): string {
  return createHash('sha256').update(tc.version).update('\0').update(tc.sysroot).update('\0').update(tc.libLLVM).update('\0').update(source)
    .digest('hex').slice(0, 16);
}

/**
 * The LLVM helper for this toolchain, built on first use into the cache:
 * `<cache>/<key>/enzyme-ts-llvm`. Concurrent builds each write a temporary file and rename it.
 */
export function ensureHelper(tc: Toolchain, log: (line: string) => void): string {
  const srcPath = join(packageRoot(), 'rust', 'llvm-helper', 'main.rs');
  const source = readFileSync(srcPath, 'utf8');
  const dir = join(cacheDir(), helperKey(tc, source));
  const exe = join(dir, 'enzyme-ts-llvm');
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  log(`enzyme-ts: building the LLVM helper for rustc ${tc.release} (once per toolchain) in ${dir}`);
  // A folder of its own: rustc names its intermediate objects after the crate, so two builds
  // in one folder at once (two `enzyme-ts cargo` runs on a fresh cache) remove each other's.
  const work = mkdtempSync(join(dir, 'build-'));
  const tmp = join(work, 'enzyme-ts-llvm');
  const libDir = dirname(tc.libLLVM);
  const r = run([...tc.rustc, '-O', '--edition=2021', srcPath, '-o', tmp,
    '-C', `link-arg=${tc.libLLVM}`, '-C', `link-arg=-Wl,-rpath,${libDir}`]);
  if (!r.ok || !existsSync(tmp)) {
    rmSync(work, { recursive: true, force: true });
    fail('E0462', `cannot build the LLVM helper with ${tc.rustc.join(' ')} against ${tc.libLLVM}`, null, -1, -1,
      [firstLines(r.stderr), `the helper needs LLVM's C API of LLVM 18 or newer (Rust 1.78 or newer); this toolchain has LLVM ${tc.llvmMajor}`]);
  }
  renameSync(tmp, exe);
  rmSync(work, { recursive: true, force: true });
  return exe;
}

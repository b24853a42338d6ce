// Debian source packages for the sweep: fetched with `apt-get source` into a
// cache directory (never into the repository), compiled file by file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN, type Source } from './matrix.js';

function unpacked(dir: string, pkg: string): string | null {
  if (!existsSync(dir)) return null;
  const d = readdirSync(dir).filter((f) => f.startsWith(`${pkg}-`) && /^[0-9]/.test(f.slice(pkg.length + 1))).sort();
  return d.length ? join(dir, d[d.length - 1]!) : null;
}

function tryRun(cmd: string, args: string[], cwd: string): boolean {
  try {
    execFileSync(cmd, args, { cwd, stdio: 'ignore', timeout: 300_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Downloads (once) and unpacks a source package. The newest version first; when the mirror
 * lacks it (security updates are not always mirrored), each older version apt knows.
 */
function fetch(dir: string, pkg: string, log: (s: string) => void): string | null {
  const have = unpacked(dir, pkg);
  if (have) return have;
  if (tryRun('apt-get', ['source', '-q', pkg], dir)) return unpacked(dir, pkg);
  let versions: string[] = [];
  try {
    const out = execFileSync('apt-cache', ['showsrc', pkg], { encoding: 'utf8' });
    versions = [...out.matchAll(/^Version: (.+)$/gm)].map((m) => m[1]!);
  } catch { /* no such package */ }
  for (const v of versions) if (tryRun('apt-get', ['source', '-q', `${pkg}=${v}`], dir)) return unpacked(dir, pkg);
  log(`debian: cannot fetch ${pkg} (needs deb-src entries in apt and network; see fixtures/README.md)`);
  return null;
}

function expand(root: string, pattern: string): string[] {
  const star = pattern.indexOf('*');
  if (star < 0) return existsSync(join(root, pattern)) ? [pattern] : [];
  const slash = pattern.lastIndexOf('/', star);
  const dir = slash < 0 ? '' : pattern.slice(0, slash);
  const re = new RegExp(`^${pattern.slice(slash + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).filter((f) => re.test(f)).sort().map((f) => (dir ? `${dir}/${f}` : f));
}

/** Sources of the Debian packages (fetched into `cache/debsrc` on first use). */
export function debianSources(cache: string, programs: string, log: (s: string) => void): Source[] {
  const dir = join(cache, 'debsrc');
  mkdirSync(dir, { recursive: true });
  const gen = join(dir, 'gen');
  mkdirSync(gen, { recursive: true });
  writeFileSync(join(gen, 'lua5.4-deb-multiarch.h'), '#define DEB_HOST_MULTIARCH "x86_64-linux-gnu"\n');
  const out: Source[] = [];
  for (const p of DEBIAN) {
    const root = fetch(dir, p.pkg, log);
    if (!root) continue;
    const flags = p.flags.map((f) => f.replace('{GEN}', gen));
    for (const spec of p.files) {
      const files = spec.startsWith('{PROGRAM}') ? [join(programs, 'deb', spec.slice(9))] : expand(root, spec).map((f) => join(root, f));
      for (const path of files) {
        const rel = path.startsWith(root) ? path.slice(root.length + 1) : `programs/${path.split('/').pop()}`;
        out.push({ id: `${p.pkg}/${rel.replace(/\//g, '_')}`, path, lang: p.lang, flags, cwd: root, tier: 1 });
      }
    }
  }
  return out;
}

// What the front-end sweep compiles: sources (the repository's own, the sweep's
// programs, Debian source packages) times compilers and flags.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type Lang = 'c' | 'cpp' | 'rust';

export interface Source {
  /** Stable id: `group/name`. */
  id: string;
  path: string;
  lang: Lang;
  /** Extra compiler flags (include paths, defines); `{V}` is replaced by the clang version. */
  flags: string[];
  /** Working directory of the compile (relative includes of Debian packages). */
  cwd: string;
  /** Highest config tier it is compiled with (see Config.tier). */
  tier: 1 | 2;
}

export interface Config {
  /** `clang19-O2-g`, `rustc-nightly-O3`. */
  name: string;
  /** clang version (13..19) or the rustc toolchain. */
  compiler: { kind: 'clang'; version: number } | { kind: 'rustc'; toolchain: 'stable' | 'nightly' };
  flags: string[];
  /**
   * 1: every source; 2: the repository's sources and the sweep's programs; 3: only with --full.
   * A run on a shared 2-core machine does tiers 1 and 2 in a few hours.
   */
  tier: 1 | 2 | 3;
}

export const CLANG_VERSIONS = [13, 14, 15, 16, 19] as const;

/** Flag sets and their tier; `main` versions (14, 19) get tier 2 sets that others get at tier 3. */
const CLANG_FLAGS: { name: string; flags: string[]; tier: 1 | 2 | 3; allVersions: boolean }[] = [
  { name: 'O0', flags: ['-O0'], tier: 1, allVersions: true },
  { name: 'O2', flags: ['-O2'], tier: 1, allVersions: true },
  { name: 'O2-g', flags: ['-O2', '-g'], tier: 2, allVersions: true },
  { name: 'O3-native', flags: ['-O3', '-march=native'], tier: 2, allVersions: true },
  { name: 'O3-fastmath', flags: ['-O3', '-ffast-math'], tier: 2, allVersions: false },
  { name: 'O0-g', flags: ['-O0', '-g'], tier: 2, allVersions: false },
  { name: 'O1', flags: ['-O1'], tier: 3, allVersions: true },
  { name: 'O3', flags: ['-O3'], tier: 3, allVersions: true },
  { name: 'Os', flags: ['-Os'], tier: 3, allVersions: true },
];

const RUST_FLAGS: { name: string; flags: string[] }[] = [
  { name: 'O0', flags: ['-C', 'opt-level=0'] },
  { name: 'O0-g', flags: ['-C', 'opt-level=0', '-g'] },
  { name: 'O3', flags: ['-C', 'opt-level=3'] },
  { name: 'O3-g', flags: ['-C', 'opt-level=3', '-g'] },
  { name: 'O3-native', flags: ['-C', 'opt-level=3', '-C', 'target-cpu=native'] },
  { name: 'O2-abort', flags: ['-C', 'opt-level=2', '-C', 'panic=abort', '-C', 'overflow-checks=on'] },
];

export function configs(): Config[] {
  const out: Config[] = [];
  for (const v of CLANG_VERSIONS) {
    for (const f of CLANG_FLAGS) {
      const tier = f.allVersions || v === 14 || v === 19 ? f.tier : 3;
      out.push({ name: `clang${v}-${f.name}`, compiler: { kind: 'clang', version: v }, flags: f.flags, tier });
    }
  }
  for (const tc of ['stable', 'nightly'] as const) {
    for (const f of RUST_FLAGS) out.push({ name: `rustc-${tc}-${f.name}`, compiler: { kind: 'rustc', toolchain: tc }, flags: f.flags, tier: 2 });
  }
  return out;
}

function listDir(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(ext)).sort();
}

/** The repository's own sources (fixtures/src) and the sweep's programs. */
export function ownSources(root: string): Source[] {
  const out: Source[] = [];
  const fx = join(root, 'fixtures', 'src');
  for (const f of listDir(join(fx, 'c'), '.c')) out.push({ id: `fixtures/${f}`, path: join(fx, 'c', f), lang: 'c', flags: [], cwd: root, tier: 2 });
  for (const f of listDir(join(fx, 'cpp'), '.cpp')) out.push({ id: `fixtures/${f}`, path: join(fx, 'cpp', f), lang: 'cpp', flags: ['-std=c++17'], cwd: root, tier: 2 });
  for (const f of listDir(join(fx, 'rust'), '.rs')) out.push({ id: `fixtures/${f}`, path: join(fx, 'rust', f), lang: 'rust', flags: [], cwd: root, tier: 2 });
  const pr = join(root, 'tools', 'sweep-frontend', 'programs');
  for (const f of listDir(pr, '.c')) out.push({ id: `programs/${f}`, path: join(pr, f), lang: 'c', flags: [], cwd: root, tier: 2 });
  for (const f of listDir(pr, '.cpp')) {
    const flags = ['-std=c++17', '-I/usr/include/eigen3'];
    if (f.startsWith('llvm_')) flags.push('-I/usr/include/llvm-{V}', '-I/usr/include/llvm-c-{V}');
    out.push({ id: `programs/${f}`, path: join(pr, f), lang: 'cpp', flags, cwd: root, tier: 2 });
  }
  for (const f of listDir(pr, '.rs')) out.push({ id: `programs/${f}`, path: join(pr, f), lang: 'rust', flags: [], cwd: root, tier: 2 });
  return out;
}

/**
 * Debian source packages compiled file by file (no configure step): the package, the files
 * (relative to the unpacked tree) and the flags a build would pass. Generated config headers
 * are written by debian.ts.
 */
export interface DebianPackage {
  /** Source package name (the unpacked tree is `<pkg>-<version>`). */
  pkg: string;
  lang: 'c' | 'cpp';
  flags: string[];
  /** Files or `*` globs in one directory; `{PROGRAM}x.cpp` is a sweep program built against the package. */
  files: string[];
}

export const DEBIAN: DebianPackage[] = [
  { pkg: 'zlib', lang: 'c', flags: ['-I.', '-DZ_HAVE_UNISTD_H'], files: ['adler32.c', 'compress.c', 'crc32.c', 'deflate.c', 'gzlib.c', 'gzread.c', 'gzwrite.c', 'infback.c', 'inffast.c', 'inflate.c', 'inftrees.c', 'trees.c', 'uncompr.c', 'zutil.c'] },
  { pkg: 'bzip2', lang: 'c', flags: ['-I.'], files: ['blocksort.c', 'bzlib.c', 'compress.c', 'decompress.c', 'huffman.c'] },
  { pkg: 'lua5.4', lang: 'c', flags: ['-Isrc', '-I{GEN}', '-DLUA_USE_LINUX'], files: ['src/lapi.c', 'src/lauxlib.c', 'src/lbaselib.c', 'src/lcode.c', 'src/ldebug.c', 'src/ldo.c', 'src/lgc.c', 'src/llex.c', 'src/lmathlib.c', 'src/lobject.c', 'src/lparser.c', 'src/lstrlib.c', 'src/ltable.c', 'src/lvm.c'] },
  { pkg: 'cjson', lang: 'c', flags: ['-I.'], files: ['cJSON.c', 'cJSON_Utils.c'] },
  { pkg: 'lz4', lang: 'c', flags: ['-Ilib'], files: ['lib/lz4.c', 'lib/lz4frame.c', 'lib/lz4hc.c', 'lib/xxhash.c'] },
  { pkg: 'libzstd', lang: 'c', flags: ['-Ilib', '-Ilib/common', '-DZSTD_DISABLE_ASM', '-DXXH_NAMESPACE=ZSTD_'], files: ['lib/common/entropy_common.c', 'lib/common/fse_decompress.c', 'lib/common/xxhash.c', 'lib/compress/zstd_compress.c', 'lib/compress/zstd_lazy.c', 'lib/compress/zstd_opt.c', 'lib/compress/huf_compress.c', 'lib/compress/zstd_double_fast.c', 'lib/decompress/zstd_decompress.c', 'lib/decompress/huf_decompress.c', 'lib/dictBuilder/cover.c', 'lib/dictBuilder/divsufsort.c'] },
  { pkg: 'libyaml', lang: 'c', flags: ['-Iinclude', '-DYAML_VERSION_MAJOR=0', '-DYAML_VERSION_MINOR=2', '-DYAML_VERSION_PATCH=5', '-DYAML_VERSION_STRING="0.2.5"'], files: ['src/api.c', 'src/emitter.c', 'src/parser.c', 'src/scanner.c'] },
  { pkg: 'tinyxml2', lang: 'cpp', flags: ['-std=c++17', '-I.'], files: ['tinyxml2.cpp'] },
  { pkg: 'libjsoncpp', lang: 'cpp', flags: ['-std=c++17', '-Iinclude'], files: ['src/lib_json/json_reader.cpp', 'src/lib_json/json_value.cpp', 'src/lib_json/json_writer.cpp'] },
  { pkg: 'fmtlib', lang: 'cpp', flags: ['-std=c++17', '-Iinclude'], files: ['src/format.cc', 'src/os.cc'] },
  { pkg: 'nlohmann-json3', lang: 'cpp', flags: ['-std=c++17', '-Isingle_include'], files: ['{PROGRAM}nlohmann_use.cpp'] },
  { pkg: 'glm', lang: 'cpp', flags: ['-std=c++17', '-I.'], files: ['{PROGRAM}glm_use.cpp', 'test/core/core_func_matrix.cpp', 'test/core/core_func_geometric.cpp', 'test/core/core_func_exponential.cpp', 'test/gtc/gtc_quaternion.cpp', 'test/gtc/gtc_matrix_transform.cpp', 'test/gtc/gtc_noise.cpp', 'test/gtx/gtx_fast_trigonometry.cpp', 'test/gtx/gtx_matrix_decompose.cpp'] },
];

// The C calling conventions `--abi c` and `--header` know: x86-64 System V (Linux, the BSDs,
// macOS) and AArch64 AAPCS64 (Linux, macOS). Anything else is refused with E0906 rather than
// given a declaration that might be wrong.
import type { Module } from '../ir/module.js';
import { fail } from '../diag/diagnostic.js';

export type AbiArch = 'x86_64' | 'aarch64';

export interface AbiTarget {
  arch: AbiArch;
  /** The module's target triple, or the one assumed for a module without one. */
  triple: string;
  /** True when the module names no triple and the host's was assumed (as LLVM's tools do). */
  assumed: boolean;
  /** The C preprocessor test that holds when a compiler targets this ABI. */
  cppCheck: string;
}

function hostTriple(): { arch: AbiArch; triple: string } | null {
  if (process.arch === 'x64' && process.platform !== 'win32') return { arch: 'x86_64', triple: `x86_64-unknown-${process.platform === 'darwin' ? 'apple-macosx' : 'linux-gnu'}` };
  if (process.arch === 'arm64' && process.platform !== 'win32') return { arch: 'aarch64', triple: process.platform === 'darwin' ? 'arm64-apple-macosx' : 'aarch64-unknown-linux-gnu' };
  return null;
}

/** The ABI of `m`'s target, or E0906 naming what is supported. */
export function abiTarget(m: Module, what: string): AbiTarget {
  const raw = m.triple !== null ? m.triple.replace(/^"|"$/g, '') : null;
  let triple: string;
  let assumed = false;
  if (raw === null || raw === '') {
    const h = hostTriple();
    if (!h) fail('E0906', `${what}: the module names no target triple and this machine's C calling convention is not one enzyme-ts knows`, null, -1, -1, [SUPPORTED]);
    triple = h.triple;
    assumed = true;
  } else {
    triple = raw;
  }
  const [arch = '', ...rest] = triple.toLowerCase().split('-');
  const os = rest.join('-');
  const windows = /windows|win32|mingw|cygwin|msvc|uefi/.test(os);
  if (!windows && (arch === 'x86_64' || arch === 'amd64')) {
    return { arch: 'x86_64', triple, assumed, cppCheck: 'defined(__x86_64__) && !defined(_WIN32)' };
  }
  if (!windows && (arch === 'aarch64' || arch === 'arm64') && !/ilp32|gnu_ilp32/.test(os)) {
    return { arch: 'aarch64', triple, assumed, cppCheck: '(defined(__aarch64__) || defined(__arm64__)) && !defined(_WIN32) && !defined(__ILP32__)' };
  }
  return fail('E0906', `${what}: the C calling convention of target ${triple} is not supported`, null, -1, -1, [SUPPORTED]);
}

const SUPPORTED = 'supported: x86-64 (System V: Linux, BSD, macOS) and AArch64 (Linux, macOS); use the derivative through its IR signature on other targets';

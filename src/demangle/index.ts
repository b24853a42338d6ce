// Symbol names of C++ (Itanium ABI, `_Z...`) and Rust (legacy `_ZN...17h<hash>E` and v0
// `_R...`) shown as their source-level names, for diagnostics.
import { demangleItanium } from './itanium.js';
import { demangleRust } from './rust.js';

export interface DemangleOptions {
  /** Keep the `::h0123456789abcdef` hash of a legacy Rust name (c++filt keeps it; rustfilt drops it by default). */
  rustHash?: boolean;
}

/** The demangled name, or null when `name` is not a mangled C++ or Rust name this demangler reads. */
export function demangle(name: string, opts: DemangleOptions = {}): string | null {
  if (name.startsWith('_R') || name.startsWith('__R')) return demangleRust(name, opts);
  if (name.startsWith('_Z') || name.startsWith('__Z')) {
    const rust = demangleRust(name, opts);
    if (rust !== null) return rust;
    return demangleItanium(name);
  }
  return null;
}

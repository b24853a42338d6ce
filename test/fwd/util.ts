// Helpers of the forward-mode tests: CHECK lines of fixture sources, a pool of concurrent lli runs.
import { shellSplit } from '../util/shell.js';

export interface Check { line: string; args: string[]; fn: string }

/** The `// CHECK: ...` lines of a source, as argument vectors for `enzyme-ts check`. */
export function checksOf(source: string): Check[] {
  const out: Check[] = [];
  for (const m of source.matchAll(/^\/\/ CHECK: (.*)$/gm)) {
    const line = m[1]!.trim();
    const args = shellSplit(line);
    const f = args.indexOf('-f');
    out.push({ line, args, fn: f >= 0 ? args[f + 1] ?? '' : '' });
  }
  return out;
}

/** At most `size` of the wrapped calls run at once (each runs one lli process). */
export function pool(size: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try { return await fn(); } finally { running--; waiting.shift()?.(); }
  };
}

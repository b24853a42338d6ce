import type { SourceLocation } from './diagnostic.js';

/** A named text with a lazily built line table: offsets become line:col only when shown. */
export class SourceFile {
  private lineStarts: number[] | null = null;
  /**
   * Set by the loader once the module is parsed (src/ir/debugloc.ts): the user's source
   * position (`!dbg`, with its inlined-at chain) of the instruction at an offset, so that
   * any diagnostic pointing into this file is shown at the user's line too.
   */
  debugLocator: ((offset: number) => SourceLocation[]) | null = null;
  constructor(readonly name: string, readonly text: string) {}

  private lines(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      let i = t.indexOf('\n');
      while (i >= 0) { starts.push(i + 1); i = t.indexOf('\n', i + 1); }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** 1-based line and column (columns count UTF-16 units, as editors mostly do). */
  position(offset: number): { line: number; col: number } {
    const starts = this.lines();
    const off = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= off) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, col: off - starts[lo]! + 1 };
  }

  lineText(line: number): string {
    const starts = this.lines();
    const s = starts[line - 1] ?? this.text.length;
    let e = line < starts.length ? starts[line]! - 1 : this.text.length;
    if (e > s && this.text.charCodeAt(e - 1) === 13) e--;
    return this.text.slice(s, e);
  }
}

// Clang-style rendering: `FILE:LINE:COL: error[E0001]: message`, the source
// line, and a caret under the span. Chalk lives only here.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnostic } from './diagnostic.js';

export interface RenderOptions {
  color: boolean;
}

const MAX_LINE = 200;

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions): string {
  const c: ChalkInstance = new Chalk({ level: opts.color ? 1 : 0 });
  const sevColor = d.severity === 'error' ? c.red.bold : d.severity === 'warning' ? c.magenta.bold : c.cyan.bold;
  const head = `${sevColor(`${d.severity}[${d.code}]`)}${c.bold(`: ${d.message}`)}`;
  const out: string[] = [];
  if (d.file && d.start >= 0) {
    const { line, col } = d.file.position(d.start);
    out.push(`${c.bold(`${d.file.name}:${line}:${col}:`)} ${head}`);
    let text = d.file.lineText(line).replace(/\t/g, ' ');
    let caretCol = col - 1;
    if (text.length > MAX_LINE) {
      const from = Math.max(0, Math.min(caretCol - 40, text.length - MAX_LINE));
      text = (from > 0 ? '...' : '') + text.slice(from, from + MAX_LINE) + (from + MAX_LINE < text.length ? '...' : '');
      caretCol = caretCol - from + (from > 0 ? 3 : 0);
    }
    const endPos = d.file.position(Math.max(d.end, d.start));
    const width = endPos.line === line ? Math.max(1, endPos.col - col) : Math.max(1, text.length - caretCol);
    out.push(text);
    out.push(' '.repeat(Math.max(0, caretCol)) + c.green('^' + '~'.repeat(Math.max(0, Math.min(width, MAX_LINE) - 1))));
  } else if (d.file) {
    out.push(`${c.bold(`${d.file.name}:`)} ${head}`);
  } else {
    out.push(`enzyme-ts: ${head}`);
  }
  for (const n of d.notes ?? []) out.push(`${c.cyan.bold('note')}: ${n}`);
  return out.join('\n');
}

export function renderAll(ds: readonly Diagnostic[], opts: RenderOptions): string {
  return ds.map((d) => renderDiagnostic(d, opts)).join('\n') + (ds.length ? '\n' : '');
}

// `enzyme-ts explain [CODE]`: the long explanation of a diagnostic code, from the table that
// docs/diagnostics.md is generated from (src/diag/explain.ts).
import { fail } from '../diag/diagnostic.js';
import { CODES, type Code } from '../diag/codes.js';
import { CODE_DOCS } from '../diag/explain.js';

/** `E0402`, `e402`, `402` -> `E0402`; null when it is not a code of the table. */
export function normalizeCode(text: string): Code | null {
  const m = /^\s*[eE]?0*(\d{1,4})\s*$/.exec(text);
  if (!m) return null;
  const code = `E${m[1]!.padStart(4, '0')}`;
  return code in CODES ? (code as Code) : null;
}

/** Markdown of the table made plain for a terminal: links keep their text, the rest stays as written. */
function plain(md: string): string {
  return md.replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_w, text: string, href: string) => /^https?:/.test(href) ? `${text} (${href})` : text);
}

function wrap(text: string, width = 92): string {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const words = para.replace(/\s+/g, ' ').trim().split(' ');
    let line = '';
    for (const w of words) {
      if (line && line.length + 1 + w.length > width) { out.push(line); line = w; } else line = line ? `${line} ${w}` : w;
    }
    if (line) out.push(line);
    out.push('');
  }
  return out.join('\n');
}

export function explainText(code: string | undefined): string {
  if (code === undefined) {
    const rows = (Object.keys(CODES) as Code[]).map((c) => `  ${c}  ${CODES[c].title}`);
    return ['Diagnostic codes (enzyme-ts explain CODE for one of them):', ...rows, ''].join('\n');
  }
  const c = normalizeCode(code);
  if (!c) fail('E0903', `explain: '${code}' is not a diagnostic code of enzyme-ts`, null, -1, -1, ['enzyme-ts explain (without a code) lists them']);
  const doc = CODE_DOCS[c];
  const exit = CODES[c].exit;
  const parts = [`${c}: ${CODES[c].title} (exit ${exit}: ${exit === 1 ? 'bad input' : exit === 2 ? 'bad usage' : 'internal error'})`, '', wrap(plain(doc.explanation)).trimEnd(), ''];
  for (const ex of doc.examples ?? []) {
    const inputs = Object.entries(ex.files ?? {}).filter(([, v]) => typeof v === 'string');
    if (!inputs.length && !ex.commands.length) continue;
    parts.push('Example:');
    for (const [name, text] of inputs) parts.push(`  $ cat ${name}`, ...(text as string).replace(/\n$/, '').split('\n').map((l) => `  ${l}`));
    for (const cmd of ex.commands) parts.push(`  $ ${cmd}`);
    parts.push('');
  }
  if (doc.after) parts.push(wrap(plain(doc.after)).trimEnd(), '');
  parts.push(`More, with the output of each example: docs/diagnostics.md#${c.toLowerCase()}`, '');
  return parts.join('\n');
}

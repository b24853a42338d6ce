// Text from the input (a quoted source line, a name, a file name) shown on a terminal. A
// `.ll` file may hold any byte inside a quoted name or string, so an echoed line could carry
// an escape sequence that clears the screen or retitles the window, or a bidirectional
// override that makes the text read differently from what the parser saw. Every such
// character is shown escaped, as LLVM spells bytes in names (`\1B`), never emitted.

/** Characters that are never printed as they are: C0 and C1 controls, DEL, bidi and invisible formatting characters. */
function unsafe(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f)
    || c === 0x061c || c === 0x200b || c === 0x200c || c === 0x200d || c === 0x200e || c === 0x200f
    || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff
    || (c >= 0xd800 && c <= 0xdfff);
}

function escape(c: number): string {
  if (c === 0x09) return '\\t';
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c < 0x100) return `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
  return `\\u{${c.toString(16).toUpperCase()}}`;
}

/** `s` with every unsafe character escaped (`\x1B`, `\u{202E}`); a valid surrogate pair is kept. */
export function safeText(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!unsafe(c)) continue;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
    }
    out += s.slice(from, i) + escape(c);
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/**
 * A source line made safe to echo, with a map from columns of the original line to columns
 * of the shown one (escapes are wider than the character they stand for), so that a caret
 * still lands under the right character. Tabs become one space each, as before.
 */
export function safeLine(line: string): { text: string; column: (originalIndex: number) => number } {
  const shift: number[] = [];
  let text = '';
  for (let i = 0; i < line.length; i++) {
    shift.push(text.length);
    const c = line.charCodeAt(i);
    if (c === 0x09) { text += ' '; continue; }
    if (unsafe(c)) {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
        const d = line.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { text += line[i]! + line[i + 1]!; shift.push(text.length - 1); i++; continue; }
      }
      text += escape(c);
      continue;
    }
    text += line[i]!;
  }
  const end = text.length;
  return { text, column: (k) => (k < 0 ? 0 : k < shift.length ? shift[k]! : end + (k - shift.length)) };
}

/** Multi-line text made safe line by line (reports, printed functions): newlines are kept. */
export function safeLines(s: string): string {
  return s.split('\n').map(safeText).join('\n');
}

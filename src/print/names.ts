// Name spelling (LangRef "Identifiers"): a name prints bare when it matches
// [-a-zA-Z$._][-a-zA-Z$._0-9]*, quoted otherwise. Stored names are the raw text
// between the quotes (escapes untouched), so quoting is just adding quotes.
// A lookup table instead of a regex: this runs once per named value.

const START = new Uint8Array(128);
const REST = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '-' || ch === '$' || ch === '.' || ch === '_';
  START[c] = letter ? 1 : 0;
  REST[c] = letter || (ch >= '0' && ch <= '9') ? 1 : 0;
}

export function isBareName(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  let c = name.charCodeAt(0);
  if (c >= 128 || START[c] === 0) return false;
  for (let i = 1; i < n; i++) {
    c = name.charCodeAt(i);
    if (c >= 128 || REST[c] === 0) return false;
  }
  return true;
}

/** The name as it appears after its sigil: bare, or `"raw"`. */
export function nameText(name: string): string {
  return isBareName(name) ? name : '"' + name + '"';
}

/** Adds quotes to a field documented as "raw quoted" only if the producer left them off. */
export function quoted(raw: string): string {
  return raw.charCodeAt(0) === 34 /* " */ ? raw : '"' + raw + '"';
}

// Test helper: command lines written in fixtures (`// CHECK: ...`), split as a shell would.

/** Splits a command line like a POSIX shell does for words: blanks separate words, single
 * quotes keep everything literally, double quotes keep blanks (backslash escapes `"`, `\`, `$`
 * and a backquote), a backslash outside quotes escapes the next character. Adjacent quoted and
 * unquoted parts join into one word. No expansions. */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote in: ${line}`);
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        cur += line[i];
        i++;
      }
      if (i >= line.length) throw new Error(`unterminated double quote in: ${line}`);
      inWord = true;
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

// A very small C syntax tree: just enough structure to print every generated function twice
// (the primal in float/double, and its "twin" in long double that the checker differentiates
// by finite differences) and to let the reducer delete statements.
//
// Code is a list of parts: plain text, or a token whose spelling depends on the rendering:
//   ty    the floating type of a kind (D: double, F: float; twin: long double)
//   num   a floating literal of a kind (1.5, 1.5f; twin: 1.5L)
//   sym   a name that the twin renames (functions, globals, struct types): f -> f_ld
//   math  a libm call (sin, sinf; twin: sinl)
//   cmp   a comparison of floating values; the twin records its margin and outcome
//   kink  a function that is not smooth everywhere (fabs, fmax, fmin, a cast to int, floor;
//         generator 7: copysign, fmod, round, trunc, a round trip through long long):
//         the twin records how far the point is from the kink

export type Kind = 'D' | 'F';
export type Mode = 'primal' | 'twin';
export type CmpOp = '<' | '<=' | '>' | '>=';
export type KinkFn = 'fabs' | 'fmax' | 'fmin' | 'toint' | 'floor' | 'copysign' | 'fmod' | 'round' | 'trunc' | 'ltrunc';

export type Tok =
  | { t: 'ty'; k: Kind }
  | { t: 'num'; v: number; k: Kind }
  | { t: 'sym'; name: string }
  | { t: 'math'; fn: string; k: Kind; args: Code[] }
  | { t: 'cmp'; op: CmpOp; a: Code; b: Code }
  | { t: 'kink'; fn: KinkFn; k: Kind; args: Code[] };

export type Part = string | Tok;
export type Code = readonly Part[];

export type Stmt =
  /** `fixed`: the reducer never deletes it alone (a loop counter's increment). */
  | { s: 'line'; code: Code; fixed?: boolean }
  /** Statements that only make sense together (an allocation and its initialization): printed
   *  inline, deleted as a whole by the reducer. */
  | { s: 'group'; body: Stmt[] }
  /** `head` opens the block (it ends with `{`), `tail` closes it (`}` or `} while (...);`). */
  | { s: 'block'; head: Code; body: Stmt[]; tail: Code }
  | { s: 'if'; cond: Code; then: Stmt[]; else: Stmt[] | null };

export type Interp = Code | Tok | string | number;

function isTok(x: unknown): x is Tok {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 't' in x;
}

/** Tagged template: `c\`${a} + ${b}\`` with Code, tokens, strings or integers interpolated. */
export function c(strings: TemplateStringsArray, ...vals: Interp[]): Code {
  const out: Part[] = [];
  strings.forEach((s, i) => {
    if (s) out.push(s);
    if (i < vals.length) {
      const v = vals[i]!;
      if (typeof v === 'string') out.push(v);
      else if (typeof v === 'number') out.push(String(v));
      else if (isTok(v)) out.push(v);
      else out.push(...v);
    }
  });
  return out;
}

export const ty = (k: Kind): Tok => ({ t: 'ty', k });
export const num = (v: number, k: Kind): Tok => ({ t: 'num', v, k });
export const sym = (name: string): Tok => ({ t: 'sym', name });
export const math = (fn: string, k: Kind, ...args: Code[]): Tok => ({ t: 'math', fn, k, args });
export const cmp = (op: CmpOp, a: Code, b: Code): Tok => ({ t: 'cmp', op, a, b });
export const kink = (fn: KinkFn, k: Kind, ...args: Code[]): Tok => ({ t: 'kink', fn, k, args });
export const line = (code: Code): Stmt => ({ s: 'line', code });
export const block = (head: Code, body: Stmt[], tail: Code = ['}']): Stmt => ({ s: 'block', head, body, tail });
export const ifs = (cond: Code, then: Stmt[], els: Stmt[] | null = null): Stmt => ({ s: 'if', cond, then, else: els });

/** A literal C accepts and that means exactly `v` (shortest round-trip spelling). */
export function realLiteral(v: number): string {
  let s = String(v);
  if (!/[.e]/.test(s)) s += '.0';
  if (s.includes('e') && !s.includes('.')) s = s.replace('e', '.0e');
  return s;
}

const CMP_NAME: Record<CmpOp, string> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

export function render(code: Code, mode: Mode): string {
  let out = '';
  for (const p of code) out += typeof p === 'string' ? p : renderTok(p, mode);
  return out;
}

function renderTok(t: Tok, mode: Mode): string {
  const twin = mode === 'twin';
  switch (t.t) {
    case 'ty': return twin ? 'long double' : t.k === 'D' ? 'double' : 'float';
    case 'num': {
      const s = realLiteral(Math.abs(t.v)) + (twin ? 'L' : t.k === 'F' ? 'f' : '');
      return t.v < 0 || Object.is(t.v, -0) ? `(-${s})` : s;
    }
    case 'sym': return twin ? `${t.name}_ld` : t.name;
    case 'math': {
      const name = twin ? `${t.fn}l` : t.k === 'F' ? `${t.fn}f` : t.fn;
      return `${name}(${t.args.map((a) => render(a, mode)).join(', ')})`;
    }
    case 'cmp': {
      const a = render(t.a, mode), b = render(t.b, mode);
      return twin ? `fz_${CMP_NAME[t.op]}(${a}, ${b})` : `(${a} ${t.op} ${b})`;
    }
    case 'kink': {
      const args = t.args.map((a) => render(a, mode));
      if (twin) return `fz_${t.fn}(${args.join(', ')})`;
      switch (t.fn) {
        case 'toint': return `((int)(${args[0]}))`;
        case 'ltrunc': return `((${t.k === 'D' ? 'double' : 'float'})(long long)(${args[0]}))`;
        case 'fabs': case 'fmax': case 'fmin': case 'floor': case 'copysign': case 'fmod': case 'round': case 'trunc':
          return `${t.k === 'D' ? t.fn : `${t.fn}f`}(${args.join(', ')})`;
      }
    }
  }
}

export function renderStmts(stmts: readonly Stmt[], mode: Mode, indent: string, out: string[]): void {
  for (const st of stmts) {
    switch (st.s) {
      case 'line': out.push(indent + render(st.code, mode)); break;
      case 'group': renderStmts(st.body, mode, indent, out); break;
      case 'block':
        out.push(indent + render(st.head, mode));
        renderStmts(st.body, mode, indent + '  ', out);
        out.push(indent + render(st.tail, mode));
        break;
      case 'if':
        out.push(`${indent}if (${render(st.cond, mode)}) {`);
        renderStmts(st.then, mode, indent + '  ', out);
        if (st.else) {
          out.push(`${indent}} else {`);
          renderStmts(st.else, mode, indent + '  ', out);
        }
        out.push(`${indent}}`);
        break;
    }
  }
}

export interface CFunc {
  /** The function's name (a twinned symbol). */
  name: string;
  /** `static`, attributes and the return type, e.g. `static __attribute__((noinline)) double`. */
  head: Code;
  params: Code;
  body: Stmt[];
}

export function renderFunc(f: CFunc, mode: Mode): string {
  const out: string[] = [];
  out.push(`${render(f.head, mode)} ${render([sym(f.name)], mode)}(${render(f.params, mode)}) {`);
  renderStmts(f.body, mode, '  ', out);
  out.push('}');
  return out.join('\n');
}

export function renderProto(f: CFunc, mode: Mode): string {
  return `${render(f.head, mode)} ${render([sym(f.name)], mode)}(${render(f.params, mode)});`;
}

/** Number of statements (lines, blocks, ifs) in a body, nested ones included. */
export function countStmts(stmts: readonly Stmt[]): number {
  let n = 0;
  for (const st of stmts) {
    n++;
    if (st.s === 'block' || st.s === 'group') n += countStmts(st.body);
    else if (st.s === 'if') n += countStmts(st.then) + (st.else ? countStmts(st.else) : 0);
  }
  return n;
}

// Chevrotain decides every OR, OPTION and MANY of the grammar by lookahead paths:
// the token sequences (up to maxLookahead long) that select each alternative.
// By default it derives them by walking the grammar each time a parser is built,
// which was ~70 ms of every run's start-up. The paths depend on the grammar alone,
// so `npm run grammar` computes them once into lookahead-table.ts, and this
// strategy (Chevrotain's `lookaheadStrategy` extension point) builds the lookahead
// functions from that table. A production missing from the table (the grammar
// changed and the table was not regenerated) is derived as before, so a stale
// table costs start-up time, never correctness; test/syntax/lookahead.test.ts
// fails until the table is regenerated.
//
// The functions built here keep Chevrotain's LL(k) semantics: the first
// alternative (in grammar order) one of whose paths matches the next tokens wins,
// an alternative whose GATE is false is skipped, and a token matches a path
// element of its own type or of one of its categories. They index candidates by
// the next token's type, so a decision costs one array read in the common case.
import type { ILookaheadStrategy, ILookaheadValidationError, IOrAlt, IToken, OptionalProductionType, Rule, TokenType } from 'chevrotain';
import { EOF, LLkLookaheadStrategy, getLookaheadPaths, tokenMatcher } from './chevrotain.js';

/** Paths per production: for an OR, per alternative; for the others, the paths that enter it. */
export type LookaheadTable = Record<string, string[][][] | string[][]>;

interface Recognizer { LA(k: number): IToken }

/** Token type indices a path element matches: its own and those of the types in its category. */
function matching(tt: TokenType): number[] {
  return [tt.tokenTypeIdx!, ...((tt as { categoryMatches?: number[] }).categoryMatches ?? [])];
}

interface Candidate { alt: number; path: TokenType[] }

/**
 * Candidates by the type index of the next token, in grammar order. A path of
 * length 0 (an alternative that may be empty) is a candidate for every token.
 */
function candidatesByFirstToken(alts: TokenType[][][]): { byIdx: Candidate[][]; any: Candidate[] } {
  const all: Candidate[] = [];
  alts.forEach((paths, alt) => { for (const path of paths) all.push({ alt, path }); });
  const any = all.filter((c) => c.path.length === 0);
  const idxs = new Set<number>();
  for (const c of all) if (c.path.length > 0) for (const i of matching(c.path[0]!)) idxs.add(i);
  const byIdx: Candidate[][] = [];
  for (const i of idxs) byIdx[i] = all.filter((c) => c.path.length === 0 || matching(c.path[0]!).includes(i));
  return { byIdx, any };
}

/** Whether the tokens after the next one match the rest of `path`. */
function restMatches(r: Recognizer, path: TokenType[]): boolean {
  for (let k = 1; k < path.length; k++) if (!tokenMatcher(r.LA(k + 1), path[k]!)) return false;
  return true;
}

export function alternationLookahead(alts: TokenType[][][], hasPredicates: boolean): (this: Recognizer, orAlts?: IOrAlt<unknown>[]) => number | undefined {
  const { byIdx, any } = candidatesByFirstToken(alts);
  const oneToken = byIdx.every((cs) => cs.every((c) => c.path.length <= 1));
  if (!hasPredicates && oneToken) {
    // one array read: the first candidate always matches
    const alt: number[] = [];
    byIdx.forEach((cs, i) => { alt[i] = cs[0]!.alt; });
    const dflt = any.length ? any[0]!.alt : undefined;
    return function (this: Recognizer) { return alt[this.LA(1).tokenTypeIdx] ?? dflt; };
  }
  return function (this: Recognizer, orAlts?: IOrAlt<unknown>[]) {
    const cs = byIdx[this.LA(1).tokenTypeIdx] ?? any;
    for (const c of cs) {
      if (hasPredicates) {
        const gate = orAlts![c.alt]!.GATE;
        if (gate !== undefined && gate.call(this) === false) continue;
      }
      if (restMatches(this, c.path)) return c.alt;
    }
    return undefined;
  };
}

export function optionalLookahead(paths: TokenType[][]): (this: Recognizer) => boolean {
  if (paths.some((p) => p.length === 0)) return () => true;
  const { byIdx } = candidatesByFirstToken([paths]);
  if (byIdx.every((cs) => cs.every((c) => c.path.length === 1))) {
    const enters: boolean[] = [];
    byIdx.forEach((_cs, i) => { enters[i] = true; });
    return function (this: Recognizer) { return enters[this.LA(1).tokenTypeIdx] === true; };
  }
  return function (this: Recognizer) {
    const cs = byIdx[this.LA(1).tokenTypeIdx];
    if (cs) for (const c of cs) if (restMatches(this, c.path)) return true;
    return false;
  };
}

/** The key of a production in the table. */
const keyOf = (rule: Rule, kind: string, occurrence: number): string => `${rule.name}:${kind}:${occurrence}`;

export class TableLookahead implements ILookaheadStrategy {
  /** Paths derived because the table lacked them (all of them when generating the table). */
  readonly derived: LookaheadTable = {};
  private readonly byName = new Map<string, TokenType>();
  private readonly llk: InstanceType<typeof LLkLookaheadStrategy>;

  constructor(private table: LookaheadTable, tokens: TokenType[], private readonly maxLookahead: number) {
    for (const t of [...tokens, EOF]) this.byName.set(t.name, t);
    // a table is only usable if token names are unambiguous
    if (this.byName.size !== tokens.length + 1) this.table = {};
    this.llk = new LLkLookaheadStrategy({ maxLookahead });
  }

  validate(options: { rules: Rule[]; tokenTypes: TokenType[]; grammarName: string }): ILookaheadValidationError[] {
    return this.llk.validate(options);
  }

  private decode(paths: string[][]): TokenType[][] | null {
    const out: TokenType[][] = [];
    for (const p of paths) {
      const q: TokenType[] = [];
      for (const n of p) { const t = this.byName.get(n); if (!t) return null; q.push(t); }
      out.push(q);
    }
    return out;
  }

  private paths(rule: Rule, kind: 'Alternation' | OptionalProductionType, occurrence: number, maxLookahead: number): TokenType[][][] {
    const key = keyOf(rule, kind, occurrence);
    const cached = this.table[key];
    if (cached) {
      const alts = kind === 'Alternation' ? (cached as string[][][]).map((a) => this.decode(a)) : [this.decode(cached as string[][])];
      if (alts.every((a) => a !== null)) return alts as TokenType[][][];
    }
    const derived = getLookaheadPaths({ occurrence, rule, prodType: kind, maxLookahead: maxLookahead || this.maxLookahead });
    const alts = kind === 'Alternation' ? derived : [derived[0]!];
    const names = alts.map((a) => a.map((p) => p.map((t) => t.name)));
    this.derived[key] = kind === 'Alternation' ? names : names[0]!;
    return alts;
  }

  buildLookaheadForAlternation(o: { prodOccurrence: number; rule: Rule; maxLookahead: number; hasPredicates: boolean }): (orAlts?: IOrAlt<unknown>[]) => number | undefined {
    return alternationLookahead(this.paths(o.rule, 'Alternation', o.prodOccurrence, o.maxLookahead), o.hasPredicates) as never;
  }

  buildLookaheadForOptional(o: { prodOccurrence: number; prodType: OptionalProductionType; rule: Rule; maxLookahead: number }): () => boolean {
    return optionalLookahead(this.paths(o.rule, o.prodType, o.prodOccurrence, o.maxLookahead)[0]!) as never;
  }
}

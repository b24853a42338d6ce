// The precomputed lookahead table (src/syntax/lookahead.ts) must describe the
// grammar as it is, and the lookahead functions built from it must decide
// exactly as Chevrotain's own LL(k) functions do.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { IOrAlt, IToken, OptionalProductionType, Rule, TokenType } from 'chevrotain';
import { IRParser } from '../../src/syntax/parser.js';
import { LOOKAHEAD } from '../../src/syntax/lookahead-table.js';
import { TableLookahead } from '../../src/syntax/lookahead.js';
import { EOF, LLkLookaheadStrategy } from '../../src/syntax/chevrotain.js';
import * as T from '../../src/syntax/tokens.js';

interface AltCall { rule: Rule; prodOccurrence: number; maxLookahead: number; hasPredicates: boolean; dynamicTokensEnabled: boolean }
interface OptCall { rule: Rule; prodOccurrence: number; maxLookahead: number; prodType: OptionalProductionType; dynamicTokensEnabled: boolean }

/** Every request Chevrotain makes of the strategy while building the parser. */
function buildRequests(): { alts: AltCall[]; opts: OptCall[] } {
  const alts: AltCall[] = [];
  const opts: OptCall[] = [];
  const proto = TableLookahead.prototype;
  const a = proto.buildLookaheadForAlternation;
  const o = proto.buildLookaheadForOptional;
  proto.buildLookaheadForAlternation = function (this: TableLookahead, x: AltCall) { alts.push(x); return a.call(this, x); } as never;
  proto.buildLookaheadForOptional = function (this: TableLookahead, x: OptCall) { opts.push(x); return o.call(this, x); } as never;
  try { new IRParser(); } finally {
    proto.buildLookaheadForAlternation = a;
    proto.buildLookaheadForOptional = o;
  }
  return { alts, opts };
}

const tok = (tt: TokenType): IToken => ({ tokenType: tt, tokenTypeIdx: tt.tokenTypeIdx!, image: '', startOffset: 0 } as IToken);
const recognizer = (toks: IToken[]) => {
  const at = (k: number): IToken => toks[k - 1] ?? tok(EOF);
  return { LA: at, LA_FAST: at };
};

describe('lookahead table', () => {
  test('is up to date with the grammar (run `npm run grammar` after changing parser.ts)', () => {
    const fresh = new IRParser({ lookahead: {} }).lookahead.derived;
    expect(Object.keys(fresh).length).toBeGreaterThan(100);
    expect(LOOKAHEAD).toEqual(fresh);
    expect(new IRParser().lookahead.derived).toEqual({});
  });

  test("decides every production as Chevrotain's LL(2) functions do", () => {
    const { alts, opts } = buildRequests();
    const llk = new LLkLookaheadStrategy({ maxLookahead: 2 });
    const ours = new TableLookahead(LOOKAHEAD, T.allTokens, 2);
    const types = [...T.allTokens, EOF];
    // candidate tokens: every type (a token's type is concrete; categories are never instances)
    const concrete = types.filter((t) => !t.name.endsWith('Kw') && t.name !== 'NonParen' && t.name !== 'AnyWord');
    const arbTok = fc.constantFrom(...concrete);
    for (const call of alts) {
      const mine = ours.buildLookaheadForAlternation(call);
      const ref = llk.buildLookaheadForAlternation(call);
      fc.assert(fc.property(arbTok, arbTok, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), (t1, t2, gates) => {
        const r = recognizer([tok(t1), tok(t2)]);
        const orAlts = gates.map((g) => ({ ALT: () => undefined, GATE: () => g })) as IOrAlt<unknown>[];
        expect(mine.call(r as never, orAlts)).toBe(ref.call(r as never, orAlts));
      }), { numRuns: 300, seed: 7 });
      // and exhaustively on the first token
      for (const t1 of concrete) {
        const r = recognizer([tok(t1), tok(T.Comma)]);
        const orAlts = Array.from({ length: 64 }, () => ({ ALT: () => undefined })) as IOrAlt<unknown>[];
        expect(mine.call(r as never, orAlts), `${call.rule.name} OR${call.prodOccurrence} on ${t1.name}`).toBe(ref.call(r as never, orAlts));
      }
    }
    for (const call of opts) {
      const mine = ours.buildLookaheadForOptional(call);
      const ref = llk.buildLookaheadForOptional(call);
      for (const t1 of concrete) {
        for (const t2 of [T.Comma, T.MetadataVar, T.LocalId, T.IntType, EOF]) {
          const r = recognizer([tok(t1), tok(t2)]);
          expect(mine.call(r as never), `${call.rule.name} ${call.prodType}${call.prodOccurrence} on ${t1.name} ${t2.name}`).toBe(ref.call(r as never));
        }
      }
    }
    expect(alts.length + opts.length).toBe(Object.keys(LOOKAHEAD).length);
  });
});

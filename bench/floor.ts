// The least any Chevrotain parser of this token stream can cost: the module's
// tokens (lexed in the same chunks as parseModule) fed to a one-rule grammar,
// MANY(SUBRULE(OR(CONSUME))), that recognizes every token and builds nothing.
// The real grammar makes ~1.1 rule calls and one decision per token on top of
// building the IR; this floor shows how much of the "fmt no slower than opt -S"
// target the parser library alone already uses up.
import type { IOrAlt, IToken } from 'chevrotain';
import { EmbeddedActionsParser } from '../src/syntax/chevrotain.js';
import * as T from '../src/syntax/tokens.js';
import { lexInChunks } from '../src/syntax/lexer.js';
import type { SourceFile } from '../src/diag/source.js';

class Flat extends EmbeddedActionsParser {
  private alts?: IOrAlt<IToken>[];
  constructor() {
    super(T.allTokens, { maxLookahead: 1, skipValidations: true, recoveryEnabled: false });
    this.performSelfAnalysis();
  }
  all = this.RULE('all', () => {
    let n = 0;
    this.MANY(() => { this.SUBRULE(this.one); n++; });
    return n;
  });
  one = this.RULE('one', () => this.OR(this.alts ??= [
    { ALT: () => this.CONSUME(T.NonParen) }, { ALT: () => this.CONSUME(T.LParen) }, { ALT: () => this.CONSUME(T.RParen) },
  ]));
}

let parser: Flat | null = null;

/** Lexes `src` as parseModule does (lexInChunks), handing each chunk's tokens to `use`; returns the token count. */
export function lexChunks(src: SourceFile, use: (tokens: IToken[]) => void = () => {}): number {
  let n = 0;
  lexInChunks(src, (tokens) => { n += tokens.length; use(tokens); });
  return n;
}

/** Lexes and recognizes `src` as parseModule does, building nothing; returns the token count. */
export function recognizeOnly(src: SourceFile): number {
  const p = parser ??= new Flat();
  let n = 0;
  lexChunks(src, (tokens) => { p.input = tokens; n += p.all(); });
  p.input = [];
  return n;
}

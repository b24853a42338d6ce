// The LLVM IR grammar (LangRef, "Module Structure" onwards) as a Chevrotain
// embedded-actions parser. Productions build IR objects directly; references
// to values are RefValue placeholders that src/resolve binds afterwards, so a
// use may precede its definition anywhere LLVM allows it. One parser instance
// is created lazily and reused for every input (grammar analysis is costly).
import type { IOrAlt, IToken, TokenType, IParserErrorMessageProvider } from 'chevrotain';
import { EmbeddedActionsParser } from './chevrotain.js';
import { TableLookahead, type LookaheadTable } from './lookahead.js';
import { LOOKAHEAD } from './lookahead-table.js';
import { TYPE_ATTRS } from './classify.js';
import * as T from './tokens.js';
import { K } from './tokens.js';
import { ParseState, CALLEE_TYPE, INFER_TYPE, type HeaderItem, type CallParts } from './state.js';
import type { Type } from '../ir/types.js';
import type { Value } from '../ir/value.js';
import { NO_ATTRS, type Attr, type AttrList } from '../ir/attributes.js';
import {
  MDRaw, MDSpecial, MDString, MDTuple, MDValue, type MDField, type Metadata, type Attachment,
} from '../ir/metadata.js';
import type { Instruction, OperandBundle } from '../ir/instructions.js';


const LABELS: Record<string, string> = {
  LocalVar: 'a local name (%x)', LocalId: 'a local number (%1)', GlobalVar: 'a global name (@x)',
  GlobalId: 'a global number (@1)', MetadataVar: 'a metadata name (!x)', MetadataId: 'a metadata number (!1)',
  AttrGrpId: 'an attribute group (#1)', ComdatVar: 'a comdat name ($x)', SummaryId: 'a summary id (^1)',
  StringConstant: 'a string', CString: 'a c"..." string', LabelStr: 'a label', IntLit: 'an integer',
  FPLit: 'a floating-point number', HexInt: 'an integer', IntType: 'an integer type', Word: 'a word',
  DbgRecord: 'a debug record', Equals: "'='", Comma: "','", Star: "'*'", LBracket: "'['", RBracket: "']'",
  LBrace: "'{'", RBrace: "'}'", LParen: "'('", RParen: "')'", Less: "'<'", Greater: "'>'", Exclaim: "'!'",
  DotDotDot: "'...'", Pipe: "'|'", Colon: "':'", EOF: 'end of input', AnyWord: 'a word',
  BinaryOpKw: 'a binary operator', CastOpKw: 'a cast operator', PredKw: 'a comparison predicate',
  OrderingKw: 'an atomic ordering', FlagKw: 'a flag', RmwOpKw: 'an atomicrmw operation', FloatTypeKw: 'a floating-point type',
  NonParen: 'a token',
};
export function tokenLabel(t: TokenType): string {
  return LABELS[t.name] ?? (t.name.startsWith('K_') ? `'${t.name.slice(2)}'` : t.name);
}
const RULE_WHAT: Record<string, string> = {
  module: 'a top-level entity', topLevel: 'a top-level entity (define, declare, @global = ..., %T = type ..., attributes, metadata)',
  rawParens: "a parenthesized argument", useListOrder: 'a use-list order directive', useListIndexes: "'{ indexes }'", typeDef: 'a type definition (%T = type {...} or opaque)',
  headerItems: 'linkage, visibility or attributes', globalDef: "'global', 'constant', 'alias' or 'ifunc' after the linkage",
  comdatRef: 'comdat', attachment: 'a metadata attachment (!name !N)', functionDef: 'a function header',
  param: 'a parameter (type, attributes, name)', bodyItem: 'an instruction or a label', attrs: 'attributes',
  paramAttrs: 'attributes', attr: 'an attribute', type: 'a type', typeBase: 'a type', typeList: 'a list of types',
  typedValue: 'a typed value (type then value)', value: 'a value', typedValueList: 'a list of typed values',
  flags: 'flags', constExpr: 'a constant expression', mdOperand: 'metadata', fieldValue: 'a metadata field value',
  rawAtom: 'a metadata field value', instruction: 'an instruction', binaryInst: 'an instruction', castInst: 'a cast',
  alignSuffix: "', align N'", syncscope: 'syncscope("...")', memInst: 'a memory instruction',
  loadStore: 'load or store operands', allocaGep: "an alloca or getelementptr operand (a type, ', align N', a count)",
  atomicInst: 'atomic instruction operands', callCommon: 'a call: [attributes] type callee(arguments)',
  callInst: 'a call', labelRef: "a label ('label %name')", otherInst: 'an instruction',
  phiIncoming: "a phi entry '[ value, %block ]'", padParent: "a token value or 'none'", unwindDest: "'unwind label %x' or 'unwind to caller'",
  terminatorInst: "a terminator's operands", ehTerminator: "a terminator's operands",
};
const shown = (t: IToken): string => (t.tokenType.name === 'EOF' ? 'end of input' : `'${t.image}'`);
const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${tokenLabel(expected)} but found ${shown(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${shown(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual, ruleName }) =>
    `expected ${RULE_WHAT[ruleName] ?? ruleName} but found ${shown(actual[0]!)}`,
  buildEarlyExitMessage: ({ actual, ruleName }) =>
    `expected ${RULE_WHAT[ruleName] ?? ruleName} but found ${shown(actual[0]!)}`,
};

const int = (t: IToken): number => Number(t.image);
/** Value of an embedded action during Chevrotain's recording phase, where actions do not run. */
const NIL = undefined as never;
type Alts<T> = IOrAlt<T>[];
const VOID = K('void');
const LABEL = K('label');
const ADDRSPACE = K('addrspace');
const UNTYPED_ALIASEE = new Set([K('bitcast'), K('getelementptr'), K('addrspacecast'), K('inttoptr')]);
/** After `ret void`: what makes `void` the start of a function type (`ret void (i32)* @f`). */
const VOID_TYPE_SUFFIX = new Set([T.LParen, T.Star, ADDRSPACE]);

export class IRParser extends EmbeddedActionsParser {
  st!: ParseState;
  /** Expected type of the value being parsed (set just before SUBRULE(value)). */
  private vty!: Type;
  // Alternatives arrays are built once: their closures capture nothing per call.
  private valueAlts?: Alts<Value>;
  private constExprAlts?: Alts<Value>;
  private alts_typeBase?: Alts<Type>;
  private alts_instruction?: Alts<Instruction>;
  private alts_binaryInst?: Alts<Instruction>;
  private alts_memInst?: Alts<Instruction>;
  private alts_loadStore?: Alts<Instruction>;
  private alts_allocaGep?: Alts<Instruction>;
  private alts_atomicInst?: Alts<Instruction>;
  private alts_otherInst?: Alts<Instruction>;
  private alts_terminatorInst?: Alts<Instruction>;
  private alts_ehTerminator?: Alts<Instruction>;
  private alts_mdOperand?: Alts<Metadata>;
  private alts_fieldValue?: Alts<Metadata>;
  private alts_rawAtom?: Alts<IToken>;
  private alts_padParent?: Alts<Value>;
  private alts_bodyItem?: Alts<void>;
  private alts_topLevel?: Alts<void>;
  private alts_attr?: Alts<Attr>;
  private alts_phiIncoming?: Alts<IToken>;
  /**
   * `%name` or `%12`. One array serves every rule that takes a local name (param, bodyItem,
   * typeBase, labelRef): each of them takes one, so the occurrence indices inside never clash.
   */
  private localNameAlts(): Alts<IToken> {
    return this.alts_localName ??= [{ ALT: () => this.CONSUME(T.LocalVar) }, { ALT: () => this.CONSUME(T.LocalId) }];
  }
  private alts_localName?: Alts<IToken>;
  private alts_typeSuffix?: Alts<Type>;
  private alts_cmpKw?: Alts<IToken>;
  private alts_attrWord?: Alts<Attr>;
  private alts_ret?: Alts<Value | null>;
  private alts_br?: Alts<Instruction>;
  private alts_tail?: Alts<IToken>;
  private alts_angleType?: Alts<Type>;
  // Per-call state the cached alternatives above read (each is copied into a local
  // before any SUBRULE that could overwrite it).
  /** The type a suffix (`*`, `addrspace(N)*`, `(params)`) applies to. */
  private suffixBase!: Type;
  /** The word of a `Word` attribute. */
  private attrWord!: IToken;
  /** The `br` keyword. */
  private termKw!: IToken;
  /** The type being built by `type`, the flags by `flags`, the list by `paramAttrs`, the instruction by `bodyItem`. */
  private curType!: Type;
  private curFlags = 0;
  /** The opcode whose flags `flags` reads. */
  private flagsOp!: IToken;
  private curAttrs: AttrList = NO_ATTRS;
  private curInst!: Instruction;
  // Repetition and option bodies of the hottest rules, built once like the alternatives.
  private many_typeSuffix?: () => void;
  private many_flags?: () => void;
  private many_paramAttrs?: () => void;
  private opt_resultName?: () => IToken;
  private many_instAttachments?: () => void;

  /** Builds the lookahead functions; `lookahead.derived` lists the productions it had to derive. */
  readonly lookahead: TableLookahead;

  /**
   * `validate` runs Chevrotain's grammar checks (ambiguities, left recursion): a
   * test does, so the CLI can skip them and start faster. `lookahead` replaces the
   * precomputed lookahead table (lookahead.ts); `{}` derives every path.
   */
  constructor(opts: { validate?: boolean; lookahead?: LookaheadTable } = {}) {
    const lookahead = new TableLookahead(opts.lookahead ?? LOOKAHEAD, T.allTokens, 2);
    super(T.allTokens, {
      maxLookahead: 2, recoveryEnabled: false, errorMessageProvider: errorMessages, skipValidations: !opts.validate,
      lookaheadStrategy: lookahead,
    });
    this.lookahead = lookahead;
    this.performSelfAnalysis();
  }

  /** Gate for comma-led repetitions at the end of an instruction: `, !dbg !3` belongs to the attachments. */
  private readonly notAttachment = (): boolean => this.LA(2).tokenType !== T.MetadataVar;

  // ---------------------------------------------------------------- module
  module = this.RULE('module', () => {
    this.MANY(() => this.SUBRULE(this.topLevel));
  });

  topLevel = this.RULE('topLevel', () => {
    this.OR(this.alts_topLevel ??= [
      { ALT: () => {
        this.CONSUME(K('source_filename')); this.CONSUME(T.Equals);
        const s = this.CONSUME(T.StringConstant);
        if (!this.RECORDING_PHASE) { this.st.m.sourceFilename = s.image; }
      } },
      { ALT: () => {
        this.CONSUME(K('target'));
        const which = this.OR1([
          { ALT: () => this.CONSUME(K('datalayout')) },
          { ALT: () => this.CONSUME(K('triple')) },
        ]);
        this.CONSUME1(T.Equals);
        const s = this.CONSUME1(T.StringConstant);
        if (!this.RECORDING_PHASE) {
          if (which.image === 'datalayout') this.st.dataLayout(s); else this.st.m.triple = s.image;
        }
      } },
      { ALT: () => {
        this.CONSUME(K('module')); this.CONSUME(K('asm'));
        const s = this.CONSUME2(T.StringConstant);
        (this.RECORDING_PHASE ? NIL : (this.st.m.moduleAsm.push(s.image)));
      } },
      { ALT: () => this.SUBRULE(this.typeDef) },
      { ALT: () => {
        const c = this.CONSUME(T.ComdatVar); this.CONSUME2(T.Equals); this.CONSUME(K('comdat'));
        const k = this.CONSUME(T.Word);
        (this.RECORDING_PHASE ? NIL : (this.st.addComdat(c, k.image)));
      } },
      { ALT: () => this.SUBRULE(this.globalDef) },
      { ALT: () => this.SUBRULE(this.functionDef) },
      { ALT: () => {
        this.CONSUME(K('attributes'));
        const id = this.CONSUME(T.AttrGrpId); this.CONSUME3(T.Equals); this.CONSUME(T.LBrace);
        const attrs = this.SUBRULE(this.attrs);
        this.CONSUME(T.RBrace);
        (this.RECORDING_PHASE ? NIL : (this.st.addAttrGroup(id, attrs)));
      } },
      { ALT: () => {
        const name = this.CONSUME(T.MetadataVar); this.CONSUME4(T.Equals); this.CONSUME(T.Exclaim); this.CONSUME1(T.LBrace);
        const elems: Metadata[] = [];
        this.MANY_SEP({ SEP: T.Comma, DEF: () => { const e = this.SUBRULE(this.mdOperand); (this.RECORDING_PHASE ? NIL : (elems.push(e))); } });
        this.CONSUME1(T.RBrace);
        (this.RECORDING_PHASE ? NIL : (this.st.m.namedMetadata.push({ name: name.image.slice(1), elems })));
      } },
      { ALT: () => {
        const id = this.CONSUME(T.MetadataId); this.CONSUME5(T.Equals);
        const distinct = this.OPTION(() => this.CONSUME(K('distinct')));
        const node = this.SUBRULE1(this.mdOperand);
        (this.RECORDING_PHASE ? NIL : (this.st.addMetadata(id, !!distinct, node)));
      } },
      { ALT: () => {
        const id = this.CONSUME(T.SummaryId); this.CONSUME6(T.Equals);
        const start = id.startOffset;
        this.CONSUME(T.LabelStr);
        const last = this.OR2([
          { ALT: () => this.SUBRULE(this.rawParens) },
          { ALT: () => this.CONSUME(T.IntLit) },
        ]);
        (this.RECORDING_PHASE ? NIL : (this.st.m.summaries.push({ text: this.st.text(start, last), pos: start })));
      } },
      { ALT: () => this.SUBRULE(this.useListOrder) },
      { ALT: () => {
        const kw = this.CONSUME(K('uselistorder_bb'));
        const fn = this.OR3([{ ALT: () => this.CONSUME1(T.GlobalVar) }, { ALT: () => this.CONSUME1(T.GlobalId) }]);
        this.CONSUME(T.Comma);
        const bb = this.OR4([{ ALT: () => this.CONSUME(T.LocalVar) }, { ALT: () => this.CONSUME(T.LocalId) }]);
        this.CONSUME1(T.Comma);
        const idx = this.SUBRULE(this.useListIndexes);
        (this.RECORDING_PHASE ? NIL : (this.st.useListOrderBB(kw, fn, bb, idx)));
      } },
    ]);
  });

  /** `uselistorder T v, { i, j, ... }` (LangRef: Use-list Order Directives), at the top level or at the end of a body. */
  useListOrder = this.RULE('useListOrder', () => {
    const kw = this.CONSUME(K('uselistorder'));
    const v = this.SUBRULE(this.typedValue);
    this.CONSUME(T.Comma);
    const idx = this.SUBRULE(this.useListIndexes);
    (this.RECORDING_PHASE ? NIL : (this.st.useListOrder(kw, v, idx)));
  });

  /** `{ 1, 0, 2 }`: the opening brace, then the index tokens. */
  useListIndexes = this.RULE('useListIndexes', (): IToken[] => {
    const open = this.CONSUME(T.LBrace);
    const list: IToken[] = [open];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => { const n = this.CONSUME(T.IntLit); (this.RECORDING_PHASE ? NIL : (list.push(n))); } });
    this.CONSUME(T.RBrace);
    return list;
  });

  /** `( ... )` with balanced nesting, kept as text. Returns the closing token. */
  rawParens = this.RULE('rawParens', (): IToken => {
    this.CONSUME(T.LParen);
    this.MANY(() => this.OR([
      { ALT: () => { this.SUBRULE(this.rawParens); } },
      { ALT: () => { this.CONSUME(T.NonParen); } },
    ]));
    return this.CONSUME(T.RParen);
  });

  typeDef = this.RULE('typeDef', () => {
    const name = this.OR([{ ALT: () => this.CONSUME(T.LocalVar) }, { ALT: () => this.CONSUME(T.LocalId) }]);
    this.CONSUME(T.Equals); this.CONSUME(K('type'));
    const body = this.OR1([
      { ALT: () => { this.CONSUME(K('opaque')); return null; } },
      { ALT: () => this.SUBRULE(this.type) },
    ]);
    (this.RECORDING_PHASE ? NIL : (this.st.defineType(name, body)));
  });

  // --------------------------------------------------------------- globals
  /** Words before `global` / `define`'s return type: linkage, visibility, ..., return attributes. */
  headerItems = this.RULE('headerItems', (): HeaderItem[] => {
    const items: HeaderItem[] = [];
    this.MANY(() => {
      const first = this.LA(1);
      const item = this.OR([
        { ALT: (): HeaderItem => { const a = this.SUBRULE(this.attr); return { k: 'attr', attr: a }; } },
        { ALT: (): HeaderItem => { this.CONSUME(K('weak')); return { k: 'word', w: 'weak' }; } },
        { ALT: (): HeaderItem => { this.CONSUME(K('cc')); const n = this.CONSUME(T.IntLit); return { k: 'cc', n: n.image }; } },
        { ALT: (): HeaderItem => {
          const t = this.CONSUME(K('thread_local'));
          const mode = this.OPTION(() => { this.CONSUME(T.LParen); const w = this.CONSUME(T.Word); this.CONSUME(T.RParen); return w; });
          return (this.RECORDING_PHASE ? NIL : { k: 'tls', text: mode ? `${t.image}(${mode.image})` : t.image });
        } },
        { ALT: (): HeaderItem => { this.CONSUME(K('unnamed_addr')); return { k: 'word', w: 'unnamed_addr' }; } },
        { ALT: (): HeaderItem => { this.CONSUME(K('local_unnamed_addr')); return { k: 'word', w: 'local_unnamed_addr' }; } },
        { ALT: (): HeaderItem => { this.CONSUME(K('externally_initialized')); return { k: 'word', w: 'externally_initialized' }; } },
        { ALT: (): HeaderItem => {
          this.CONSUME(K('addrspace')); this.CONSUME1(T.LParen); const n = this.CONSUME1(T.IntLit); this.CONSUME1(T.RParen);
          return (this.RECORDING_PHASE ? NIL : { k: 'addrspace', n: int(n) });
        } },
      ]);
      if (!this.RECORDING_PHASE) { const last = this.LA(0); items.push({ ...item, pos: first.startOffset, end: last.startOffset + last.image.length }); }
    });
    return items;
  });

  globalDef = this.RULE('globalDef', () => {
    const name = this.OR([{ ALT: () => this.CONSUME(T.GlobalVar) }, { ALT: () => this.CONSUME(T.GlobalId) }]);
    // operand errors in the initializer or aliasee point into this entity, not at an earlier one's tokens
    if (!this.RECORDING_PHASE) this.st.beginInstruction(name);
    this.CONSUME(T.Equals);
    const items = this.SUBRULE(this.headerItems);
    this.OR1([
      { ALT: () => {
        const kind = this.OR2([{ ALT: () => this.CONSUME(K('global')) }, { ALT: () => this.CONSUME(K('constant')) }]);
        const ty = this.SUBRULE(this.type);
        const g = (this.RECORDING_PHASE ? NIL : (this.st.beginGlobalVar(name, items, kind.image === 'constant', ty)));
        this.OPTION({
          GATE: () => !this.st.isExternalDecl(items),
          DEF: () => { const init = (this.vty = ty, this.SUBRULE(this.value)); if (!this.RECORDING_PHASE) { g.init = init; } },
        });
        if (!this.RECORDING_PHASE && !g.init && !this.st.isExternalDecl(items)) this.st.missingInit(g);
        this.MANY(() => {
          this.CONSUME(T.Comma);
          this.OR3([
            { ALT: () => { this.CONSUME(K('section')); const s = this.CONSUME(T.StringConstant); if (!this.RECORDING_PHASE) { g.section = s.image; } } },
            { ALT: () => { this.CONSUME(K('partition')); const s = this.CONSUME1(T.StringConstant); if (!this.RECORDING_PHASE) { g.partition = s.image; } } },
            { ALT: () => { const c = this.SUBRULE(this.comdatRef); if (!this.RECORDING_PHASE) { g.comdat = c; } } },
            { ALT: () => { this.CONSUME(K('align')); const n = this.CONSUME(T.IntLit); if (!this.RECORDING_PHASE) { g.align = this.st.align(n); } } },
            { ALT: () => { this.CONSUME(K('code_model')); const s = this.CONSUME2(T.StringConstant); if (!this.RECORDING_PHASE) { g.codeModel = s.image; } } },
            { ALT: () => { const w = this.CONSUME(T.Word); (this.RECORDING_PHASE ? NIL : (g.sanitizer.push(w.image))); } },
            { ALT: () => { const a = this.SUBRULE(this.attachment); (this.RECORDING_PHASE ? NIL : (g.attachments.push(a))); } },
          ]);
        });
        this.MANY1(() => { const id = this.CONSUME(T.AttrGrpId); (this.RECORDING_PHASE ? NIL : (g.attrs.push({ k: 'group', id: Number(id.image.slice(1)) }))); });
      } },
      { ALT: () => {
        const kw = this.OR4([{ ALT: () => this.CONSUME(K('alias')) }, { ALT: () => this.CONSUME(K('ifunc')) }]);
        const vty = this.SUBRULE1(this.type);
        this.CONSUME1(T.Comma);
        // LLVM writes a bitcast / getelementptr / addrspacecast / inttoptr aliasee without its type
        const target = this.OR6([
          {
            GATE: () => UNTYPED_ALIASEE.has(this.LA(1).tokenType),
            ALT: () => { this.vty = INFER_TYPE; return this.SUBRULE(this.constExpr); },
            IGNORE_AMBIGUITIES: true,
          },
          { ALT: () => this.SUBRULE(this.typedValue) },
        ]);
        const g = (this.RECORDING_PHASE ? NIL : (this.st.addAliasOrIFunc(name, items, kw.image as 'alias' | 'ifunc', vty, target)));
        this.MANY2(() => {
          this.CONSUME2(T.Comma);
          this.OR5([
            { ALT: () => { this.CONSUME1(K('partition')); const s = this.CONSUME3(T.StringConstant); if (!this.RECORDING_PHASE) { g.partition = s.image; } } },
            { ALT: () => { const a = this.SUBRULE1(this.attachment); (this.RECORDING_PHASE ? NIL : (g.attachments.push(a))); } },
          ]);
        });
      } },
    ]);
  });

  comdatRef = this.RULE('comdatRef', () => {
    this.CONSUME(K('comdat'));
    const c = this.OPTION(() => { this.CONSUME(T.LParen); const n = this.CONSUME(T.ComdatVar); this.CONSUME(T.RParen); return n; });
    return (this.RECORDING_PHASE ? NIL : (({ name: c ? this.st.nameOf(c) : null })));
  });

  attachment = this.RULE('attachment', (): Attachment => {
    const k = this.CONSUME(T.MetadataVar);
    const md = this.SUBRULE(this.mdOperand);
    return (this.RECORDING_PHASE ? NIL : this.st.attachment(k, md));
  });

  // ------------------------------------------------------------- functions
  functionDef = this.RULE('functionDef', () => {
    const kw = this.OR([{ ALT: () => this.CONSUME(K('define')) }, { ALT: () => this.CONSUME(K('declare')) }]);
    const pre: Attachment[] = [];
    this.MANY(() => { const a = this.SUBRULE(this.attachment); (this.RECORDING_PHASE ? NIL : (pre.push(a))); });
    const items = this.SUBRULE(this.headerItems);
    const ret = this.SUBRULE(this.type);
    const name = this.OR1([{ ALT: () => this.CONSUME(T.GlobalVar) }, { ALT: () => this.CONSUME(T.GlobalId) }]);
    if (!this.RECORDING_PHASE) this.st.beginInstruction(name); // for prefix, prologue and personality constants
    this.CONSUME(T.LParen);
    const params: { type: Type; attrs: AttrList; name: IToken | undefined }[] = [];
    let vararg = false;
    this.OPTION(() => this.OR2([
      { ALT: () => { this.CONSUME(T.DotDotDot); vararg = true; } },
      { ALT: () => {
        this.SUBRULE(this.param, { ARGS: [params] });
        this.MANY1(() => {
          this.CONSUME(T.Comma);
          this.OR3([
            { ALT: () => { this.CONSUME1(T.DotDotDot); vararg = true; } },
            { ALT: () => { this.SUBRULE1(this.param, { ARGS: [params] }); } },
          ]);
        });
      } },
    ]));
    this.CONSUME(T.RParen);
    const f = (this.RECORDING_PHASE ? NIL : (this.st.beginFunction(kw, name, items, ret, params, vararg, pre)));
    // only a definition takes attachments after its header (LLParser::parseDefine); after a
    // declaration, `!name` starts the next entity (named metadata)
    const isDefine = kw.image === 'define';
    this.MANY2({ GATE: () => isDefine || this.LA(1).tokenType !== T.MetadataVar, DEF: () => this.OR4([
      { ALT: () => { const a = this.SUBRULE1(this.attr); (this.RECORDING_PHASE ? NIL : (this.st.fnTrailingAttr(f, a))); } },
      { ALT: () => { this.CONSUME(K('unnamed_addr')); if (!this.RECORDING_PHASE) { f.unnamedAddr = 'unnamed_addr'; } } },
      { ALT: () => { this.CONSUME(K('local_unnamed_addr')); if (!this.RECORDING_PHASE) { f.unnamedAddr = 'local_unnamed_addr'; } } },
      { ALT: () => {
        this.CONSUME(K('addrspace')); this.CONSUME1(T.LParen); const n = this.CONSUME(T.IntLit); this.CONSUME1(T.RParen);
        (this.RECORDING_PHASE ? NIL : (this.st.fnAddrspace(f, int(n))));
      } },
      { ALT: () => { this.CONSUME(K('section')); const s = this.CONSUME(T.StringConstant); if (!this.RECORDING_PHASE) { f.section = s.image; } } },
      { ALT: () => { this.CONSUME(K('partition')); const s = this.CONSUME1(T.StringConstant); if (!this.RECORDING_PHASE) { f.partition = s.image; } } },
      { ALT: () => { const c = this.SUBRULE(this.comdatRef); if (!this.RECORDING_PHASE) { f.comdat = c; } } },
      { ALT: () => { this.CONSUME(K('gc')); const s = this.CONSUME2(T.StringConstant); if (!this.RECORDING_PHASE) { f.gc = s.image; } } },
      { ALT: () => { this.CONSUME(K('prefix')); const v = this.SUBRULE(this.typedValue); if (!this.RECORDING_PHASE) { f.prefix = v; } } },
      { ALT: () => { this.CONSUME(K('prologue')); const v = this.SUBRULE1(this.typedValue); if (!this.RECORDING_PHASE) { f.prologue = v; } } },
      { ALT: () => { this.CONSUME(K('personality')); const v = this.SUBRULE2(this.typedValue); if (!this.RECORDING_PHASE) { f.personality = v; } } },
      { ALT: () => { const a = this.SUBRULE1(this.attachment); (this.RECORDING_PHASE ? NIL : (f.attachments.push(a))); } },
    ]) });
    this.OPTION1({
      GATE: () => isDefine,
      DEF: () => {
        this.CONSUME(T.LBrace);
        (this.RECORDING_PHASE ? NIL : (this.st.beginBody(f)));
        this.MANY3(() => this.SUBRULE(this.bodyItem));
        // use-list order directives come after the last block (LLParser::parseFunctionBody)
        this.MANY4(() => this.SUBRULE1(this.useListOrder));
        const end = this.CONSUME(T.RBrace);
        (this.RECORDING_PHASE ? NIL : (this.st.endBody(end)));
      },
    });
  });

  param = this.RULE('param', (params: { type: Type; attrs: AttrList; name: IToken | undefined }[]) => {
    const type = this.SUBRULE(this.type);
    const attrs = this.SUBRULE(this.paramAttrs);
    const name = this.OPTION(() => this.OR(this.localNameAlts()));
    (this.RECORDING_PHASE ? NIL : (params.push({ type, attrs, name })));
  });

  bodyItem = this.RULE('bodyItem', () => {
    this.OR(this.alts_bodyItem ??= [
      { ALT: () => { const l = this.CONSUME(T.LabelStr); (this.RECORDING_PHASE ? NIL : (this.st.label(l))); } },
      { ALT: () => {
        const kw = this.CONSUME(T.DbgRecord);
        this.CONSUME(T.LParen);
        const args: Metadata[] = [];
        this.MANY_SEP({ SEP: T.Comma, DEF: () => { const a = this.SUBRULE(this.mdOperand); (this.RECORDING_PHASE ? NIL : (args.push(a))); } });
        this.CONSUME(T.RParen);
        (this.RECORDING_PHASE ? NIL : (this.st.dbgRecord(kw, args)));
      } },
      { ALT: () => {
        const res = this.OPTION(this.opt_resultName ??= () => {
          const n = this.OR1(this.localNameAlts());
          this.CONSUME(T.Equals);
          return n;
        });
        const first = this.LA(1);
        if (!this.RECORDING_PHASE) this.st.beginInstruction(first);
        const inst = this.curInst = this.SUBRULE(this.instruction);
        this.MANY(this.many_instAttachments ??= () => {
          this.CONSUME(T.Comma);
          const a = this.SUBRULE(this.attachment); // metadata: never an instruction, so curInst stays
          if (!this.RECORDING_PHASE) { const i = this.curInst; if (i.attachments) i.attachments.push(a); else i.attachments = [a]; }
        });
        (this.RECORDING_PHASE ? NIL : (this.st.addInstruction(inst, res, first, this.LA(0))));
      } },
    ]);
  });

  // ------------------------------------------------------------ attributes
  attrs = this.RULE('attrs', (): AttrList => {
    let list: AttrList = NO_ATTRS;
    this.MANY(() => { const a = this.SUBRULE(this.attr); if (!this.RECORDING_PHASE) (list === NO_ATTRS ? (list = []) : list).push(a); });
    return list;
  });

  /** Parameter / return attributes: like `attrs` but never an attribute group. */
  paramAttrs = this.RULE('paramAttrs', (): AttrList => {
    // an attribute may hold a type (byval(%T)) but never a list of attributes: no nesting
    this.curAttrs = NO_ATTRS;
    this.MANY(this.many_paramAttrs ??= () => {
      const a = this.SUBRULE(this.attr);
      if (!this.RECORDING_PHASE) (this.curAttrs === NO_ATTRS ? (this.curAttrs = []) : this.curAttrs).push(a);
    });
    return this.curAttrs;
  });

  attr = this.RULE('attr', (): Attr => {
    return this.OR(this.alts_attr ??= [
      { ALT: () => {
        this.attrWord = this.CONSUME(T.Word);
        return this.OR1(this.alts_attrWord ??= [
          { GATE: () => TYPE_ATTRS.has(this.attrWord.image), ALT: () => {
            const w = this.attrWord;
            this.CONSUME(T.LParen); const t = this.SUBRULE(this.type); this.CONSUME(T.RParen);
            return { k: 'type' as const, name: w.image, type: t };
          } },
          { ALT: () => {
            const w = this.attrWord;
            const open = this.LA(1);
            const close = this.SUBRULE(this.rawParens);
            return (this.RECORDING_PHASE ? NIL : (({ k: 'word' as const, name: w.image, arg: this.st.text(open.startOffset + 1, close, true), paren: true })));
          } },
          { ALT: () => {
            const w = this.attrWord;
            this.CONSUME(T.Equals); const n = this.CONSUME(T.IntLit);
            return { k: 'word' as const, name: w.image, arg: `=${n.image}`, paren: false };
          } },
          { ALT: () => (this.RECORDING_PHASE ? NIL : this.st.wordAttr(this.attrWord)) },
        ]);
      } },
      { ALT: () => {
        this.CONSUME(K('align'));
        return this.OR2([
          { ALT: () => { const n = this.CONSUME1(T.IntLit); return { k: 'word' as const, name: 'align', arg: n.image, paren: false }; } },
          { ALT: () => {
            this.CONSUME1(T.LParen); const n = this.CONSUME2(T.IntLit); this.CONSUME1(T.RParen);
            return { k: 'word' as const, name: 'align', arg: n.image, paren: true };
          } },
        ]);
      } },
      { ALT: () => {
        this.CONSUME(K('inalloca'));
        return this.OR3([
          { ALT: () => {
            this.CONSUME2(T.LParen); const t = this.SUBRULE1(this.type); this.CONSUME2(T.RParen);
            return { k: 'type' as const, name: 'inalloca', type: t };
          } },
          { ALT: () => ({ k: 'word' as const, name: 'inalloca', arg: null, paren: false }) },
        ]);
      } },
      { ALT: () => {
        const key = this.CONSUME(T.StringConstant);
        const v = this.OPTION(() => { this.CONSUME1(T.Equals); return this.CONSUME1(T.StringConstant); });
        return { k: 'str' as const, key: key.image, value: v ? v.image : null };
      } },
      { ALT: () => { const id = this.CONSUME(T.AttrGrpId); return { k: 'group' as const, id: Number(id.image.slice(1)) }; } },
    ]);
  });

  // ----------------------------------------------------------------- types
  type = this.RULE('type', (): Type => {
    // `curType` is read and written only between nested `type` calls (a function type's
    // parameters are parsed inside the OR, before its result is stored)
    this.curType = this.SUBRULE(this.typeBase);
    this.MANY(this.many_typeSuffix ??= () => { this.suffixBase = this.curType; this.curType = this.OR(this.alts_typeSuffix ??= [
      { ALT: () => { const s = this.CONSUME(T.Star); return (this.RECORDING_PHASE ? NIL : this.st.pointerTo(this.suffixBase, 0, s)); } },
      { ALT: () => {
        this.CONSUME(K('addrspace')); this.CONSUME(T.LParen); const n = this.CONSUME(T.IntLit); this.CONSUME(T.RParen);
        const s = this.CONSUME1(T.Star);
        return (this.RECORDING_PHASE ? NIL : this.st.pointerTo(this.suffixBase, int(n), s));
      } },
      { ALT: () => {
        const ret = this.suffixBase;
        this.CONSUME1(T.LParen);
        const params: Type[] = [];
        let vararg = false;
        this.OPTION(() => this.OR1([
          { ALT: () => { this.CONSUME(T.DotDotDot); vararg = true; } },
          { ALT: () => {
            const p0 = this.SUBRULE(this.type); (this.RECORDING_PHASE ? NIL : (params.push(p0)));
            this.MANY1(() => {
              this.CONSUME(T.Comma);
              this.OR2([
                { ALT: () => { this.CONSUME1(T.DotDotDot); vararg = true; } },
                { ALT: () => { const p = this.SUBRULE1(this.type); (this.RECORDING_PHASE ? NIL : (params.push(p))); } },
              ]);
            });
          } },
        ]));
        this.CONSUME1(T.RParen);
        return (this.RECORDING_PHASE ? NIL : this.st.m.types.fn(ret, params, vararg));
      } },
    ]); });
    return this.curType;
  });

  typeBase = this.RULE('typeBase', (): Type => this.OR(this.alts_typeBase ??= [
    { ALT: () => { const t = this.CONSUME(T.IntType); return (this.RECORDING_PHASE ? NIL : (this.st.intType(t))); } },
    { ALT: () => { const t = this.CONSUME(T.FloatTypeKw); return (this.RECORDING_PHASE ? NIL : (this.st.m.types.float(t.image as never))); } },
    { ALT: () => { this.CONSUME(K('void')); return (this.RECORDING_PHASE ? NIL : (this.st.m.types.void)); } },
    { ALT: () => { this.CONSUME(K('label')); return (this.RECORDING_PHASE ? NIL : (this.st.m.types.label)); } },
    { ALT: () => { this.CONSUME(K('metadata')); return (this.RECORDING_PHASE ? NIL : (this.st.m.types.metadata)); } },
    { ALT: () => { this.CONSUME(K('token')); return (this.RECORDING_PHASE ? NIL : (this.st.m.types.token)); } },
    { ALT: () => { this.CONSUME(K('x86_mmx')); return (this.RECORDING_PHASE ? NIL : (this.st.m.types.x86mmx)); } },
    { ALT: () => { this.CONSUME(K('x86_amx')); return (this.RECORDING_PHASE ? NIL : (this.st.m.types.x86amx)); } },
    { ALT: () => {
      this.CONSUME(K('ptr'));
      const n = this.OPTION(() => { this.CONSUME(K('addrspace')); this.CONSUME(T.LParen); const x = this.CONSUME(T.IntLit); this.CONSUME(T.RParen); return x; });
      return (this.RECORDING_PHASE ? NIL : (this.st.m.types.opaquePtr(n ? int(n) : 0)));
    } },
    { ALT: () => {
      this.CONSUME(T.LBracket); const n = this.CONSUME1(T.IntLit); this.CONSUME(K('x'));
      const e = this.SUBRULE(this.type); this.CONSUME(T.RBracket);
      return (this.RECORDING_PHASE ? NIL : (this.st.m.types.array(int(n), e)));
    } },
    { ALT: () => {
      this.CONSUME(T.Less);
      const t = this.OR1(this.alts_angleType ??= [
        { ALT: () => {
          const n = this.CONSUME2(T.IntLit); this.CONSUME1(K('x')); const e = this.SUBRULE1(this.type);
          return (this.RECORDING_PHASE ? NIL : (this.st.vectorType(n, e, false)));
        } },
        { ALT: () => {
          this.CONSUME(K('vscale')); this.CONSUME2(K('x')); const n = this.CONSUME3(T.IntLit); this.CONSUME3(K('x'));
          const e = this.SUBRULE2(this.type);
          return (this.RECORDING_PHASE ? NIL : (this.st.vectorType(n, e, true)));
        } },
        { ALT: () => {
          this.CONSUME(T.LBrace); const elems = this.SUBRULE(this.typeList); this.CONSUME(T.RBrace);
          return (this.RECORDING_PHASE ? NIL : (this.st.m.types.struct(elems, true)));
        } },
      ]);
      this.CONSUME(T.Greater);
      return t;
    } },
    { ALT: () => {
      this.CONSUME1(T.LBrace); const elems = this.SUBRULE1(this.typeList); this.CONSUME1(T.RBrace);
      return (this.RECORDING_PHASE ? NIL : (this.st.m.types.struct(elems, false)));
    } },
    { ALT: () => {
      const n = this.OR2(this.localNameAlts());
      return (this.RECORDING_PHASE ? NIL : (this.st.namedType(n)));
    } },
    { ALT: () => {
      this.CONSUME(K('target')); this.CONSUME1(T.LParen);
      const name = this.CONSUME(T.StringConstant);
      const types: Type[] = []; const ints: number[] = [];
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OR3([
          { ALT: () => { const i = this.CONSUME4(T.IntLit); (this.RECORDING_PHASE ? NIL : (ints.push(int(i)))); } },
          { ALT: () => { const t = this.SUBRULE3(this.type); (this.RECORDING_PHASE ? NIL : (types.push(t))); } },
        ]);
      });
      this.CONSUME1(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.m.types.target(name.image, types, ints)));
    } },
  ]));

  typeList = this.RULE('typeList', (): Type[] => {
    const list: Type[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => { const t = this.SUBRULE(this.type); (this.RECORDING_PHASE ? NIL : (list.push(t))); } });
    return list;
  });

  // ---------------------------------------------------------------- values
  typedValue = this.RULE('typedValue', (): Value => {
    this.vty = this.SUBRULE(this.type);
    return this.SUBRULE(this.value);
  });

  value = this.RULE('value', (): Value => this.OR(this.valueAlts ??= [
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.LocalVar); return (this.RECORDING_PHASE ? NIL : (this.st.localRef(ty, t))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.LocalId); return (this.RECORDING_PHASE ? NIL : (this.st.localRef(ty, t))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.GlobalVar); return (this.RECORDING_PHASE ? NIL : (this.st.globalRef(ty, t))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.GlobalId); return (this.RECORDING_PHASE ? NIL : (this.st.globalRef(ty, t))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.IntLit); return (this.RECORDING_PHASE ? NIL : (this.st.intConst(ty, t))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.HexInt); return (this.RECORDING_PHASE ? NIL : (this.st.intConst(ty, t))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.FPLit); return (this.RECORDING_PHASE ? NIL : (this.st.fpConst(ty, t))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(K('true')); return (this.RECORDING_PHASE ? NIL : (this.st.boolConst(ty, t, true))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(K('false')); return (this.RECORDING_PHASE ? NIL : (this.st.boolConst(ty, t, false))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(K('null')); return (this.RECORDING_PHASE ? NIL : (this.st.simpleConst(ty, t, 'null'))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(K('none')); return (this.RECORDING_PHASE ? NIL : (this.st.simpleConst(ty, t, 'none'))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(K('undef')); return (this.RECORDING_PHASE ? NIL : (this.st.simpleConst(ty, t, 'undef'))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(K('poison')); return (this.RECORDING_PHASE ? NIL : (this.st.simpleConst(ty, t, 'poison'))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(K('zeroinitializer')); return (this.RECORDING_PHASE ? NIL : (this.st.simpleConst(ty, t, 'zero'))); } },
    { ALT: () => { const ty = this.vty; const t = this.CONSUME(T.CString); return (this.RECORDING_PHASE ? NIL : (this.st.cstring(ty, t))); } },
    { ALT: () => {
      const ty = this.vty;
      const open = this.CONSUME(T.LBrace); const elems = this.SUBRULE(this.typedValueList); const close = this.CONSUME(T.RBrace);
      return (this.RECORDING_PHASE ? NIL : (this.st.aggregate(ty, elems, 'struct', open, close)));
    } },
    { ALT: () => {
      const ty = this.vty;
      const open = this.CONSUME(T.LBracket); const elems = this.SUBRULE1(this.typedValueList); const close = this.CONSUME(T.RBracket);
      return (this.RECORDING_PHASE ? NIL : (this.st.aggregate(ty, elems, 'array', open, close)));
    } },
    { ALT: () => {
      const open = this.CONSUME(T.Less);
      return this.OR1([
        { ALT: () => {
          const ty = this.vty;
          this.CONSUME1(T.LBrace); const elems = this.SUBRULE2(this.typedValueList); this.CONSUME1(T.RBrace);
          const close = this.CONSUME(T.Greater);
          return (this.RECORDING_PHASE ? NIL : (this.st.aggregate(ty, elems, 'packed', open, close)));
        }, IGNORE_AMBIGUITIES: true },
        { ALT: () => {
      const ty = this.vty;
          const elems = this.SUBRULE3(this.typedValueList); const close = this.CONSUME1(T.Greater);
          return (this.RECORDING_PHASE ? NIL : (this.st.aggregate(ty, elems, 'vector', open, close)));
        } },
      ]);
    } },
    { ALT: () => {
      const ty = this.vty;
      const kw = this.CONSUME(K('splat')); this.CONSUME(T.LParen); const v = this.SUBRULE(this.typedValue); const close = this.CONSUME(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.splat(ty, v, kw, close)));
    } },
    { ALT: () => {
      const ty = this.vty;
      const kw = this.CONSUME(K('blockaddress')); this.CONSUME1(T.LParen);
      const g = this.OR5([{ ALT: () => this.CONSUME2(T.GlobalVar) }, { ALT: () => this.CONSUME2(T.GlobalId) }]);
      const fn = (this.RECORDING_PHASE ? NIL : (this.st.globalRef(this.st.m.types.label, g)));
      this.CONSUME(T.Comma);
      const bb = this.OR2([{ ALT: () => this.CONSUME1(T.LocalVar) }, { ALT: () => this.CONSUME1(T.LocalId) }]);
      this.CONSUME1(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.blockAddress(ty, fn, bb, kw)));
    } },
    { ALT: () => {
      const ty = this.vty;
      const kw = this.OR3([{ ALT: () => this.CONSUME(K('dso_local_equivalent')) }, { ALT: () => this.CONSUME(K('no_cfi')) }]);
      const g = this.OR4([{ ALT: () => this.CONSUME1(T.GlobalVar) }, { ALT: () => this.CONSUME1(T.GlobalId) }]);
      return (this.RECORDING_PHASE ? NIL : (this.st.globalWrapper(ty, kw, g)));
    } },
    { ALT: () => {
      const ty = this.vty;
      const kw = this.CONSUME(K('ptrauth')); const close = this.SUBRULE(this.rawParens);
      return (this.RECORDING_PHASE ? NIL : (this.st.rawConst(ty, kw, close)));
    } },
    { ALT: () => {
      const ty = this.vty;
      const kw = this.CONSUME(K('asm'));
      const words: string[] = [];
      this.MANY(() => {
        const w = this.OR7([{ ALT: () => this.CONSUME(T.Word) }, { ALT: () => this.CONSUME(K('unwind')) }]);
        if (!this.RECORDING_PHASE) words.push(w.image);
      });
      const a = this.CONSUME(T.StringConstant); this.CONSUME2(T.Comma); const c = this.CONSUME1(T.StringConstant);
      return (this.RECORDING_PHASE ? NIL : (this.st.inlineAsm(ty, kw, words, a, c)));
    } },
    { ALT: () => this.SUBRULE(this.constExpr) },
  ]));

  /** Comma-separated typed values; a comma followed by `!name` is left for attachments. */
  typedValueList = this.RULE('typedValueList', (): Value[] => {
    const list: Value[] = [];
    this.OPTION(() => {
      const v = this.SUBRULE(this.typedValue); (this.RECORDING_PHASE ? NIL : (list.push(v)));
      this.MANY({ GATE: this.notAttachment, DEF: () => { this.CONSUME(T.Comma); const w = this.SUBRULE1(this.typedValue); (this.RECORDING_PHASE ? NIL : (list.push(w))); } });
    });
    return list;
  });

  /** Flags after an opcode (the token just consumed), each checked against what the opcode admits. */
  flags = this.RULE('flags', (): number => {
    this.curFlags = 0;
    this.flagsOp = this.LA(0);
    this.MANY(this.many_flags ??= () => { const t = this.CONSUME(T.FlagKw); if (!this.RECORDING_PHASE) { this.curFlags |= this.st.flag(t, this.flagsOp); } });
    return this.curFlags;
  });

  constExpr = this.RULE('constExpr', (): Value => this.OR(this.constExprAlts ??= [
    { ALT: () => {
      const ty = this.vty;
      const op = this.CONSUME(T.CastOpKw); const fl = this.SUBRULE(this.flags); this.CONSUME(T.LParen);
      const v = this.SUBRULE(this.typedValue); this.CONSUME(K('to')); const to = this.SUBRULE(this.type);
      const close = this.CONSUME(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.constExpr(ty, op, [v], fl, close, { to })));
    } },
    { ALT: () => {
      const ty = this.vty;
      const op = this.CONSUME(T.BinaryOpKw); const fl = this.SUBRULE1(this.flags); this.CONSUME1(T.LParen);
      const a = this.SUBRULE1(this.typedValue); this.CONSUME(T.Comma); const b = this.SUBRULE2(this.typedValue);
      const close = this.CONSUME1(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.constExpr(ty, op, [a, b], fl, close, {})));
    } },
    { ALT: () => {
      const ty = this.vty;
      const op = this.CONSUME(K('fneg')); const fl = this.SUBRULE2(this.flags); this.CONSUME2(T.LParen);
      const a = this.SUBRULE3(this.typedValue); const close = this.CONSUME2(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.constExpr(ty, op, [a], fl, close, {})));
    } },
    { ALT: () => {
      const ty = this.vty;
      const op = this.CONSUME(K('getelementptr'));
      const fl = this.SUBRULE3(this.flags);
      const inr = this.OPTION(() => { const k = this.CONSUME(K('inrange')); const close = this.SUBRULE(this.rawParens); return (this.RECORDING_PHASE ? NIL : (this.st.text(k.startOffset, close))); });
      this.CONSUME3(T.LParen);
      const src = this.SUBRULE1(this.type);
      const ops: Value[] = [];
      let inrangeIndex = -1;
      this.MANY(() => {
        this.CONSUME1(T.Comma);
        const ir = this.OPTION1(() => this.CONSUME1(K('inrange')));
        const v = this.SUBRULE4(this.typedValue);
        if (!this.RECORDING_PHASE) { if (ir) inrangeIndex = ops.length; ops.push(v); }
      });
      const close = this.CONSUME3(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.constExpr(ty, op, ops, fl, close, { src, inrange: inr ?? null, inrangeIndex })));
    } },
    { ALT: () => {
      const ty = this.vty;
      const op = this.OR1([{ ALT: () => this.CONSUME(K('icmp')) }, { ALT: () => this.CONSUME(K('fcmp')) }]);
      const fl = this.SUBRULE4(this.flags);
      const pred = this.CONSUME(T.PredKw); this.CONSUME4(T.LParen);
      const a = this.SUBRULE5(this.typedValue); this.CONSUME2(T.Comma); const b = this.SUBRULE6(this.typedValue);
      const close = this.CONSUME4(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.constExpr(ty, op, [a, b], fl, close, { pred: T.keywordText(pred) })));
    } },
    { ALT: () => {
      const ty = this.vty;
      const op = this.OR2([
        { ALT: () => this.CONSUME(K('select')) }, { ALT: () => this.CONSUME(K('extractelement')) },
        { ALT: () => this.CONSUME(K('insertelement')) }, { ALT: () => this.CONSUME(K('shufflevector')) },
      ]);
      this.CONSUME5(T.LParen);
      const ops = this.SUBRULE(this.typedValueList);
      const close = this.CONSUME5(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.constExpr(ty, op, ops, 0, close, {})));
    } },
    { ALT: () => {
      const ty = this.vty;
      const op = this.OR3([{ ALT: () => this.CONSUME(K('extractvalue')) }, { ALT: () => this.CONSUME(K('insertvalue')) }]);
      this.CONSUME6(T.LParen);
      const ops: Value[] = []; const idx: number[] = [];
      const a = this.SUBRULE7(this.typedValue); (this.RECORDING_PHASE ? NIL : (ops.push(a)));
      this.MANY1(() => {
        this.CONSUME3(T.Comma);
        this.OR4([
          { ALT: () => { const n = this.CONSUME(T.IntLit); (this.RECORDING_PHASE ? NIL : (idx.push(int(n)))); } },
          { ALT: () => { const v = this.SUBRULE8(this.typedValue); (this.RECORDING_PHASE ? NIL : (ops.push(v))); } },
        ]);
      });
      const close = this.CONSUME6(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (this.st.constExpr(ty, op, ops, 0, close, { indices: idx })));
    } },
  ]));

  // -------------------------------------------------------------- metadata
  mdOperand = this.RULE('mdOperand', (): Metadata => this.OR(this.alts_mdOperand ??= [
    { ALT: () => { const t = this.CONSUME(T.MetadataId); return (this.RECORDING_PHASE ? NIL : (this.st.mdRef(t))); } },
    { ALT: () => {
      this.CONSUME(T.Exclaim);
      return this.OR1([
        { ALT: () => { const s = this.CONSUME(T.StringConstant); return (this.RECORDING_PHASE ? NIL : (new MDString(s.image.slice(1, -1)))); } },
        { ALT: () => {
          this.CONSUME(T.LBrace);
          const elems: (Metadata | null)[] = [];
          this.MANY_SEP({ SEP: T.Comma, DEF: () => {
            const e = this.OR2([
              { ALT: () => { this.CONSUME(K('null')); return null; } },
              { ALT: () => this.SUBRULE(this.mdOperand) },
            ]);
            (this.RECORDING_PHASE ? NIL : (elems.push(e)));
          } });
          this.CONSUME(T.RBrace);
          return (this.RECORDING_PHASE ? NIL : (new MDTuple(false, elems.slice())));
        } },
      ]);
    } },
    { ALT: () => {
      this.CONSUME(K('distinct'));
      const n = this.SUBRULE1(this.mdOperand);
      return this.ACTION(() => { if (n.mk === 'tuple' || n.mk === 'special') n.distinct = true; return n; });
    } },
    { ALT: () => {
      const name = this.CONSUME(T.MetadataVar);
      this.CONSUME(T.LParen);
      const fields: MDField[] = [];
      this.MANY_SEP1({ SEP: T.Comma, DEF: () => {
        const key = this.OPTION(() => this.CONSUME(T.LabelStr));
        const v = this.SUBRULE(this.fieldValue);
        (this.RECORDING_PHASE ? NIL : (fields.push({ key: key ? key.image.slice(0, -1) : null, value: v })));
      } });
      this.CONSUME(T.RParen);
      return (this.RECORDING_PHASE ? NIL : (new MDSpecial(false, name.image.slice(1), fields.slice())));
    } },
    { ALT: () => { const v = this.SUBRULE(this.typedValue); return (this.RECORDING_PHASE ? NIL : (new MDValue(v))); } },
  ]));

  fieldValue = this.RULE('fieldValue', (): Metadata => this.OR(this.alts_fieldValue ??= [
    { ALT: () => this.SUBRULE(this.mdOperand), IGNORE_AMBIGUITIES: true },
    { ALT: () => {
      const first = this.SUBRULE(this.rawAtom);
      let last = first;
      this.MANY(() => { this.CONSUME(T.Pipe); last = this.SUBRULE1(this.rawAtom); });
      return (this.RECORDING_PHASE ? NIL : (new MDRaw(this.st.text(first.startOffset, last))));
    } },
  ]));

  rawAtom = this.RULE('rawAtom', (): IToken => this.OR(this.alts_rawAtom ??= [
    { ALT: () => this.CONSUME(T.AnyWord) },
    { ALT: () => this.CONSUME(T.IntLit) },
    { ALT: () => this.CONSUME(T.FPLit) },
    { ALT: () => this.CONSUME(T.HexInt) },
    { ALT: () => this.CONSUME(T.StringConstant) },
    { ALT: () => this.CONSUME(T.IntType) },
  ]));

  // ---------------------------------------------------------- instructions
  instruction = this.RULE('instruction', (): Instruction => this.OR(this.alts_instruction ??= [
    { ALT: () => this.SUBRULE(this.binaryInst) },
    { ALT: () => this.SUBRULE(this.castInst) },
    { ALT: () => this.SUBRULE(this.memInst) },
    { ALT: () => this.SUBRULE(this.callInst) },
    { ALT: () => this.SUBRULE(this.otherInst) },
    { ALT: () => this.SUBRULE(this.terminatorInst) },
  ]));

  binaryInst = this.RULE('binaryInst', (): Instruction => this.OR(this.alts_binaryInst ??= [
    { ALT: () => {
      const op = this.CONSUME(T.BinaryOpKw); const fl = this.SUBRULE(this.flags);
      const a = this.SUBRULE(this.typedValue); this.CONSUME(T.Comma); const b = (this.vty = a.type, this.SUBRULE(this.value));
      return (this.RECORDING_PHASE ? NIL : (this.st.binary(op, fl, a, b)));
    } },
    { ALT: () => {
      this.CONSUME(K('fneg')); const fl = this.SUBRULE1(this.flags); const a = this.SUBRULE1(this.typedValue);
      return (this.RECORDING_PHASE ? NIL : (this.st.fneg(fl, a)));
    } },
    { ALT: () => {
      const op = this.OR1(this.alts_cmpKw ??= [{ ALT: () => this.CONSUME(K('icmp')) }, { ALT: () => this.CONSUME(K('fcmp')) }]);
      const fl = this.SUBRULE2(this.flags); const pred = this.CONSUME(T.PredKw);
      const a = this.SUBRULE2(this.typedValue); this.CONSUME1(T.Comma); const b = (this.vty = a.type, this.SUBRULE1(this.value));
      return (this.RECORDING_PHASE ? NIL : (this.st.cmp(op, fl, pred, a, b)));
    } },
  ]));

  castInst = this.RULE('castInst', (): Instruction => {
    const op = this.CONSUME(T.CastOpKw); const fl = this.SUBRULE(this.flags);
    const v = this.SUBRULE(this.typedValue); this.CONSUME(K('to')); const to = this.SUBRULE(this.type);
    return (this.RECORDING_PHASE ? NIL : (this.st.cast(op, fl, v, to)));
  });

  /** `, align N` */
  alignSuffix = this.RULE('alignSuffix', (): number => {
    this.CONSUME(T.Comma); this.CONSUME(K('align')); const n = this.CONSUME(T.IntLit);
    return (this.RECORDING_PHASE ? NIL : this.st.align(n));
  });

  syncscope = this.RULE('syncscope', (): string => {
    this.CONSUME(K('syncscope')); this.CONSUME(T.LParen); const s = this.CONSUME(T.StringConstant); this.CONSUME(T.RParen);
    return s.image;
  });

  memInst = this.RULE('memInst', (): Instruction => this.OR(this.alts_memInst ??= [
    { ALT: () => this.SUBRULE(this.loadStore) },
    { ALT: () => this.SUBRULE(this.allocaGep) },
    { ALT: () => this.SUBRULE(this.atomicInst) },
  ]));

  loadStore = this.RULE('loadStore', (): Instruction => this.OR(this.alts_loadStore ??= [
    { ALT: () => {
      const kw = this.CONSUME(K('load'));
      const atomic = this.OPTION(() => this.CONSUME(K('atomic')));
      const vol = this.OPTION1(() => this.CONSUME(K('volatile')));
      const ty = this.SUBRULE(this.type); this.CONSUME(T.Comma); const p = this.SUBRULE(this.typedValue);
      const ss = this.OPTION2(() => this.SUBRULE(this.syncscope));
      const ord = this.OPTION3(() => this.CONSUME(T.OrderingKw));
      const al = this.OPTION4({ GATE: this.notAttachment, DEF: () => this.SUBRULE(this.alignSuffix) });
      return (this.RECORDING_PHASE ? NIL : (this.st.load(kw, ty, p, !!atomic, !!vol, ss, ord, al)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('store'));
      const atomic = this.OPTION5(() => this.CONSUME1(K('atomic')));
      const vol = this.OPTION6(() => this.CONSUME1(K('volatile')));
      const v = this.SUBRULE1(this.typedValue); this.CONSUME1(T.Comma); const p = this.SUBRULE2(this.typedValue);
      const ss = this.OPTION7(() => this.SUBRULE1(this.syncscope));
      const ord = this.OPTION8(() => this.CONSUME1(T.OrderingKw));
      const al = this.OPTION9({ GATE: this.notAttachment, DEF: () => this.SUBRULE1(this.alignSuffix) });
      return (this.RECORDING_PHASE ? NIL : (this.st.store(kw, v, p, !!atomic, !!vol, ss, ord, al)));
    } },
  ]));

  allocaGep = this.RULE('allocaGep', (): Instruction => this.OR(this.alts_allocaGep ??= [
    { ALT: () => {
      const kw = this.CONSUME(K('alloca'));
      const words: string[] = [];
      this.MANY(() => this.OR1([
        { ALT: () => { this.CONSUME(K('inalloca')); words.push('inalloca'); } },
        { ALT: () => { const w = this.CONSUME(T.Word); (this.RECORDING_PHASE ? NIL : (words.push(w.image))); } },
      ]));
      const ty = this.SUBRULE1(this.type);
      let count: Value | null = null; let align: number | null = null; let as: number | null = null;
      this.MANY1({ GATE: this.notAttachment, DEF: () => {
        this.CONSUME2(T.Comma);
        this.OR2([
          { ALT: () => { this.CONSUME1(K('align')); const n = this.CONSUME(T.IntLit); if (!this.RECORDING_PHASE) { align = this.st.align(n); } } },
          { ALT: () => {
            this.CONSUME(K('addrspace')); this.CONSUME1(T.LParen); const n = this.CONSUME1(T.IntLit); this.CONSUME1(T.RParen);
            if (!this.RECORDING_PHASE) { as = int(n); }
          } },
          { ALT: () => { const c = this.SUBRULE3(this.typedValue); if (!this.RECORDING_PHASE) { count = c; } } },
        ]);
      } });
      return (this.RECORDING_PHASE ? NIL : (this.st.alloca(kw, words, ty, count, align, as)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('getelementptr')); const fl = this.SUBRULE(this.flags);
      const src = this.SUBRULE2(this.type); this.CONSUME3(T.Comma);
      const ops: Value[] = [];
      const p = this.SUBRULE4(this.typedValue); (this.RECORDING_PHASE ? NIL : (ops.push(p)));
      this.MANY2({ GATE: this.notAttachment, DEF: () => { this.CONSUME4(T.Comma); const i = this.SUBRULE5(this.typedValue); (this.RECORDING_PHASE ? NIL : (ops.push(i))); } });
      return (this.RECORDING_PHASE ? NIL : (this.st.gep(kw, fl, src, ops)));
    } },
  ]));

  atomicInst = this.RULE('atomicInst', (): Instruction => this.OR(this.alts_atomicInst ??= [
    { ALT: () => {
      const kw = this.CONSUME(K('fence'));
      const ss = this.OPTION(() => this.SUBRULE(this.syncscope));
      const ord = this.CONSUME(T.OrderingKw);
      return (this.RECORDING_PHASE ? NIL : (this.st.fence(kw, ss, ord)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('cmpxchg'));
      const weak = this.OPTION1(() => this.CONSUME(K('weak')));
      const vol = this.OPTION2(() => this.CONSUME(K('volatile')));
      const p = this.SUBRULE(this.typedValue); this.CONSUME(T.Comma);
      const c = this.SUBRULE1(this.typedValue); this.CONSUME1(T.Comma);
      const n = this.SUBRULE2(this.typedValue);
      const ss = this.OPTION3(() => this.SUBRULE1(this.syncscope));
      const s = this.CONSUME1(T.OrderingKw); const f = this.CONSUME2(T.OrderingKw);
      const al = this.OPTION4({ GATE: this.notAttachment, DEF: () => this.SUBRULE(this.alignSuffix) });
      return (this.RECORDING_PHASE ? NIL : (this.st.cmpxchg(kw, !!weak, !!vol, p, c, n, ss, s, f, al)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('atomicrmw'));
      const vol = this.OPTION5(() => this.CONSUME1(K('volatile')));
      const op = this.CONSUME(T.RmwOpKw);
      const p = this.SUBRULE3(this.typedValue); this.CONSUME2(T.Comma); const v = this.SUBRULE4(this.typedValue);
      const ss = this.OPTION6(() => this.SUBRULE2(this.syncscope));
      const ord = this.CONSUME3(T.OrderingKw);
      const al = this.OPTION7({ GATE: this.notAttachment, DEF: () => this.SUBRULE1(this.alignSuffix) });
      return (this.RECORDING_PHASE ? NIL : (this.st.atomicrmw(kw, !!vol, op, p, v, ss, ord, al)));
    } },
  ]));

  /** fmf, cconv, return attributes, addrspace, type, callee, args, fn attributes, bundles. */
  callCommon = this.RULE('callCommon', (): CallParts => {
    const fl = this.SUBRULE(this.flags);
    const items = this.SUBRULE(this.headerItems);
    const ty = this.SUBRULE(this.type);
    const callee = (this.vty = CALLEE_TYPE, this.SUBRULE(this.value));
    this.CONSUME(T.LParen);
    const args: Value[] = []; const argAttrs: AttrList[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.OR([
      { ALT: () => {
        this.CONSUME(K('metadata')); const md = this.SUBRULE(this.mdOperand);
        if (!this.RECORDING_PHASE) { args.push(this.st.mdValue(md)); argAttrs.push(NO_ATTRS); }
      }, IGNORE_AMBIGUITIES: true },
      { ALT: () => {
        const at = this.SUBRULE1(this.type); const attrs = this.SUBRULE(this.paramAttrs);
        const v = (this.vty = at, this.SUBRULE1(this.value));
        if (!this.RECORDING_PHASE) { args.push(v); argAttrs.push(attrs); }
      } },
    ]) });
    this.CONSUME(T.RParen);
    const fnAttrs = this.SUBRULE(this.attrs);
    let bundles: OperandBundle[] | null = null;
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      bundles = [];
      this.MANY_SEP1({ SEP: T.Comma, DEF: () => {
        const tag = this.CONSUME(T.StringConstant); this.CONSUME1(T.LParen);
        const inputs = this.SUBRULE(this.typedValueList); this.CONSUME1(T.RParen);
        (this.RECORDING_PHASE ? NIL : (bundles!.push({ tag: tag.image, inputs })));
      } });
      this.CONSUME(T.RBracket);
    });
    return { fl, items, ty, callee, args, argAttrs, fnAttrs, bundles: bundles as OperandBundle[] | null };
  });

  callInst = this.RULE('callInst', (): Instruction => {
    const tail = this.OPTION(() => this.OR(this.alts_tail ??= [
      { ALT: () => this.CONSUME(K('tail')) }, { ALT: () => this.CONSUME(K('musttail')) }, { ALT: () => this.CONSUME(K('notail')) },
    ]));
    const kw = this.CONSUME(K('call'));
    const c = this.SUBRULE(this.callCommon);
    return (this.RECORDING_PHASE ? NIL : (this.st.call(kw, tail ? T.keywordText(tail) : '', c)));
  });

  labelRef = this.RULE('labelRef', (): Value => {
    this.CONSUME(K('label'));
    const t = this.OR(this.localNameAlts());
    return (this.RECORDING_PHASE ? NIL : (this.st.localRef(this.st.m.types.label, t)));
  });

  otherInst = this.RULE('otherInst', (): Instruction => this.OR(this.alts_otherInst ??= [
    { ALT: () => {
      const kw = this.CONSUME(K('phi')); const fl = this.SUBRULE(this.flags); const ty = this.SUBRULE(this.type);
      const vals: Value[] = []; const blocks: Value[] = [];
      this.SUBRULE(this.phiIncoming, { ARGS: [ty, vals, blocks] });
      this.MANY2({ GATE: this.notAttachment, DEF: () => { this.CONSUME3(T.Comma); this.SUBRULE1(this.phiIncoming, { ARGS: [ty, vals, blocks] }); } });
      return (this.RECORDING_PHASE ? NIL : (this.st.phi(kw, fl, ty, vals, blocks)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('select')); const fl = this.SUBRULE1(this.flags);
      const ops = this.SUBRULE(this.typedValueList);
      return (this.RECORDING_PHASE ? NIL : (this.st.select(kw, fl, ops)));
    } },
    { ALT: () => {
      const kw = this.OR2([
        { ALT: () => this.CONSUME(K('freeze')) }, { ALT: () => this.CONSUME(K('extractelement')) },
        { ALT: () => this.CONSUME(K('insertelement')) }, { ALT: () => this.CONSUME(K('shufflevector')) },
      ]);
      const ops = this.SUBRULE1(this.typedValueList);
      return (this.RECORDING_PHASE ? NIL : (this.st.vectorOp(kw, ops)));
    } },
    { ALT: () => {
      const kw = this.OR3([{ ALT: () => this.CONSUME(K('extractvalue')) }, { ALT: () => this.CONSUME(K('insertvalue')) }]);
      const ops: Value[] = []; const idx: number[] = [];
      const a = this.SUBRULE(this.typedValue); (this.RECORDING_PHASE ? NIL : (ops.push(a)));
      this.MANY({ GATE: this.notAttachment, DEF: () => {
        this.CONSUME1(T.Comma);
        this.OR4([
          { ALT: () => { const n = this.CONSUME(T.IntLit); (this.RECORDING_PHASE ? NIL : (idx.push(int(n)))); } },
          { ALT: () => { const v = this.SUBRULE1(this.typedValue); (this.RECORDING_PHASE ? NIL : (ops.push(v))); } },
        ]);
      } });
      return (this.RECORDING_PHASE ? NIL : (this.st.aggregateOp(kw, ops, idx)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('va_arg')); const v = this.SUBRULE2(this.typedValue); this.CONSUME2(T.Comma); const ty = this.SUBRULE1(this.type);
      return (this.RECORDING_PHASE ? NIL : (this.st.vaArg(kw, v, ty)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('landingpad')); const ty = this.SUBRULE2(this.type);
      const clauses: { kind: 'catch' | 'filter'; v: Value }[] = []; let cleanup = false;
      this.MANY1(() => this.OR5([
        { ALT: () => { this.CONSUME(K('cleanup')); cleanup = true; } },
        { ALT: () => { this.CONSUME(K('catch')); const v = this.SUBRULE3(this.typedValue); (this.RECORDING_PHASE ? NIL : (clauses.push({ kind: 'catch', v }))); } },
        { ALT: () => { this.CONSUME(K('filter')); const v = this.SUBRULE4(this.typedValue); (this.RECORDING_PHASE ? NIL : (clauses.push({ kind: 'filter', v }))); } },
      ]));
      return (this.RECORDING_PHASE ? NIL : (this.st.landingpad(kw, ty, cleanup, clauses)));
    } },
    { ALT: () => {
      const kw = this.OR6([{ ALT: () => this.CONSUME(K('catchpad')) }, { ALT: () => this.CONSUME(K('cleanuppad')) }]);
      this.CONSUME(K('within'));
      const parent = this.SUBRULE(this.padParent);
      this.CONSUME1(T.LBracket); const args = this.SUBRULE2(this.typedValueList); this.CONSUME1(T.RBracket);
      return (this.RECORDING_PHASE ? NIL : (this.st.funcletPad(kw, parent, args)));
    } },
  ]));

  phiIncoming = this.RULE('phiIncoming', (ty: Type, vals: Value[], blocks: Value[]) => {
    this.CONSUME(T.LBracket); const v = (this.vty = ty, this.SUBRULE(this.value)); this.CONSUME(T.Comma);
    const b = this.OR(this.alts_phiIncoming ??= [{ ALT: () => this.CONSUME(T.LocalVar) }, { ALT: () => this.CONSUME(T.LocalId) }]);
    this.CONSUME(T.RBracket);
    if (!this.RECORDING_PHASE) { vals.push(v); blocks.push(this.st.localRef(this.st.m.types.label, b)); }
  });

  /** `within %tok` or `within none` */
  padParent = this.RULE('padParent', (): Value => this.OR(this.alts_padParent ??= [
    { ALT: () => { const t = this.CONSUME(K('none')); return (this.RECORDING_PHASE ? NIL : (this.st.simpleConst(this.st.m.types.token, t, 'none'))); } },
    { ALT: () => { const t = this.CONSUME(T.LocalVar); return (this.RECORDING_PHASE ? NIL : (this.st.localRef(this.st.m.types.token, t))); } },
    { ALT: () => { const t = this.CONSUME(T.LocalId); return (this.RECORDING_PHASE ? NIL : (this.st.localRef(this.st.m.types.token, t))); } },
  ]));

  unwindDest = this.RULE('unwindDest', (): Value | null => {
    this.CONSUME(K('unwind'));
    return this.OR([
      { ALT: () => this.SUBRULE(this.labelRef) },
      { ALT: () => { this.CONSUME(K('to')); this.CONSUME(K('caller')); return null; } },
    ]);
  });

  terminatorInst = this.RULE('terminatorInst', (): Instruction => this.OR(this.alts_terminatorInst ??= [
    { ALT: () => {
      const kw = this.CONSUME(K('ret'));
      const v = this.OR1(this.alts_ret ??= [
        {
          GATE: () => this.LA(1).tokenType !== VOID || VOID_TYPE_SUFFIX.has(this.LA(2).tokenType),
          ALT: () => this.SUBRULE(this.typedValue),
          IGNORE_AMBIGUITIES: true,
        },
        { ALT: () => { this.CONSUME(K('void')); return null; } },
      ]);
      return (this.RECORDING_PHASE ? NIL : (this.st.ret(kw, v)));
    } },
    { ALT: () => {
      this.termKw = this.CONSUME(K('br'));
      return this.OR2(this.alts_br ??= [
        {
          GATE: () => this.LA(1).tokenType === LABEL,
          ALT: () => { const kw = this.termKw; const d = this.SUBRULE(this.labelRef); return (this.RECORDING_PHASE ? NIL : (this.st.br(kw, null, [d]))); },
          IGNORE_AMBIGUITIES: true,
        },
        { ALT: () => {
          const kw = this.termKw;
          const c = this.SUBRULE1(this.typedValue); this.CONSUME(T.Comma); const a = this.SUBRULE1(this.labelRef);
          this.CONSUME1(T.Comma); const b = this.SUBRULE2(this.labelRef);
          return (this.RECORDING_PHASE ? NIL : (this.st.br(kw, c, [a, b])));
        } },
      ]);
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('switch'));
      const c = this.SUBRULE2(this.typedValue); this.CONSUME2(T.Comma); const d = this.SUBRULE3(this.labelRef);
      this.CONSUME(T.LBracket);
      const vals: Value[] = []; const dests: Value[] = [];
      this.MANY(() => {
        const v = this.SUBRULE3(this.typedValue); this.CONSUME3(T.Comma); const l = this.SUBRULE4(this.labelRef);
        if (!this.RECORDING_PHASE) { vals.push(v); dests.push(l); }
      });
      this.CONSUME(T.RBracket);
      return (this.RECORDING_PHASE ? NIL : (this.st.switchInst(kw, c, d, vals, dests)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('indirectbr'));
      const a = this.SUBRULE4(this.typedValue); this.CONSUME4(T.Comma); this.CONSUME1(T.LBracket);
      const dests: Value[] = [];
      this.MANY_SEP({ SEP: T.Comma, DEF: () => { const l = this.SUBRULE5(this.labelRef); (this.RECORDING_PHASE ? NIL : (dests.push(l))); } });
      this.CONSUME1(T.RBracket);
      return (this.RECORDING_PHASE ? NIL : (this.st.indirectBr(kw, a, dests)));
    } },
    { ALT: () => this.SUBRULE(this.ehTerminator) },
  ]));

  ehTerminator = this.RULE('ehTerminator', (): Instruction => this.OR(this.alts_ehTerminator ??= [
    { ALT: () => {
      const kw = this.CONSUME(K('invoke'));
      const c = this.SUBRULE(this.callCommon);
      this.CONSUME(K('to')); const n = this.SUBRULE(this.labelRef);
      this.CONSUME(K('unwind')); const u = this.SUBRULE1(this.labelRef);
      return (this.RECORDING_PHASE ? NIL : (this.st.invoke(kw, c, n, u)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('callbr'));
      const c = this.SUBRULE1(this.callCommon);
      this.CONSUME1(K('to')); const n = this.SUBRULE2(this.labelRef);
      this.CONSUME(T.LBracket);
      const ind: Value[] = [];
      this.MANY_SEP1({ SEP: T.Comma, DEF: () => { const l = this.SUBRULE3(this.labelRef); (this.RECORDING_PHASE ? NIL : (ind.push(l))); } });
      this.CONSUME(T.RBracket);
      return (this.RECORDING_PHASE ? NIL : (this.st.callbr(kw, c, n, ind)));
    } },
    { ALT: () => { const kw = this.CONSUME(K('resume')); const v = this.SUBRULE(this.typedValue); return (this.RECORDING_PHASE ? NIL : (this.st.resume(kw, v))); } },
    { ALT: () => { const kw = this.CONSUME(K('unreachable')); return (this.RECORDING_PHASE ? NIL : (this.st.unreachable(kw))); } },
    { ALT: () => {
      const kw = this.CONSUME(K('cleanupret')); this.CONSUME(K('from'));
      const pad = this.SUBRULE(this.padParent);
      const u = this.SUBRULE(this.unwindDest);
      return (this.RECORDING_PHASE ? NIL : (this.st.cleanupRet(kw, pad, u)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('catchret')); this.CONSUME1(K('from'));
      const pad = this.SUBRULE1(this.padParent);
      this.CONSUME2(K('to')); const d = this.SUBRULE4(this.labelRef);
      return (this.RECORDING_PHASE ? NIL : (this.st.catchRet(kw, pad, d)));
    } },
    { ALT: () => {
      const kw = this.CONSUME(K('catchswitch')); this.CONSUME(K('within'));
      const parent = this.SUBRULE2(this.padParent);
      this.CONSUME1(T.LBracket);
      const handlers: Value[] = [];
      this.MANY_SEP({ SEP: T.Comma, DEF: () => { const l = this.SUBRULE5(this.labelRef); (this.RECORDING_PHASE ? NIL : (handlers.push(l))); } });
      this.CONSUME1(T.RBracket);
      const u = this.SUBRULE1(this.unwindDest);
      return (this.RECORDING_PHASE ? NIL : (this.st.catchSwitch(kw, parent, handlers, u)));
    } },
  ]));
}


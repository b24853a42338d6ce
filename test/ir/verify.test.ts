import { describe, expect, it } from 'vitest';
import { verifyFunction, verifyModule, assertValid, sourceSpan, typeText, ValueNamer } from '../../src/ir/verify.js';
import { addFunction, declareFunction, nullValue } from '../../src/ir/builder.js';
import { BinaryInst, CmpInst, LoadInst, PhiInst } from '../../src/ir/instructions.js';
import { GlobalVariable, type BasicBlock } from '../../src/ir/function.js';
import { RefValue, type Value } from '../../src/ir/value.js';
import { SourceFile } from '../../src/diag/source.js';
import { DiagnosticError, type Diagnostic } from '../../src/diag/diagnostic.js';
import { renderDiagnostic } from '../../src/diag/render.js';
import { fixture, graph, newModule } from './helpers.js';
import { IRBuilder } from '../../src/ir/builder.js';

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

/** entry -> then | else -> merge, with a phi in merge and a ret of double. */
function diamond(dialect: 'typed' | 'opaque' = 'opaque') {
  const fx = fixture(['entry', 'then', 'else', 'merge'], {
    dialect, type: (m) => m.types.fn(m.types.double, [m.types.i1, m.types.double]),
  });
  const { m, b, fn, bb } = fx;
  const d = m.types.double;
  const x = fn.args[1]!;
  b.atEnd(bb.entry!);
  const y = b.fmul(x, x, 'y');
  b.condBr(fn.args[0]!, bb.then!, bb.else!);
  b.atEnd(bb.then!);
  const t = b.fadd(y, x, 't');
  b.br(bb.merge!);
  b.atEnd(bb.else!);
  const e = b.fsub(y, x, 'e');
  b.br(bb.merge!);
  b.atEnd(bb.merge!);
  const p = b.phi(d, [[t, bb.then!], [e, bb.else!]], 'p');
  const r = b.ret(p);
  return { ...fx, x, y, t, e, p, r };
}

describe('valid functions verify cleanly', () => {
  it('diamond with a phi, in both dialects', () => {
    expect(verifyFunction(diamond('opaque').fn, null)).toEqual([]);
    expect(verifyFunction(diamond('typed').fn, null)).toEqual([]);
  });

  it('a loop nest with phis, memory and calls (typed pointers)', () => {
    const { m, b, fn, bb } = fixture(['entry', 'oh', 'ih', 'ol', 'exit'], {
      dialect: 'typed', type: (m) => m.types.fn(m.types.double, [m.types.typedPtr(m.types.double), m.types.i64]),
    });
    const t = m.types;
    const sin = declareFunction(m, 'sin', t.fn(t.double, [t.double]));
    const [ptr, n] = [fn.args[0]!, fn.args[1]!];
    b.atEnd(bb.entry!);
    const acc = b.alloca(t.double, 'acc');
    b.store(b.fp(t.double, 0), acc);
    b.br(bb.oh!);
    b.atEnd(bb.oh!);
    const i = b.phi(t.i64, [[b.i64(0), bb.entry!]], 'i');
    b.br(bb.ih!);
    b.atEnd(bb.ih!);
    const j = b.phi(t.i64, [[b.i64(0), bb.oh!]], 'j');
    const g = b.gep(t.double, ptr, [j], 'g', true);
    const v = b.load(t.double, g, 'v');
    const s = b.call(sin, [v], 's');
    const a0 = b.load(t.double, acc);
    b.store(b.fadd(a0, s), acc);
    const j1 = b.add(j, b.i64(1), 'j1');
    j.operands.push(j1); j.blocks.push(bb.ih!);
    b.condBr(b.icmp('slt', j1, n), bb.ih!, bb.ol!);
    b.atEnd(bb.ol!);
    const i1 = b.add(i, b.i64(1), 'i1');
    i.operands.push(i1); i.blocks.push(bb.ol!);
    b.condBr(b.icmp('slt', i1, n), bb.oh!, bb.exit!);
    b.atEnd(bb.exit!);
    b.ret(b.load(t.double, acc));
    expect(verifyFunction(fn, null)).toEqual([]);
  });

  it('invoke with a landing pad, and an unreachable block using anything', () => {
    const { m, b, fn, bb } = fixture(['entry', 'ok', 'lpad', 'dead'], { type: (m) => m.types.fn(m.types.double, []) });
    const t = m.types;
    const g = declareFunction(m, 'g', t.fn(t.double, []));
    fn.personality = declareFunction(m, '__gxx_personality_v0', t.fn(t.i32, [], true));
    b.atEnd(bb.entry!);
    const v = b.invoke(g, [], bb.ok!, bb.lpad!, 'v');
    b.atEnd(bb.ok!);
    const w = b.fadd(v, v, 'w');
    b.ret(w);
    b.atEnd(bb.lpad!);
    const lp = b.landingpad(t.struct([t.opaquePtr(), t.i32]), true, 'lp');
    b.resume(lp);
    b.atEnd(bb.dead!);
    const z = b.fadd(w, w); // not dominated, but unreachable: fine
    b.ret(z);
    expect(verifyFunction(fn, null)).toEqual([]);
  });

  it('a switch branching twice to a block needs two phi entries for it', () => {
    const { m, b, fn, bb } = graph(['entry', 'x', 'y'], { entry: ['x', 'y', 'y'], x: ['y'] });
    bb.y!.instructions = [];
    b.atEnd(bb.y!);
    const p = b.phi(m.types.i32, [[b.i32(0), bb.entry!], [b.i32(0), bb.entry!], [b.i32(1), bb.x!]]);
    b.ret();
    expect(verifyFunction(fn, null)).toEqual([]);
    p.operands.pop(); p.blocks.pop();
    p.operands.pop(); p.blocks.pop();
    expect(verifyFunction(fn, null).map((d) => d.message)).toEqual([
      'phi %0 has 1 entries for %entry, which branches to %y 2 times',
      'phi %0 has no entry for the predecessor %x',
    ]);
    p.operands.push(b.i32(1)); p.blocks.push(bb.entry!);
    p.operands.push(b.i32(1)); p.blocks.push(bb.x!);
    expect(verifyFunction(fn, null).map((d) => d.message)).toEqual([
      'phi %0 has different values for the same block %entry',
    ]);
  });
});

describe('broken structure', () => {
  it('missing terminator, empty block, terminator in the middle', () => {
    const { b, fn, bb } = fixture(['entry', 'a', 'b']);
    b.atEnd(bb.entry!);
    b.fadd(fn.args[1]!, fn.args[1]!);
    b.atEnd(bb.b!);
    b.ret();
    b.fadd(fn.args[1]!, fn.args[1]!);
    b.ret();
    const ds = verifyFunction(fn, null);
    expect(codes(ds)).toEqual(['E0301', 'E0301', 'E0305']);
    expect(ds[0]!.message).toMatch(/block %entry does not end with a terminator/);
    expect(ds[1]!.message).toMatch(/block %a is empty/);
  });

  it('phis must come first and match the predecessors', () => {
    const { m, b, fn, bb, p, x } = diamond();
    const d = m.types.double;
    // Phi after a non-phi.
    const late = new PhiInst(d, [x, x], [bb.then!, bb.else!]);
    const neg = b.before(bb.merge!.terminator!).fneg(x);
    b.insert(late, 'late');
    expect(verifyFunction(fn, null).map((x) => x.message)).toEqual(['phi %late is not at the start of block %merge']);
    bb.merge!.instructions.splice(bb.merge!.instructions.indexOf(late), 1);
    bb.merge!.instructions.splice(bb.merge!.instructions.indexOf(neg), 1);
    // An entry for a non-predecessor, a missing one.
    p.blocks[1] = bb.entry!;
    const ds = verifyFunction(fn, null);
    expect(codes(ds)).toEqual(['E0303', 'E0303', 'E0302']); // and %e does not dominate the end of %entry
    expect(ds[0]!.message).toBe('phi %p has an entry for %entry, which is not a predecessor of %merge');
    expect(ds[1]!.message).toBe('phi %p has no entry for the predecessor %else');
    p.blocks.pop();
    expect(verifyFunction(fn, null)[0]!.message).toBe('phi %p has 2 values for 1 blocks');
  });

  it('entry block with predecessors, instruction without parent, block of another function', () => {
    const { b, fn, bb } = fixture(['entry', 'loop']);
    b.atEnd(bb.entry!).br(bb.loop!);
    b.atEnd(bb.loop!).br(bb.entry!);
    expect(codes(verifyFunction(fn, null))).toEqual(['E0306']);

    const d2 = diamond();
    d2.t.parent = null;
    const ds = verifyFunction(d2.fn, null);
    expect(ds.map((d) => d.message)).toContain('instruction %t has no parent block set');
    expect(ds.every((d) => d.code !== 'E0302')).toBe(true); // dominance skipped on broken structure
  });

  it('declarations and definitions', () => {
    const m = newModule();
    const decl = declareFunction(m, 'd', m.types.fn(m.types.void, []));
    expect(verifyFunction(decl, null)).toEqual([]);
    const def = addFunction(m, 'e', m.types.fn(m.types.void, []));
    expect(codes(verifyFunction(def, null))).toEqual(['E0306']);
    new IRBuilder(m).atEnd(new IRBuilder(m).block(decl, 'x')).ret();
    decl.isDeclaration = true;
    expect(verifyFunction(decl, null)[0]!.message).toBe('declaration @d has a body');
  });
});

describe('operand types', () => {
  it('binary operators need equal types of the right kind', () => {
    const { b, bb, fn, t, y } = diamond();
    t.operands[1] = b.i32(1);
    const i = new BinaryInst('add', y.type, y, y);
    b.before(bb.then!.terminator!).insert(i);
    const ds = verifyFunction(fn, null);
    expect(codes(ds)).toEqual(['E0304', 'E0304']);
    expect(ds[0]!.message).toBe("operands of 'fadd': 'double' and 'i32' differ");
    expect(ds[1]!.message).toBe("'add' needs integer operands, not 'double'");
  });

  it('comparisons, branches, selects', () => {
    const { m, b, bb, fn, x, y } = diamond();
    b.before(bb.then!.terminator!);
    b.insert(new CmpInst('icmp', 'eq', m.types.i1, x, y));
    b.insert(new CmpInst('fcmp', 'slt', m.types.i1, x, y));
    bb.entry!.terminator!.operands[0] = x;
    const ds = verifyFunction(fn, null);
    expect(ds.map((d) => d.message)).toEqual([
      "branch condition must be i1, not 'double'",
      "'icmp' cannot compare 'double'",
      "unknown fcmp predicate 'slt'",
    ]);
  });

  it('loads and stores through typed and opaque pointers', () => {
    const { m, b, bb, fn, x } = diamond('typed');
    const t = m.types;
    b.before(bb.then!.terminator!);
    const a = b.alloca(t.double, 'a');
    const st = b.store(x, a);
    st.operands[0] = b.i32(0);
    b.insert(new LoadInst(t.i64, [a]));
    b.insert(new LoadInst(t.double, [x]));
    const ds = verifyFunction(fn, null);
    expect(ds.map((d) => d.message)).toEqual([
      "stored value type and pointee type: 'i32' and 'double' differ",
      "load type and pointee type: 'i64' and 'double' differ",
      "the address of 'load' must be a pointer, not 'double'",
    ]);
    // With opaque pointers any loaded type is fine.
    const o = diamond('opaque');
    o.b.before(o.bb.then!.terminator!);
    const oa = o.b.alloca(o.m.types.double);
    o.b.insert(new LoadInst(o.m.types.i64, [oa]));
    expect(verifyFunction(o.fn, null)).toEqual([]);
  });

  it('calls, returns, GEPs, extractvalue', () => {
    const { m, b, bb, fn, x, r } = diamond();
    const t = m.types;
    const g = declareFunction(m, 'g', t.fn(t.double, [t.double, t.i32]));
    b.before(bb.then!.terminator!);
    const c = b.call(g, [x, b.i32(0)], 'c');
    c.operands[1] = x;
    const c2 = b.call(g, [x, b.i32(0)]);
    c2.operands.splice(1, 1);
    const gp = b.gep(t.array(2, t.double), nullValue(t.opaquePtr()), [b.i64(0), b.i64(1)]);
    gp.type = t.opaquePtr(3);
    const ev = b.extractValue(b.undef(t.struct([t.double, t.i32])), [1]);
    ev.indices = [2];
    r.operands[0] = b.i32(0);
    const ds = verifyFunction(fn, null);
    expect(ds.map((d) => d.message)).toEqual([
      "argument 1 of 'call' has type 'double', the parameter 'i32'",
      "'call' passes 1 argument to a function of type 'double (double, i32)'",
      "getelementptr result type 'ptr addrspace(3)' does not match its indices (they reach 'double')",
      "invalid extractvalue of '{ double, i32 }': struct index 2 out of range",
      "'ret' of 'i32' in @f, which returns 'double'",
    ]);
    expect(codes(ds).every((k) => k === 'E0304')).toBe(true);
  });

  it('unresolved references and foreign values', () => {
    const { m, b, bb, fn, t } = diamond();
    t.operands[0] = new RefValue(m.types.double, 'local', 'later', false, 3, 9);
    const other = diamond();
    b.before(bb.then!.terminator!);
    b.fneg(other.y);
    const ds = verifyFunction(fn, null);
    expect(ds.map((d) => d.message)).toEqual([
      "unresolved reference %later in operand 0 of 'fadd'",
      "operand 0 of 'fneg' is %y, an instruction of another function",
    ]);
  });
});

describe('dominance', () => {
  it('a value from a sibling branch, a use before its definition, a self use', () => {
    const { b, bb, fn, t, e, x } = diamond();
    e.operands[1] = t; // t is defined in %then only
    b.atFirstInsertionPoint(bb.then!);
    b.fadd(t, x, 'early'); // before t in the same block
    const self = b.fadd(x, x, 'self');
    self.operands[1] = self;
    const ds = verifyFunction(fn, null);
    expect(codes(ds)).toEqual(['E0302', 'E0302', 'E0302']);
    expect(ds.map((d) => d.message)).toEqual([
      '%t does not dominate this use',
      'instruction %self uses its own value (only a phi may)',
      '%t does not dominate this use',
    ]);
  });

  it('phi entries are checked at the end of their incoming block', () => {
    const { fn, p } = diamond();
    [p.operands[0], p.operands[1]] = [p.operands[1]!, p.operands[0]!];
    const ds = verifyFunction(fn, null);
    expect(ds.map((d) => d.message)).toEqual([
      '%e does not dominate this use (incoming from %then)',
      '%t does not dominate this use (incoming from %else)',
    ]);
  });

  it('a landing pad needs a personality function', () => {
    const { m, b, fn, bb } = fixture(['entry', 'ok', 'lpad'], { type: (m) => m.types.fn(m.types.double, []) });
    const t = m.types;
    const g = declareFunction(m, 'g', t.fn(t.double, []));
    const v = b.atEnd(bb.entry!).invoke(g, [], bb.ok!, bb.lpad!, 'v');
    b.atEnd(bb.ok!).ret(v);
    b.atEnd(bb.lpad!);
    const lp = b.landingpad(t.struct([t.opaquePtr(), t.i32]), true, 'lp');
    b.resume(lp);
    expect(verifyFunction(fn, null).map((d) => d.message)).toEqual(["'landingpad' in @f, which has no personality function", "'resume' in @f, which has no personality function"]);
    fn.personality = declareFunction(m, '__gxx_personality_v0', t.fn(t.i32, [], true));
    expect(verifyFunction(fn, null)).toEqual([]);
  });

  it('an invoke result is not available in the unwind destination', () => {
    const { m, b, fn, bb } = fixture(['entry', 'ok', 'lpad'], { type: (m) => m.types.fn(m.types.double, []) });
    const t = m.types;
    const g = declareFunction(m, 'g', t.fn(t.double, []));
    fn.personality = declareFunction(m, '__gxx_personality_v0', t.fn(t.i32, [], true));
    const v = b.atEnd(bb.entry!).invoke(g, [], bb.ok!, bb.lpad!, 'v');
    b.atEnd(bb.ok!).ret(v);
    b.atEnd(bb.lpad!);
    b.landingpad(t.struct([t.opaquePtr(), t.i32]), true);
    b.ret(v);
    expect(verifyFunction(fn, null).map((d) => d.message)).toEqual(['%v does not dominate this use']);
  });
});

describe('exception handling (what llvm-as rejects)', () => {
  function lpadFixture(): ReturnType<typeof fixture> & { v: Value } {
    const f = fixture(['entry', 'ok', 'lpad'], { type: (m) => m.types.fn(m.types.double, []) });
    const t = f.m.types;
    const g = declareFunction(f.m, 'g', t.fn(t.double, []));
    const v = f.b.atEnd(f.bb.entry!).invoke(g, [], f.bb.ok!, f.bb.lpad!, 'v');
    f.b.atEnd(f.bb.ok!).ret(v);
    f.b.atEnd(f.bb.lpad!);
    const lp = f.b.landingpad(t.struct([t.opaquePtr(), t.i32]), true, 'lp');
    f.b.resume(lp);
    return { ...f, v };
  }
  it('landingpad and resume need a personality function', () => {
    const { fn } = lpadFixture();
    expect(verifyFunction(fn, null).map((d) => d.message)).toEqual([
      "'landingpad' in @f, which has no personality function",
      "'resume' in @f, which has no personality function",
    ]);
  });
  it('a landingpad block is entered only by unwind edges; an invoke unwinds to a landingpad', () => {
    const { m, fn, bb } = lpadFixture();
    fn.personality = declareFunction(m, '__gxx_personality_v0', m.types.fn(m.types.i32, [], true));
    expect(verifyFunction(fn, null)).toEqual([]);
    const inv = bb.entry!.terminator as unknown as { successors: BasicBlock[] };
    inv.successors = [bb.lpad!, bb.ok!];
    expect(verifyFunction(fn, null).map((d) => d.message)).toEqual([
      'block %lpad starts with a landingpad: it may only be entered by the unwind edge of an invoke',
      "the unwind destination %ok of 'invoke' does not start with an exception-handling instruction (landingpad)",
      '%v does not dominate this use', // the result is now used on the unwind edge
    ]);
  });
  it('typed pointers: a callee whose pointee is not the call\'s function type', () => {
    const { m, b, fn, bb } = fixture(['entry'], { dialect: 'typed', type: (m) => m.types.fn(m.types.void, []) });
    const t = m.types;
    const g = declareFunction(m, 'g', t.fn(t.void, [t.i32]));
    b.atEnd(bb.entry!).call(g, [b.i64(1)], null, t.fn(t.void, [t.i64]));
    b.ret();
    expect(verifyFunction(fn, null).map((d) => d.message)).toEqual([
      "callee @g has type 'void (i32)*', not a pointer to the call's function type 'void (i64)'",
    ]);
  });
});

describe('locations', () => {
  const text = [
    'define double @f(i1 %0, double %1) {',
    'entry:',
    '  %y = fmul double %1, %1',
    '  ret double %y',
    '}',
  ].join('\n');

  it('reports at the instruction, or at the origin of created instructions', () => {
    const file = new SourceFile('f.ll', text);
    const { b, fn, bb } = fixture(['entry'], { type: (m) => m.types.fn(m.types.double, [m.types.i1, m.types.double]) });
    fn.args[0]!.name = null;
    fn.args[1]!.name = null;
    b.atEnd(bb.entry!);
    const y = b.fmul(fn.args[1]!, fn.args[1]!, 'y');
    y.pos = text.indexOf('%y =');
    y.end = text.indexOf('\n', y.pos);
    b.ret(y);
    expect(verifyFunction(fn, file)).toEqual([]);

    b.origin = y;
    b.before(bb.entry!.terminator!);
    const bad = b.fadd(y, y, 'dy');
    bad.operands[1] = b.i32(0);
    const ds = verifyFunction(fn, file);
    expect(ds.length).toBe(1);
    expect(ds[0]!.start).toBe(y.pos);
    expect(ds[0]!.notes).toEqual(['in code generated for the instruction shown']);
    expect(sourceSpan(bad)).toEqual({ start: y.pos, end: y.end });
    const shown = renderDiagnostic(ds[0]!, { color: false });
    expect(shown).toBe([
      "f.ll:3:3: error[E0304]: operands of 'fadd': 'double' and 'i32' differ",
      '  %y = fmul double %1, %1',
      '  ^~~~~~~~~~~~~~~~~~~~~~~',
      'note: in code generated for the instruction shown',
    ].join('\n'));
    expect(() => assertValid(fn, file)).toThrow(DiagnosticError);
    try { assertValid(fn, file); } catch (e) { expect((e as DiagnosticError).exitCode).toBe(1); }
  });

  it('names unnamed values by their print slot, and spells types', () => {
    const { m, b, fn, bb } = fixture(['entry']);
    fn.args[0]!.name = null;
    bb.entry!.name = null;
    b.atEnd(bb.entry!);
    const u = b.fadd(fn.args[1]!, fn.args[1]!);
    b.store(u, nullValue(m.types.opaquePtr()));
    const v = b.fadd(u, u);
    const namer = new ValueNamer(fn);
    expect([namer.name(fn.args[0]!), namer.name(bb.entry!), namer.name(u), namer.name(v), namer.name(fn.args[1]!)])
      .toEqual(['%0', '%1', '%2', '%3', '%a1']);
    const t = m.types;
    expect(typeText(t.struct([t.i32, t.typedPtr(t.double, 1)], true))).toBe('<{ i32, double addrspace(1)* }>');
    expect(typeText(t.vector(4, t.f32, true))).toBe('<vscale x 4 x float>');
    const named = t.namedStruct('a b');
    expect(typeText(t.array(2, named))).toBe('[2 x %"a b"]');
  });
});

describe('verifyModule', () => {
  it('checks every function and global initializers', () => {
    const d = diamond();
    const m = d.m;
    const g = new GlobalVariable(m.types.opaquePtr(), m.types.double);
    g.name = 'g';
    g.init = new RefValue(m.types.double, 'global', 'h', false, -1, -1);
    m.globals.push(g);
    d.t.operands[1] = d.b.i32(0);
    const ds = verifyModule(m, null);
    expect(ds.map((x) => x.message)).toEqual([
      'unresolved reference in the initializer of @g',
      "operands of 'fadd': 'double' and 'i32' differ",
    ]);
  });
});

describe('local names', () => {
  it('a name given twice (two blocks, or a block and a value) is E0306: the printed text would not parse', () => {
    const d = diamond();
    expect(verifyFunction(d.fn, null)).toEqual([]);
    d.bb.else!.name = 'then';
    const ds = verifyFunction(d.fn, null);
    expect(codes(ds)).toContain('E0306');
    expect(ds.map((x) => x.message).join('\n')).toMatch(/%then is defined twice/);
    d.bb.else!.name = 'else';
    d.e.name = 'y';
    expect(verifyFunction(d.fn, null).map((x) => x.message).join('\n')).toMatch(/%y is defined twice/);
  });
});

// Indirect calls through tables of functions, turned into direct calls before differentiation.
//
// C code picks a function from a table: `double (*const ops[3])(double) = {u0, u1, u2};
// ops[k](x)`, `static double (*tbl[])(double) = {sin, cos, exp}; tbl[i % 3](x)`, a callback
// variable assigned one of a few functions. At -O2 clang folds a constant index into a direct
// call; at -O0, or with an index known only at run time, the call stays indirect and the
// derivative needs to know which function it differentiates. When the pointer can only be
// one of a known set of functions (src/analysis/targets.ts, `candidates`), the call becomes a
// dispatch on the pointer:
//
//     %is.0 = icmp eq ptr %fp, @u0      br %is.0, label %call.0, label %test.1
//     ...                               call.k: %r.k = call double @uk(...); br label %join
//     otherwise: call void @llvm.trap(); unreachable
//     join: %r = phi double [%r.0, %call.0], ...
//
// and each branch is an ordinary direct call, differentiated as such (both modes). The trap
// stands where the analysis says no other pointer can arrive: if it ever ran, the program would
// have called something the derivative does not know, and it stops instead of going on with a
// wrong number.
//
// A call whose target is not known (a callback passed as an argument, a pointer from memory
// the analysis cannot follow) may still reach functions of the module whose address is taken,
// and those may read or write globals that carry derivatives although the call's arguments
// are all inactive (`g = x * x; cb()` where cb may be `read_g`). The call then tests the
// pointer against each such function of its type (CallTargets.globalUsersReachable) and keeps
// the indirect call for every other pointer, which can then only reach functions that use no
// mutable global, or code outside the module. Without the test, the derivative of what such a
// function reads would be silently dropped. Other indirect calls stay as they are (E0402 when
// they touch active data). `invoke` is left alone (an indirect invoke that may reach such a
// function is an error, src/ad/sweep.ts).
//
// Like canonical.ts, the pass never edits the user's function: it returns a private copy.
import type { Module } from '../ir/module.js';
import type { BasicBlock, Function } from '../ir/function.js';
import { BrInst, CallInst, CmpInst, PhiInst, UnreachableInst, type Instruction } from '../ir/instructions.js';
import { addBlock, declareFunction } from '../ir/builder.js';
import { CallTargets } from '../analysis/targets.js';
import { computeUses, setUse, type Use } from '../ir/uses.js';

/** `f` itself when it has no indirect call with known candidates, else a copy with each turned into a dispatch. */
export function devirtualizeCalls(m: Module, f: Function, copy: (f: Function) => Function): Function {
  if (f.isDeclaration) return f;
  const targets = new CallTargets(m);
  const found = (g: Function): [CallInst, Function[], boolean][] => {
    const out: [CallInst, Function[], boolean][] = [];
    for (const b of g.blocks) {
      for (const i of b.instructions) {
        if (i.op !== 'call' || i.callee.vk === 'asm' || targets.calledFunction(i)) continue;
        const c = targets.candidates(i);
        if (c) { out.push([i, c, false]); continue; }
        const risky = targets.globalUsersReachable(i);
        if (risky.length) out.push([i, risky, true]);
      }
    }
    return out;
  };
  if (!found(f).length) return f;
  const g = copy(f);
  const calls = found(g);
  const uses = computeUses(g);
  calls.forEach(([call, fns, keep], n) => { dispatch(m, g, call, fns, keep, n, uses.get(call)); });
  return g;
}

/** The call becomes tests of its pointer against `fns`; for any other pointer, the call itself (`keep`) or a trap. */
function dispatch(m: Module, g: Function, call: CallInst, fns: Function[], keep: boolean, n: number, users: readonly Use[]): void {
  const b = call.parent!;
  const at = b.instructions.indexOf(call);
  const tag = `devirt${n}`;
  // The block after the call: the rest of `b`, its terminator and its place in successors' phis.
  const join = addBlock(m, g, `${tag}.join`, g.blocks[g.blocks.indexOf(b) + 1]);
  const rest = b.instructions.splice(at + 1);
  for (const i of rest) { i.parent = join; join.instructions.push(i); }
  b.instructions.splice(at, 1);
  for (const s of successorsOf(join)) {
    for (const p of s.instructions) {
      if (p.op !== 'phi') break;
      p.blocks = p.blocks.map((x) => (x === b ? join : x));
    }
  }
  const name = call.name;
  const stamp = <T extends Instruction>(i: T): T => { i.origin = call; i.pos = call.pos; i.end = call.end; return i; };
  const i1 = m.types.i1;
  const results: [Instruction, BasicBlock][] = [];
  let test = b;
  fns.forEach((fn, k) => {
    const body = addBlock(m, g, `${tag}.call${k}`, join);
    const next = addBlock(m, g, k + 1 < fns.length ? `${tag}.test${k + 1}` : keep ? `${tag}.other` : `${tag}.none`, join);
    const is = stamp(new CmpInst('icmp', 'eq', i1, call.callee, fn));
    is.name = `${tag}.is${k}`;
    test.append(is);
    const br = stamp(new BrInst(m.types.void, [is]));
    br.successors = [body, next];
    test.append(br);
    const direct = Object.assign(Object.create(Object.getPrototypeOf(call) as object) as CallInst, call);
    direct.operands = [...call.args(), fn];
    direct.dbg = null;
    direct.origin = call;
    if (name !== null) direct.name = `${name}.${k}`;
    body.append(direct);
    const to = stamp(new BrInst(m.types.void, []));
    to.successors = [join];
    body.append(to);
    results.push([direct, body]);
    test = next;
  });
  if (keep) {
    // Every other pointer: the indirect call as it was, known not to reach the tested functions.
    call.notCallees = [...(call.notCallees ?? []), ...fns];
    if (name !== null) call.name = `${name}.other`;
    test.append(call);
    const to = stamp(new BrInst(m.types.void, []));
    to.successors = [join];
    test.append(to);
    results.push([call, test]);
  } else {
    const trapType = m.types.fn(m.types.void, []);
    const trap = stamp(new CallInst(m.types.void, [m.getFunction('llvm.trap') ?? declareFunction(m, 'llvm.trap', trapType)]));
    trap.fnType = trapType;
    test.append(trap);
    test.append(stamp(new UnreachableInst(m.types.void, [])));
  }
  if (call.type.kind !== 'void') {
    const phi = stamp(new PhiInst(call.type, results.map(([r]) => r), results.map(([, bb]) => bb)));
    phi.name = name;
    phi.parent = join;
    join.instructions.unshift(phi);
    for (const u of users) setUse(u, phi);
  }
}

function successorsOf(b: BasicBlock): BasicBlock[] {
  const t = b.terminator as (Instruction & { successors?: BasicBlock[] }) | null;
  return t?.successors ?? [];
}

// What a call is, as far as differentiation cares. Memory builtins are the
// transform's own business (shadow allocations, adjoint copies); math
// functions go to the rule registry; functions defined in the module are
// differentiated recursively; everything else is an external call that may
// only touch inactive data.

import type { CallRule } from '../rules/api.js';
import type { CallBase } from '../ir/instructions.js';
import type { InlineAsm } from '../ir/constants.js';
import type { Function } from '../ir/function.js';
import { lookupBlas, type BlasRule } from '../rules/blas.js';
import { callSiteInactive, type AllocLike, type CustomGradient, type CustomHints } from './custom.js';
import { functionBehind } from '../analysis/targets.js';
import type { ModuleFacts } from '../analysis/facts.js';
import { vecMemShape, type VecMemShape } from './vecmem.js';
import { ARENA_ALLOC, ARENA_CHUNK, ARENA_DESTROY } from '../tape/arena.js';
import { rustShimName } from '../analysis/mangled.js';
import { TAPE_DROP, TAPE_GIVE, TAPE_SIZE, TAPE_TAKE } from '../tape/keep.js';

export type CallKind =
  | { k: 'rule'; rule: CallRule; name: string }
  | { k: 'zero'; rule: CallRule; name: string }
  /** `fn`: a function the user declared inactive (it may still write memory). */
  | { k: 'inactive'; name: string; fn?: Function }
  /** `like`: an allocator registered with `__enzyme_allocation_like`; `ptrArg`: the freed pointer's argument (default 0). */
  | { k: 'malloc' | 'calloc' | 'realloc' | 'free'; name: string; like?: AllocLike; ptrArg?: number }
  /** A BLAS routine differentiated by BLAS calls (src/rules/blas.ts, src/ad/blas.ts). */
  | { k: 'blas'; rule: BlasRule; name: string }
  /** `posix_memalign(&p, align, size)`: an allocation returned through the out-pointer argument 0. */
  | { k: 'posix_memalign'; name: string }
  | { k: 'memcpy' | 'memmove' | 'memset'; name: string }
  /** A vector memory intrinsic: masked load / store / gather / scatter, llvm.vp.* (src/ad/vecmem.ts). */
  | { k: 'vecmem'; name: string; shape: VecMemShape }
  /** A module function, differentiated through a split pair; `custom`: with a registered derivative (fn may be only declared). */
  | { k: 'defined'; fn: Function; name: string; custom?: CustomGradient }
  | { k: 'unknown'; name: string }
  | { k: 'indirect' }
  | { k: 'asm' };

/** The rule registry as the transform sees it (src/rules/calls.ts provides it). */
export interface CallRules {
  lookup(name: string): CallRule | undefined;
  /** Registered custom derivatives and inactivity / function-like hints (src/ad/custom.ts). */
  hints?: CustomHints;
  /** Module-wide facts shared by the analyses of one run (resolved indirect calls, return origins). */
  facts?: ModuleFacts;
}

const ALLOC: Record<string, 'malloc' | 'calloc' | 'realloc' | 'free'> = {
  malloc: 'malloc', calloc: 'calloc', realloc: 'realloc', free: 'free',
  _Znwm: 'malloc', _Znam: 'malloc', _ZdlPv: 'free', _ZdaPv: 'free', _ZdlPvm: 'free', _ZdaPvm: 'free',
  // Rust's allocator shims
  __rust_alloc: 'malloc', __rust_alloc_zeroed: 'calloc', __rust_dealloc: 'free',
  // Aligned allocations: C11, glibc, C++17 aligned new / delete (align_val_t)
  aligned_alloc: 'malloc', memalign: 'malloc',
  _ZnwmSt11align_val_t: 'malloc', _ZnamSt11align_val_t: 'malloc',
  _ZdlPvSt11align_val_t: 'free', _ZdaPvSt11align_val_t: 'free', _ZdlPvmSt11align_val_t: 'free', _ZdaPvmSt11align_val_t: 'free',
};

/**
 * Where a malloc-like allocator takes its size and alignment (argument
 * positions; align null: the C library's default alignment).
 */
export function allocShape(name: string): { size: number; align: number | null } {
  switch (name) {
    case 'aligned_alloc': case 'memalign': return { size: 1, align: 0 };
    case '_ZnwmSt11align_val_t': case '_ZnamSt11align_val_t': return { size: 0, align: 1 };
    case ARENA_ALLOC: return { size: 1, align: 2 };
    case TAPE_TAKE: return { size: 1, align: null };
    default: return { size: 0, align: null };
  }
}

export { functionBehind };

/** The function a call names, looking through pointer casts of the callee (indirect calls: null). */
export function calledFunction(call: CallBase): Function | null {
  return functionBehind(call.callee);
}

export function classifyCall(call: CallBase, rules: CallRules): CallKind {
  if (call.callee.vk === 'asm') return emptyBarrier(call) ? { k: 'inactive', name: 'asm' } : { k: 'asm' };
  // An indirect call whose target is known (src/analysis/targets.ts) is the direct call.
  const fn = rules.facts ? rules.facts.targets.calledFunction(call) : calledFunction(call);
  if (!fn || fn.name === null) return { k: 'indirect' };
  const name = fn.name;
  const h = rules.hints;
  if (h ? h.inactive.has(fn) || h.inactiveCall(call) : callSiteInactive(null, call)) return { k: 'inactive', name, fn };
  if (h) {
    const like = h.like.get(fn);
    if (like !== undefined) {
      const r = rules.lookup(like);
      if (r) return r.kind === 'rule' ? { k: 'rule', rule: r, name: like } : r.kind === 'zero' ? { k: 'zero', rule: r, name: like } : { k: 'inactive', name: like };
      return { k: 'unknown', name: `${name} (registered as like ${like}, which has no derivative rule)` };
    }
    const custom = h.gradients.get(fn);
    if (custom) return { k: 'defined', fn, name, custom };
    const alloc = h.allocLike.get(fn);
    if (alloc) return { k: 'malloc', name, like: alloc };
    const free = h.freeLike.get(fn);
    if (free) return { k: 'free', name, ptrArg: free.ptrArg, like: free.alloc };
    // A registered forward derivative: a module function (forward mode calls the derivative; reverse mode needs a body).
    if (h.derivatives.has(fn)) return { k: 'defined', fn, name };
  }
  // Enzyme's type annotations (`__enzyme_double(ptr, bytes)`) compute nothing (lower removes them).
  if (/^__enzyme_(float|double|integer|pointer)$/.test(name)) return { k: 'inactive', name };
  // The tape arena of generated derivatives (src/tape/arena.ts), met again when a derivative is
  // differentiated (forward over reverse): an allocation, whose blocks go with the arena.
  if (name === ARENA_ALLOC && !fn.isDeclaration) return { k: 'malloc', name };
  if ((name === ARENA_DESTROY || name === ARENA_CHUNK) && !fn.isDeclaration) return { k: 'inactive', name, fn };
  // Loop tape blocks kept between calls (src/tape/keep.ts): an allocation and its release.
  if (name === TAPE_TAKE && !fn.isDeclaration) return { k: 'malloc', name };
  if (name === TAPE_GIVE && !fn.isDeclaration) return { k: 'free', name, ptrArg: 1 };
  if (name === TAPE_DROP && !fn.isDeclaration) return { k: 'free', name, ptrArg: 0 };
  if (name === TAPE_SIZE && !fn.isDeclaration) return { k: 'inactive', name, fn };
  if (name.startsWith('llvm.memcpy') || name === 'memcpy') return { k: 'memcpy', name };
  if (name.startsWith('llvm.memmove') || name === 'memmove') return { k: 'memmove', name };
  if (name.startsWith('llvm.memset') || name === 'memset') return { k: 'memset', name };
  const alloc = ALLOC[rustShimName(name)];
  if (alloc) return { k: alloc, name };
  if (name === 'posix_memalign') return { k: 'posix_memalign', name };
  const blas = fn.isDeclaration ? lookupBlas(name) : undefined;
  if (blas) return { k: 'blas', rule: blas, name };
  const shape = name.startsWith('llvm.') ? vecMemShape(name) : null;
  if (shape) return { k: 'vecmem', name, shape };
  const rule = rules.lookup(name);
  if (rule) {
    if (rule.kind === 'rule') return { k: 'rule', rule, name };
    if (rule.kind === 'zero') return { k: 'zero', rule, name };
    return { k: 'inactive', name };
  }
  if (isEigenRounding(fn)) return { k: 'inactive', name, fn };
  if (!fn.isDeclaration) return { k: 'defined', fn, name };
  return { k: 'unknown', name };
}

/**
 * An empty inline-assembly statement without outputs, `asm volatile("" : : "r"(p) : "memory")`
 * (benchmark harnesses' DoNotOptimize, optimization barriers that only take an address): it runs
 * no instruction, so it reads and writes nothing whatever its clobbers say to the optimizer.
 */
function emptyBarrier(call: CallBase): boolean {
  const a = call.callee as InlineAsm;
  if (a.asm.trim() !== '' || call.type.kind !== 'void') return false;
  // No output or tied operand: only inputs (`r`, `g`, `m`, `*m`, ...) and clobbers (`~{...}`).
  return a.constraints.split(',').every((c) => c === '' || c.startsWith('~{') || !/[=+]/.test(c));
}

/**
 * Eigen's packet rounding functions (`Eigen::internal::print`, `pfloor`, `pceil`, `pround`,
 * `ptrunc` of a packet or a scalar, taken by const reference): rint, floor, ceil, round and
 * trunc, whose derivative is 0 (as llvm.rint and the others have). Not inlined at -O0, their SSE
 * bodies round by adding and subtracting 2^52 around an optimization barrier (inline assembly)
 * and select by comparison masks ANDed with the bits of the values: differentiating the body
 * would give the rounding a derivative of 1 (exp's derivative would come out 0). A call of one
 * is kept and has no derivative. At -O2 they are inlined and src/ad/asmops.ts reads the barrier.
 */
export function isEigenRounding(fn: Function): boolean {
  const name = fn.name ?? '';
  if (!/^_ZN5Eigen8internal(?:5print|6pfloor|5pceil|6pround|6ptrunc)I(?:Dv\d+_[df]|[df])EET_RKS\d*_$/.test(name)) return false;
  const t = fn.fnType;
  const fp = (x: typeof t.ret): boolean => x.kind === 'float' || (x.kind === 'vector' && x.elem.kind === 'float');
  return fp(t.ret) && t.params.length === 1 && t.params[0]!.kind === 'pointer' && !t.vararg;
}

// `--abi c` and `--header FILE` of the commands that generate functions (grad now, fwd later):
// describe what was generated, plan its C view for the module's target, add the C-ABI
// wrapper when asked, and write the header.
import type { Module } from '../ir/module.js';
import { verifyModule } from '../ir/verify.js';
import { DiagnosticError, diag, fail } from '../diag/diagnostic.js';
import type { GeneratedFunction } from '../abi/describe.js';
import { abiTarget } from '../abi/target.js';
import { cIdentifier, mismatch, planC } from '../abi/c.js';
import { emitCWrapper } from '../abi/wrapper.js';
import { cHeader } from '../abi/header.js';
import { writeOutput } from './io.js';
import { TypeAnalysis } from '../analysis/types.js';
import { hasAttr } from '../ir/attributes.js';
import type { Type } from '../ir/types.js';
import type { Session } from './session.js';

export type AbiChoice = 'ir' | 'c';

/** `--abi c|ir` (ir: the derivative's own IR signature, the default). */
export function parseAbi(word: string | undefined): AbiChoice {
  if (word === undefined) return 'ir';
  const w = word.trim().toLowerCase();
  if (w === 'c' || w === 'ir') return w;
  return fail('E0903', `--abi: '${word}' is not an ABI; use c (the C calling convention of the module's target) or ir (the default)`, null);
}

export interface CInterfaceOptions {
  abi: AbiChoice;
  header?: string | undefined;
  /** The command line, for the header's first comment. */
  madeBy: string;
}

/** What the primal's pointer parameters point to (type analysis) and whether it only reads through them (`readonly`), for the header's spelling. */
function pointerHints(m: Module, desc: GeneratedFunction): void {
  let ta: TypeAnalysis | null = null;
  const scalarType = (s: string | null): Type | null => {
    const t = m.types;
    switch (s) {
      case 'double': case 'float': case 'half': case 'x86_fp80': case 'fp128': return t.float(s);
      default: return null;
    }
  };
  for (const p of desc.params) {
    if (p.type.kind !== 'pointer' || p.of === null) continue;
    const arg = desc.primal.args[p.of]!;
    if (p.type.pointee) { p.pointee = p.type.pointee; } else {
      try {
        ta ??= new TypeAnalysis(m, desc.primal);
        p.pointee = scalarType(ta.uniform(arg));
      } catch {
        p.pointee = null;
      }
    }
    p.readonly = hasAttr(arg.attrs, 'readonly') || hasAttr(arg.attrs, 'readnone');
  }
}

/**
 * Applies `--abi c` to the generated functions (adds the wrappers) and checks, without it,
 * that `--header` can declare them as they are; returns the header text to write, if any.
 */
export function cInterface(m: Module, fns: GeneratedFunction[], o: CInterfaceOptions, session: Session): string | null {
  if (o.abi === 'ir' && o.header === undefined) return null;
  return session.stage('c interface', 'writing the C interface', () => {
    const what = o.abi === 'c' ? '--abi c' : '--header';
    const target = abiTarget(m, what);
    const plans = fns.map((desc) => {
      pointerHints(m, desc);
      const name = desc.fn.name!;
      return { desc, plan: planC(m, desc, target, name, cIdentifier(name)) };
    });
    if (o.abi === 'c') {
      for (const { desc, plan } of plans) emitCWrapper(m, desc, plan);
      const problems = verifyModule(m, null);
      if (problems.length) {
        throw new DiagnosticError([diag('E0999', `internal error: the C-ABI wrapper is invalid IR: ${problems[0]!.message}`, null, -1, -1,
          ['this is a bug in enzyme-ts; please report it with the input file and the command line'])]);
      }
    } else {
      for (const { desc, plan } of plans) {
        const why = mismatch(m, desc, plan);
        if (why) {
          fail('E0905', `--header: @${desc.fn.name} cannot be called from C as it is: ${why}`, null, -1, -1,
            [`add --abi c: @${desc.fn.name} then takes and returns its values as C does on ${target.triple}, and the header declares that`]);
        }
      }
    }
    return o.header === undefined ? null : cHeader({ fileName: o.header, madeBy: o.madeBy, wrapped: o.abi === 'c', functions: plans });
  });
}

/** Writes the header (after the module, so that a failure leaves no header for a module that was not written). */
export function writeHeader(path: string | undefined, text: string | null): void {
  if (path !== undefined && text !== null) writeOutput(path, text);
}

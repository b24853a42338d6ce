import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import type { GradRequest } from '../ad/api.js';
import { ActivityAnalysis, isDiffType, type ActivityInput } from '../analysis/activity.js';
import type { FwdRequest } from '../ad/api.js';
import { fwdRequestHints, resolveFwdActivities } from '../ad/fwd.js';
import { analysisActivities } from '../ad/forward.js';
import { findFunction, requestHints, resolveActivities } from '../ad/grad.js';
import { withHints } from '../ad/custom.js';
import { defaultCallRules } from '../ad/registry.js';
import { ValueNamer, sourceSpan } from '../ir/verify.js';
import { InstructionPrinter } from '../print/printer.js';
import type { Value } from '../ir/value.js';
import { loadModuleWithSource } from './load.js';
import { requestFrom, type GradOptions } from './grad.js';
import { quietSession } from './session.js';
import { safeLines } from '../diag/safe.js';

/**
 * The activity of every argument and instruction of the function, one per
 * line with its source position: `value` says whether the value carries a
 * derivative (varied and useful), `inst` whether the instruction gets reverse
 * code, `shadow` marks pointers into active memory.
 */
export function activityReport(m: Module, req: GradRequest, file: SourceFile | null): string[] {
  const f = findFunction(m, req.fn);
  const { args, ret } = resolveActivities(f, req.args, req.ret);
  const input = { fn: f, args, retActive: ret === 'active' || ret === 'activeonly', rules: withHints(defaultCallRules(), requestHints(m, req, file), m) };
  return report(m, input, args, `activity of @${f.name} (args: ${args.join(', ')}; ret: ${ret})`, file);
}

/** The same report for forward mode (`activity --forward`): `inst active` means the instruction gets tangent code. */
export function fwdActivityReport(m: Module, req: FwdRequest, file: SourceFile | null): string[] {
  const f = findFunction(m, req.fn);
  const { args, ret } = resolveFwdActivities(f, req.args, req.ret);
  const input = { fn: f, args: analysisActivities(f, args), retActive: (ret === 'dup' || ret === 'dupnoneed') && isDiffType(f.fnType.ret), rules: withHints(defaultCallRules(), fwdRequestHints(m, req, file), m) };
  return report(m, input, args, `forward activity of @${f.name} (args: ${args.join(', ')}; ret: ${ret})`, file);
}

function report(m: Module, input: ActivityInput, words: readonly string[], title: string, file: SourceFile | null): string[] {
  const f = input.fn;
  const aa = new ActivityAnalysis(input);
  const namer = new ValueNamer(f);
  // one numbering of the function for all its instructions (printInstruction renumbers per call)
  const printer = new InstructionPrinter(f, m);
  const where = (v: Value): string => {
    const s = sourceSpan(v);
    if (s.start < 0 || !file) return '';
    const p = file.position(s.start);
    return `${file.name}:${p.line}:${p.col}`;
  };
  const out: string[] = [title];
  f.args.forEach((a, k) => {
    const tags: string[] = [words[k]!];
    if (aa.shadowed(a)) tags.push('shadow');
    out.push(`  ${where(a) || 'arg'}  ${namer.name(a)}: ${tags.join(', ')}`);
  });
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      const tags: string[] = [];
      if (i.type.kind !== 'void') tags.push(`value ${aa.isActiveValue(i) ? 'active' : 'const'}`);
      tags.push(`inst ${aa.isActiveInst(i) ? 'active' : 'const'}`);
      if (aa.shadowed(i)) tags.push('shadow');
      const text = printer.print(i).trim();
      out.push(`  ${where(i)}  ${text.length > 70 ? text.slice(0, 67) + '...' : text}  ; ${tags.join(', ')}`);
    }
  }
  return out;
}

export type ActivityOptions = Omit<GradOptions, 'output' | 'name' | 'checkpoint' | 'width'> & { forward?: boolean };

/** `enzyme-ts activity` (`--forward`: forward mode's activities and analysis). */
export async function runActivity(opts: ActivityOptions): Promise<void> {
  const session = opts.session ?? quietSession();
  const { module: m, file } = loadModuleWithSource(opts.input, session);
  let lines: string[];
  if (opts.forward) {
    const { fwdRequestFrom } = await import('./fwd.js');
    const req = fwdRequestFrom(opts);
    lines = session.stage('activity', `forward activity of @${req.fn}`, () => fwdActivityReport(m, req, file));
  } else {
    const req = requestFrom(opts);
    lines = session.stage('activity', `activity of @${req.fn}`, () => activityReport(m, req, file));
  }
  session.progress.clear();
  process.stdout.write(safeLines(lines.join('\n')) + '\n');
}

import type { Module } from '../ir/module.js';
import type { SourceFile } from '../diag/source.js';
import type { GradRequest } from '../ad/api.js';
import { ActivityAnalysis } from '../analysis/activity.js';
import { findFunction, requestHints, resolveActivities } from '../ad/grad.js';
import { withHints } from '../ad/custom.js';
import { defaultCallRules } from '../ad/registry.js';
import { ValueNamer, sourceSpan } from '../ir/verify.js';
import { printInstruction } from '../print/printer.js';
import type { Value } from '../ir/value.js';
import { loadModuleWithSource } from './load.js';
import { requestFrom, type GradOptions } from './grad.js';

/**
 * The activity of every argument and instruction of the function, one per
 * line with its source position: `value` says whether the value carries a
 * derivative (varied and useful), `inst` whether the instruction gets reverse
 * code, `shadow` marks pointers into active memory.
 */
export function activityReport(m: Module, req: GradRequest, file: SourceFile | null): string[] {
  const f = findFunction(m, req.fn);
  const { args, ret } = resolveActivities(f, req.args, req.ret);
  const aa = new ActivityAnalysis({ fn: f, args, retActive: ret === 'active' || ret === 'activeonly', rules: withHints(defaultCallRules(), requestHints(m, req, file), m) });
  const namer = new ValueNamer(f);
  const where = (v: Value): string => {
    const s = sourceSpan(v);
    if (s.start < 0 || !file) return '';
    const p = file.position(s.start);
    return `${file.name}:${p.line}:${p.col}`;
  };
  const out: string[] = [`activity of @${f.name} (args: ${args.join(', ')}; ret: ${ret})`];
  f.args.forEach((a, k) => {
    const tags: string[] = [args[k]!];
    if (aa.shadowed(a)) tags.push('shadow');
    out.push(`  ${where(a) || 'arg'}  ${namer.name(a)}: ${tags.join(', ')}`);
  });
  for (const b of f.blocks) {
    for (const i of b.instructions) {
      const tags: string[] = [];
      if (i.type.kind !== 'void') tags.push(`value ${aa.isActiveValue(i) ? 'active' : 'const'}`);
      tags.push(`inst ${aa.isActiveInst(i) ? 'active' : 'const'}`);
      if (aa.shadowed(i)) tags.push('shadow');
      const text = printInstruction(i, m).trim();
      out.push(`  ${where(i)}  ${text.length > 70 ? text.slice(0, 67) + '...' : text}  ; ${tags.join(', ')}`);
    }
  }
  return out;
}

export type ActivityOptions = Omit<GradOptions, 'output' | 'name' | 'checkpoint' | 'width'>;

/** `enzyme-ts activity`. */
export function runActivity(opts: ActivityOptions): void {
  const { module: m, file } = loadModuleWithSource(opts.input);
  process.stdout.write(activityReport(m, requestFrom(opts), file).join('\n') + '\n');
}

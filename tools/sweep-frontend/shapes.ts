// Generated functions of a given size, in the shapes that make naive code
// quadratic or recursive: long blocks, long chains of blocks, wide calls,
// wide switches and phis, many loops, deep loop nests, long call chains, wide
// structs, deep constant and type nesting. Each is valid IR (opaque pointers)
// with a differentiable `double @f(double %x)` (or `@f(double, ptr)`) at its root.

export interface Shape {
  name: string;
  /** What grows with n. */
  what: string;
  /** Sizes for a default run (each 4x the previous). */
  sizes: number[];
  gen: (n: number) => string;
  /** Activities for `grad -f f`, and functions to treat as inactive. */
  args?: string;
  inactive?: string[];
}

const line = (out: string[], s: string): void => { out.push(s); };

function ops(n: number): string {
  const o: string[] = ['define double @f(double %x) {', 'entry:'];
  let prev = '%x';
  for (let i = 0; i < n; i++) {
    const op = ['fadd', 'fmul', 'fsub'][i % 3]!;
    line(o, `  %v${i} = ${op} double ${prev}, %x`);
    prev = `%v${i}`;
  }
  o.push(`  ret double ${prev}`, '}');
  return o.join('\n') + '\n';
}

function blocks(n: number): string {
  const o: string[] = ['define double @f(double %x) {', 'entry:', '  br label %b0'];
  let prev = '%x';
  for (let i = 0; i < n; i++) {
    o.push(`b${i}:`, `  %v${i} = fmul double ${prev}, 0x3FF0000000000001`, `  br label %b${i + 1}`);
    prev = `%v${i}`;
  }
  o.push(`b${n}:`, `  ret double ${prev}`, '}');
  return o.join('\n') + '\n';
}

function diamonds(n: number): string {
  const o: string[] = ['define double @f(double %x) {', 'entry:', '  br label %d0'];
  let prev = '%x';
  for (let i = 0; i < n; i++) {
    o.push(`d${i}:`, `  %c${i} = fcmp olt double ${prev}, 1.0`, `  br i1 %c${i}, label %t${i}, label %e${i}`,
      `t${i}:`, `  %a${i} = fmul double ${prev}, 1.5`, `  br label %j${i}`,
      `e${i}:`, `  %b${i} = fmul double ${prev}, 0.5`, `  br label %j${i}`,
      `j${i}:`, `  %p${i} = phi double [ %a${i}, %t${i} ], [ %b${i}, %e${i} ]`, `  br label %d${i + 1}`);
    prev = `%p${i}`;
  }
  o.push(`d${n}:`, `  ret double ${prev}`, '}');
  return o.join('\n') + '\n';
}

function allocasCall(n: number): string {
  const o: string[] = ['declare void @g(...)', '', 'define double @f(double %x) {', 'entry:'];
  for (let i = 0; i < n; i++) o.push(`  %a${i} = alloca double, align 8`);
  for (let i = 0; i < n; i++) o.push(`  store double %x, ptr %a${i}, align 8`);
  o.push('  call void (...) @g(' + Array.from({ length: n }, (_, i) => `ptr %a${i}`).join(', ') + ')');
  let prev = '0.0';
  for (let i = 0; i < n; i++) {
    o.push(`  %l${i} = load double, ptr %a${i}, align 8`, `  %s${i} = fadd double ${prev}, %l${i}`);
    prev = `%s${i}`;
  }
  o.push(`  ret double ${prev}`, '}');
  return o.join('\n') + '\n';
}

function wideSwitch(n: number): string {
  const o: string[] = ['define double @f(double %x, i32 %k) {', 'entry:', '  switch i32 %k, label %dflt ['];
  for (let i = 0; i < n; i++) o.push(`    i32 ${i}, label %c${i}`);
  o.push('  ]', 'dflt:', '  br label %join');
  for (let i = 0; i < n; i++) o.push(`c${i}:`, `  %m${i} = fmul double %x, ${i}.0`, '  br label %join');
  o.push('join:', '  %r = phi double [ %x, %dflt ]' + Array.from({ length: n }, (_, i) => `, [ %m${i}, %c${i} ]`).join(''), '  ret double %r', '}');
  return o.join('\n') + '\n';
}

function seqLoops(n: number): string {
  const o: string[] = ['define double @f(double %x, i64 %m) {', 'entry:', '  br label %h0'];
  let prev = '%x';
  let from = 'entry';
  for (let i = 0; i < n; i++) {
    o.push(`h${i}:`, `  %i${i} = phi i64 [ 0, %${from} ], [ %in${i}, %h${i} ]`, `  %s${i} = phi double [ ${prev}, %${from} ], [ %sn${i}, %h${i} ]`,
      `  %sn${i} = fmul double %s${i}, %x`, `  %in${i} = add i64 %i${i}, 1`, `  %c${i} = icmp slt i64 %in${i}, %m`,
      `  br i1 %c${i}, label %h${i}, label %x${i}`, `x${i}:`, `  br label %h${i + 1}`);
    prev = `%sn${i}`;
    from = `x${i}`;
  }
  o.push(`h${n}:`, `  ret double ${prev}`, '}');
  return o.join('\n') + '\n';
}

function nestedLoops(n: number): string {
  // loop k's header h_k; its body is loop k+1; the innermost multiplies
  const o: string[] = ['define double @f(double %x) {', 'entry:', '  br label %h0'];
  for (let k = 0; k < n; k++) {
    const from = k === 0 ? 'entry' : `h${k - 1}`;
    o.push(`h${k}:`, `  %i${k} = phi i32 [ 0, %${from} ], [ %in${k}, %l${k} ]`,
      `  %s${k} = phi double [ ${k === 0 ? '%x' : `%s${k - 1}`}, %${from} ], [ %r${k}, %l${k} ]`,
      `  br label %${k + 1 < n ? `h${k + 1}` : 'body'}`);
  }
  o.push('body:', `  %inner = fmul double %s${n - 1}, %x`, `  br label %l${n - 1}`);
  for (let k = n - 1; k >= 0; k--) {
    const r = k === n - 1 ? '%inner' : `%r${k + 1}`;
    o.push(`l${k}:`, `  %r${k} = phi double [ ${r}, %${k === n - 1 ? 'body' : `l${k + 1}`} ]`, `  %in${k} = add i32 %i${k}, 1`,
      `  %c${k} = icmp slt i32 %in${k}, 2`, `  br i1 %c${k}, label %h${k}, label %${k === 0 ? 'exit' : `l${k - 1}`}`);
  }
  o.push('exit:', '  ret double %r0', '}');
  return o.join('\n') + '\n';
}

function callChain(n: number): string {
  const o: string[] = [];
  for (let i = 0; i < n; i++) {
    o.push(`define internal double @f${i}(double %x) {`, `  %y = fmul double %x, 1.5`,
      i + 1 < n ? `  %r = call double @f${i + 1}(double %y)` : '  %r = fadd double %y, 1.0', '  ret double %r', '}', '');
  }
  o.push('define double @f(double %x) {', '  %r = call double @f0(double %x)', '  ret double %r', '}');
  return o.join('\n') + '\n';
}

function wideStruct(n: number): string {
  const o: string[] = [`%S = type { ${Array.from({ length: n }, () => 'double').join(', ')} }`, '', 'define double @f(double %x, ptr %p) {', 'entry:'];
  let prev = '%x';
  for (let i = 0; i < n; i++) {
    o.push(`  %g${i} = getelementptr inbounds %S, ptr %p, i64 0, i32 ${i}`, `  %l${i} = load double, ptr %g${i}, align 8`,
      `  %s${i} = fmul double ${prev}, %l${i}`);
    prev = `%s${i}`;
  }
  o.push(`  ret double ${prev}`, '}');
  return o.join('\n') + '\n';
}

function nestedConst(n: number): string {
  // @p = constant ptr getelementptr (i8, ptr getelementptr (i8, ptr ... @g ...), i64 1), i64 1)
  let e = 'ptr @g';
  for (let i = 0; i < n; i++) e = `ptr getelementptr (i8, ${e}, i64 1)`;
  return `@g = global [8 x double] zeroinitializer\n@p = constant ${e}\n\ndefine double @f(double %x) {\n  %q = load ptr, ptr @p\n  store double %x, ptr %q\n  %l = load double, ptr %q\n  ret double %l\n}\n`;
}

function nestedType(n: number): string {
  const t = '['.repeat(0) + Array.from({ length: n }, () => '[1 x ').join('') + 'double' + ']'.repeat(n);
  return `@g = global ${t} zeroinitializer\n\ndefine double @f(double %x) {\n  store double %x, ptr @g\n  %l = load double, ptr @g\n  %m = fmul double %l, %x\n  ret double %m\n}\n`;
}

export const SHAPES: Shape[] = [
  { name: 'ops', what: 'floating operations in one block', sizes: [2000, 8000, 32000], gen: ops },
  { name: 'blocks', what: 'blocks in a chain', sizes: [6250, 25000, 100000], gen: blocks },
  { name: 'diamonds', what: 'if/else diamonds with a phi each', sizes: [1000, 4000, 16000], gen: diamonds },
  { name: 'allocas-call', what: 'allocas passed to one call', sizes: [4096, 16384, 65536], gen: allocasCall, args: 'active', inactive: ['g'] },
  { name: 'switch', what: 'cases of one switch (and phi entries)', sizes: [1000, 4000, 16000], gen: wideSwitch, args: 'active,const' },
  { name: 'loops', what: 'loops one after the other', sizes: [250, 1000, 4000], gen: seqLoops, args: 'active,const' },
  { name: 'loop-nest', what: 'loops nested in each other', sizes: [25, 100, 400], gen: nestedLoops },
  { name: 'call-chain', what: 'functions in a call chain', sizes: [250, 1000, 4000], gen: callChain },
  { name: 'struct', what: 'fields of one struct, each loaded', sizes: [1000, 4000, 16000], gen: wideStruct, args: 'active,dup' },
  { name: 'const-nest', what: 'levels of nested constant expressions', sizes: [250, 1000, 4000], gen: nestedConst },
  { name: 'type-nest', what: 'levels of nested array types', sizes: [250, 1000, 4000], gen: nestedType },
];

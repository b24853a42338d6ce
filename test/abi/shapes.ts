// Result shapes for the C-ABI tests: primal C functions whose derivatives return 1 to 6
// floats or doubles, mixed float/double, integers and pointers next to floats, width-N
// arrays and vector parameters, with the closed form of what each derivative must return.

export interface Shape {
  /** The C function (its name is `fn`). */
  c: string;
  fn: string;
  args?: string;
  ret?: string;
  width?: number;
  /** C statements before the call (declare inputs), the call's arguments, and what to print after it. */
  setup?: string;
  call: string;
  /** C expressions printed after the call (`r` is the result, when there is one). */
  print: string[];
  /** The values they must have. */
  expect: number[];
  /** float results are compared at float precision. */
  float: boolean;
}

const seed = 1.5;

/** f(a1..ak) = sum_i i*ai^2 + a1*ak, at ai = 0.5 + 0.25 i. */
function poly(k: number, t: 'float' | 'double', retMode: 'active' | 'activeonly'): Shape {
  const fn = `p_${t}_${k}_${retMode}`;
  const a = Array.from({ length: k }, (_, i) => 0.5 + 0.25 * (i + 1));
  const params = a.map((_, i) => `${t} a${i + 1}`).join(', ');
  const body = a.map((_, i) => `${i + 1} * a${i + 1} * a${i + 1}`).join(' + ') + ` + a1 * a${k}`;
  const f = a.reduce((s, x, i) => s + (i + 1) * x * x, 0) + a[0]! * a[k - 1]!;
  const grad = a.map((x, i) => seed * (2 * (i + 1) * x + (i === 0 ? a[k - 1]! : 0) + (i === k - 1 ? a[0]! : 0)));
  const print = [...(retMode === 'active' ? ['r.primal'] : []), ...a.map((_, i) => `r.d_a${i + 1}`)];
  return {
    c: `${t} ${fn}(${params}) { return ${body}; }`, fn, ret: retMode,
    call: `${a.map((x) => String(x)).join(', ')}, ${seed}`, print,
    expect: [...(retMode === 'active' ? [f] : []), ...grad], float: t === 'float',
  };
}

export function shapes(): Shape[] {
  const out: Shape[] = [];
  for (const t of ['float', 'double'] as const) {
    for (let k = 1; k <= 6; k++) out.push(poly(k, t, 'activeonly'));
    for (const k of [1, 3, 5]) out.push(poly(k, t, 'active'));
  }
  // mixed float / double
  out.push({
    c: 'double m_fd(float a, double b) { return a * b * b; }', fn: 'm_fd', ret: 'activeonly',
    call: '2.0f, 3.0, 1.0', print: ['r.d_a', 'r.d_b'], expect: [9, 12], float: true,
  });
  out.push({
    c: 'double m_fd_p(float a, double b) { return a * b * b; }', fn: 'm_fd_p',
    call: '2.0f, 3.0, 1.0', print: ['r.primal', 'r.d_a', 'r.d_b'], expect: [18, 9, 12], float: true,
  });
  out.push({
    c: 'float m_dff(double a, float b, float c) { return (float)(a * b) + c * c; }', fn: 'm_dff', ret: 'activeonly',
    call: '2.0, 3.0f, 4.0f, 1.0f', print: ['r.d_a', 'r.d_b', 'r.d_c'], expect: [3, 2, 8], float: true,
  });
  out.push({
    c: 'float m_ffd(float a, double b) { return a * a * (float)b; }', fn: 'm_ffd',
    call: '2.0f, 3.0, 1.0f', print: ['r.primal', 'r.d_a', 'r.d_b'], expect: [12, 12, 4], float: true,
  });
  // integers and pointers next to floating gradients (the primal returned as is: --ret const)
  out.push({
    c: 'int m_int(double a, double b) { return (int)(a * b); }', fn: 'm_int', ret: 'const',
    call: '2.5, 4.0', print: ['r.primal', 'r.d_a', 'r.d_b'], expect: [10, 0, 0], float: false,
  });
  out.push({
    c: 'long m_long(double a) { return (long)(a * 4.0); }', fn: 'm_long', ret: 'const',
    call: '2.5', print: ['r.primal', 'r.d_a'], expect: [10, 0], float: false,
  });
  out.push({
    c: 'int m_intf(float a) { return (int)(a * a); }', fn: 'm_intf', ret: 'const',
    call: '3.0f', print: ['r.primal', 'r.d_a'], expect: [9, 0], float: true,
  });
  out.push({
    c: 'double *m_ptr(double *p, double a) { p[0] = a * a; return p + 1; }', fn: 'm_ptr', args: 'dup,active', ret: 'const',
    setup: 'double buf[2] = {0, 0}, dbuf[2] = {2.0, 0};', call: 'buf, dbuf, 3.0',
    print: ['(double)(r.primal == (void *)(buf + 1))', 'r.d_a', 'buf[0]', 'dbuf[0]'], expect: [1, 12, 9, 0], float: false,
  });
  // width N: [N x T] gradients and an [N x T] seed passed as an array
  out.push({
    c: 'double w_dd(double a, double b) { return a * a * b + b; }', fn: 'w_dd', width: 2,
    setup: 'const double s[2] = {1.0, 2.0};', call: '3.0, 2.0, s',
    print: ['r.primal', 'r.d_a[0]', 'r.d_a[1]', 'r.d_b[0]', 'r.d_b[1]'], expect: [20, 12, 24, 10, 20], float: false,
  });
  for (const n of [2, 3, 4, 5]) {
    out.push({
      c: `float w_f${n}(float a) { return a * a * a; }`, fn: `w_f${n}`, width: n, ret: 'activeonly',
      setup: `const float s${n}[${n}] = {${Array.from({ length: n }, (_, k) => k + 1).join(', ')}};`, call: `2.0f, s${n}`,
      print: Array.from({ length: n }, (_, k) => `r.d_a[${k}]`), expect: Array.from({ length: n }, (_, k) => 12 * (k + 1)), float: true,
    });
  }
  out.push({
    c: 'double w_d4(double a, double b) { return a * b; }', fn: 'w_d4', width: 4, ret: 'activeonly',
    setup: 'const double s4d[4] = {1, 2, 3, 4};', call: '3.0, 5.0, s4d',
    print: ['r.d_a[0]', 'r.d_a[3]', 'r.d_b[0]', 'r.d_b[3]'], expect: [5, 20, 3, 12], float: false,
  });
  out.push({
    c: 'double w_dot(const double *x, int n) { double s = 0; for (int i = 0; i < n; i++) s += x[i] * x[i]; return s; }', fn: 'w_dot', args: 'dup,const', width: 2,
    setup: 'double x3[3] = {1, 2, 3}, g0[3] = {0}, g1[3] = {0}; const double sd[2] = {1.0, 0.5};', call: 'x3, g0, g1, 3, sd',
    print: ['r.primal', 'g0[0]', 'g0[2]', 'g1[1]', 'g1[2]'], expect: [14, 2, 6, 2, 3], float: false,
  });
  // a vector parameter: its gradient is a vector, passed and returned as an array
  out.push({
    c: 'typedef double v2d __attribute__((vector_size(16)));\ndouble v_vec(v2d x) { return x[0] * x[1] * x[1]; }', fn: 'v_vec', ret: 'activeonly',
    setup: 'const double xv[2] = {2.0, 3.0};', call: 'xv, 1.0', print: ['r.d_x[0]', 'r.d_x[1]'], expect: [9, 12], float: false,
  });
  return out;
}

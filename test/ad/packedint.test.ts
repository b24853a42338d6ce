// A struct { int k; float x; } passed by value as one i64 (test/ad/inputs/packedint.ll): integer
// arithmetic on the packed value whose every use masks the float half away is the int field's own
// arithmetic and is differentiated (clang -O1 and up write `r.k = u.k * 3 - 2` so); a sum read back
// whole (a carry may reach the float's bits) is a located E0403 at the call that passes the bits,
// never a derivative that drops them. The C programs: fixtures/lower/src/byval_packed_call.c.
import { describe, expect, it } from 'vitest';
import { hasTool } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

const FILE = 'test/ad/inputs/packedint.ll';

describe.skipIf(!hasTool('lli'))(FILE, () => {
  for (const at of ['1.5,4', '-0.75,-2']) {
    for (const mode of [[], ['--width', '2']]) {
      it(`masked at ${at} ${mode.join(' ')}: agrees with finite differences`, () => {
        const r = runCli(['check', FILE, '-f', 'masked', '--args', 'active,const', '--at', at, ...mode]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^ok: \d+ values agree/m);
      });
    }
  }
  it('masked, forward mode: agrees with finite differences', () => {
    const r = runCli(['check', FILE, '-f', 'masked', '--forward', '--args', 'dup,const', '--at', '1.5,4']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: \d+ values agree/m);
  });
  it('unmasked: E0403 at the call that passes the packed bits', () => {
    const r = runCli(['grad', FILE, '-f', 'unmasked', '--args', 'active,const']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/packedint\.ll:59:3: error\[E0403\]: cannot differentiate @unmasked: the bits of an active floating value are passed to a call as an integer/);
  });
});

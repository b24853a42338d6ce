// Doubles shuffled as 32-bit lanes through -O0 integer stack slots (src/ad/laneshuffle.ts):
// a shuffle that moves whole doubles is differentiated (checked against finite differences by
// `enzyme-ts check`); one that splits them is E0403 at the floating load of the slot, not a
// derivative of 0 (the slot holds integers, which have no shadow).
import { describe, expect, it } from 'vitest';
import { hasTool } from '../util/llvm.js';
import { runCli } from '../util/cli.js';

const FILE = 'test/ad/inputs/laneshuffle.ll';

describe.skipIf(!hasTool('lli-19'))('shuffles of 32-bit lanes of doubles', () => {
  it('lanes (0,1,0,1) and (2,3,2,3) move whole doubles: the gradient agrees with finite differences', () => {
    for (const at of ['[0.5 -1.5]', '[2 0.25]']) {
      const r = runCli(['check', FILE, '-f', 'whole', '--args', 'dup', '--at', at]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^ok: 3 values agree/m);
    }
  });

  it('lanes (1,0,3,2) split each double: E0403 where the bits are read back as doubles', () => {
    const r = runCli(['grad', FILE, '-f', 'split', '--args', 'dup']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${FILE}:39:3: error[E0403]: cannot differentiate @split: integer arithmetic on the bits of an active floating value`);
  });
});

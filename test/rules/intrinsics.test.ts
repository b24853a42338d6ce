// Math intrinsics, scalar and vector, and vector reductions: each rule against
// finite differences under lli.
import { describeCases } from './harness.js';
import { INTRINSICS } from './cases.js';

describeCases('intrinsic rules', INTRINSICS);

// C math library calls: each rule against finite differences under lli.
import { describeCases } from './harness.js';
import { LIBM_DOUBLE, LIBM_OTHER } from './cases.js';

describeCases('libm rules on doubles', LIBM_DOUBLE);
describeCases('libm rules on float and long double', LIBM_OTHER);

// The statement features and their default weights (`--weight NAME=W` overrides any of them;
// 0 turns a feature off). Expression forms have weights too: `expr:NAME` (gen.ts), and
// program-level choices: `float`, `cpp`, `globals`, `structs`, `restrict`, `vla`. Generator 7 adds
// view2d, complex and cppvec (C++ only), expression forms copysign, round, fmod, itof, and loop:wide.
import type { Feature } from '../gen.js';
import { assign, decl, store } from './assign.js';
import { breakStmt, forLoop, whileLoop } from './loops.js';
import { earlyReturn, ifStmt, switchStmt } from './branch.js';
import { call, recursion } from './calls.js';
import { heap, realloc } from './heap.js';
import { stackArray } from './stack.js';
import { memops } from './memops.js';
import { vecLoop } from './vector.js';
import { intVar, toInt } from './ints.js';
import { inplace } from './inplace.js';
import { structCopy } from './structs.js';
import { rows } from './rows.js';
import { fnptr } from './fnptr.js';
import { matrix } from './matrix.js';
import { byval } from './byval.js';
import { pingpong } from './pingpong.js';
import { view2d } from './view2d.js';
import { complex } from './complex.js';
import { cppvec } from './cppvec.js';

export const FEATURES: readonly Feature[] = [
  decl, assign, store, forLoop, whileLoop, breakStmt, ifStmt, earlyReturn, call, recursion,
  heap, realloc, stackArray, memops, vecLoop, intVar, toInt, inplace, structCopy, switchStmt, rows, fnptr,
  matrix, byval, pingpong, view2d, complex, cppvec,
];

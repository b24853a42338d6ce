import { hashSeed } from './rng.js';

/** The seed of program `index` of a run with seed `seed` (its id is `${seed}-${index}`). */
export const programSeed = (seed: number, index: number): number => hashSeed(`${seed}-${index}`);

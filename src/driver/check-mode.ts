// `check`: what a kind of derivative contributes to a check. The driver
// (check-driver.ts) evaluates the function at the points a mode asks for and
// prints what the mode observes; the mode emits the call of its derivative and
// turns the printed numbers into rows of the report. Reverse mode
// (check-reverse.ts) observes a seeded loss and compares the gradient with its
// differences coordinate by coordinate. A tangent (forward-mode) check plugs in
// the same way: its evaluations move the whole point along one direction
// (`Evaluation.changes` lists every entry), it observes the outputs, and its
// rows compare each output's tangent with the differences of that output
// along the direction.
import type { DriverApi, Evaluation, Observe } from './check-driver.js';
import type { Estimate } from './check-fd.js';

/** The driver's output, by tag (check-driver.ts describes the protocol). */
export type Tag = 'R' | 'L' | 'Q' | 'Y' | 'P' | 'G' | 'S' | 'W';
export type Output = Record<Tag, number[]> & { end: boolean };

/** One compared value: the derivative's number against an estimate (finite differences, or the primal as run). */
export interface CheckRow {
  label: string;
  analytic: number;
  estimate: Estimate;
  /** The same value from the derivative's double twin (null: none was run), which bounds the derivative's own rounding. */
  twin: number | null;
}

export interface CheckMode {
  /** What each evaluation prints. */
  readonly observe: Observe;
  /** The evaluations, the base point first. */
  readonly evals: Evaluation[];
  /** How many numbers of each tag the run must print (a check that the protocol held). */
  expected(): Record<Tag, number>;
  /** Emits the derivative call at the base point and prints its results. */
  emitDerivative(d: DriverApi): void;
  /** The report's rows. */
  rows(out: Output): CheckRow[];
  /** The lines describing the seeds / directions, for the report. */
  describe(): string[];
}

import type { CallRules } from './calls.js';
import { lookupCallRule } from '../rules/calls.js';

/** The built-in rule registry (src/rules). */
export function defaultCallRules(): CallRules {
  return { lookup: lookupCallRule };
}

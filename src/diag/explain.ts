import type { Code } from './codes.js';
export interface CodeExample { files?: Record<string, string | { repo: string }>; commands: string[]; intro?: string }
export interface CodeDoc { reportedBy: string; meaning: string; explanation: string; examples?: CodeExample[]; after?: string }
export const CODE_DOCS = {} as { readonly [C in Code]: CodeDoc };

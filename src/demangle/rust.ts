export function demangleRust(name: string, opts: { rustHash?: boolean }): string | null { void name; void opts; return null; }

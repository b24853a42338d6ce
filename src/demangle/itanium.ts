export function demangleItanium(name: string): string | null { void name; return null; }

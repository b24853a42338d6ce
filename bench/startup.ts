// Start-up probe, spawned as a fresh process by bench.ts: how long a new Node
// process takes before it can parse anything. The imports are dynamic so that
// loading the modules is timed separately from Node's own boot.
import { performance } from 'node:perf_hooks';

const bootMs = performance.now(); // performance's time origin is process start
const { parseText } = await import('../src/syntax/parse.js');
const { printModule } = await import('../src/print/printer.js');
const t1 = performance.now();
printModule(parseText('', '<empty>')); // builds the grammar (first parse)
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ bootMs, importMs: t1 - bootMs, firstParseMs: t2 - t1 })}\n`);

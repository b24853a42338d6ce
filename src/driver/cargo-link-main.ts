// Entry point of the linker shim script that `enzyme-ts cargo` generates (cargo.ts): rustc runs
// it with the linker's arguments.
import { linkMain } from './cargo-link.js';

process.exitCode = linkMain(process.argv.slice(2));

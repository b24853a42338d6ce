import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instructionsDoc } from './doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
writeFileSync(join(root, 'docs', 'instructions.md'), instructionsDoc());
process.stdout.write('wrote docs/instructions.md\n');

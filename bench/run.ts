// `npm run bench -- NAME`: runs bench/NAME.ts. Every benchmark prints its figures last, one a line:
// `figure NAME=VALUE UNIT`.
import { readdirSync } from 'node:fs';

const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'support.ts'].includes(f) && !f.includes('-'))
  .map((f) => f.replace(/\.ts$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME   (benchmarks: ${available.join(', ')})\n`);
  process.exit(2);
}
await import(`./${name}.ts`);

// `npm run docs`: writes config/centinela.example.yaml and the README's settings and secrets tables from the
// settings' schema. `--check` writes nothing and exits 1 when either is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocs } from './docs-files.ts';

const REPO = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const { path, text } of await generatedDocs(REPO)) {
  if (readFileSync(join(REPO, path), 'utf8') === text) continue;
  stale++;
  if (check) process.stderr.write(`${path} is stale: run npm run docs\n`);
  else {
    writeFileSync(join(REPO, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
process.exitCode = check && stale > 0 ? 1 : 0;

// The files `npm run docs` writes, as they should read now: shared by the script and the test that fails when stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { exampleConfig, replaceSection, secretsTable, settingsTable } from '../src/core/config-docs.ts';

export async function generatedDocs(repo: string): Promise<Array<{ path: string; text: string }>> {
  const readmePath = join(repo, 'README.md');
  let readme = readFileSync(readmePath, 'utf8');
  readme = replaceSection(readme, 'settings', settingsTable());
  readme = replaceSection(readme, 'secrets', secretsTable());
  const options = (await resolveConfig(readmePath)) ?? {};
  return [
    { path: 'config/centinela.example.yaml', text: exampleConfig() },
    { path: 'README.md', text: await format(readme, { ...options, filepath: readmePath }) },
  ];
}

// An idle service (default settings, no Telegram token) loads no SDK: each is imported at its first use, so the
// idle RSS stays within its budget (120 MB). A new source or page must keep it so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO, startService, tempDir } from '../support/service.ts';

const NOT_AT_IDLE = [
  'grammy',
  'openai',
  '@google/genai',
  '@googleapis/drive',
  'googleapis',
  'playwright-core',
  'axe-core',
  'unpdf',
  'dockerode',
  'file-type',
  'pg',
  'mysql2',
];

test('centinela start loads no SDK until something uses it', { timeout: 60_000 }, async () => {
  const cwd = tempDir('centinela-idle-');
  const file = join(cwd, 'modules.txt');
  const hook = join(REPO, 'test/support/loaded-modules.ts');
  const service = await startService({
    cwd,
    env: { NODE_OPTIONS: `--import ${hook}`, LOADED_MODULES_FILE: file },
    timeoutMs: 45_000,
  });
  await service.waitForLine((line) => line.includes('centinela started'), 30_000);
  await service.stop('SIGTERM');
  const packages = new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
      .filter((name) => name !== undefined),
  );
  expect(packages.has('fastify')).toBe(true); // the hook saw the service
  expect(NOT_AT_IDLE.filter((name) => packages.has(name))).toEqual([]);
});

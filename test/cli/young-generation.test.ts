// The command keeps V8's young generation at its first size (bin/centinela.js): left to grow, it reaches 32 MB
// during start-up's module loading and stays there, a fifth of the idle service's RSS budget.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CLI, REPO, cleanEnv, freePort, tempDir } from '../support/service.ts';

test('the young generation does not grow while a command loads its modules', async () => {
  const cwd = tempDir('centinela-young-');
  const file = join(cwd, 'heap.json');
  const hook = join(REPO, 'test/support/heap-spaces.ts');
  // status loads the store, kysely and zod: enough allocation for the young generation to grow when it may.
  const env = cleanEnv({ HEAP_SPACES_FILE: file, CENTINELA_HTTP_PORT: String(await freePort()) });
  await new Promise<void>((ok, fail) => {
    const child = spawn(process.execPath, ['--import', hook, CLI, 'status'], { cwd, env, stdio: 'ignore' });
    child.on('error', fail);
    child.on('exit', () => ok());
  });
  const sizes = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  // Two semi-spaces of 1 MB; without the flag, 2 × 16 MB.
  expect(sizes.new_space).toBeLessThanOrEqual(2 * 2 ** 20);
  expect(sizes.old_space).toBeGreaterThan(0); // the hook saw the run
});

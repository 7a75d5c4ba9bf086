// `centinela sync` as cron runs it, against the fake Drive: JSON metrics and exit codes (0 ok, 2 a file failed,
// 1 critical with one line saying what to do), and a run killed with SIGKILL half way: the next completes with
// every file taken once.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Store } from '../../src/core/store/index.ts';
import { startFakeDrive } from '../fakes/drive/index.ts';
import type { FakeDrive } from '../fakes/drive/index.ts';
import { CLI, cleanEnv, runCli, tempDir } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';
import { eventually } from '../support/stores.ts';

const REQUIRED = [
  'start_time',
  'end_time',
  'duration_seconds',
  'drive_items_listed_total',
  'drive_pages_fetched_total',
  'drive_api_calls_total',
  'files_downloaded',
  'download_errors',
  'batch_errors',
  'invoices_processed_ok_total',
  'invoices_duplicate_total',
  'invoices_review_total',
  'invoices_ignored_total',
  'invoices_error_total',
  'last_sync_time_before',
  'last_sync_time_after',
  'max_modified_time_processed',
  'page_token_before',
  'page_token_after',
];

let fake: FakeDrive | null = null;
let store: Store | null = null;
afterEach(async () => {
  await fake?.close();
  await store?.close();
  fake = null;
  store = null;
});

async function setup(
  drive: Record<string, unknown> = {},
): Promise<{ dir: string; env: Record<string, string>; root: string }> {
  fake = await startFakeDrive();
  const dir = tempDir('centinela-sync-');
  mkdirSync(join(dir, 'config'));
  const root = fake.addFolder({ name: 'Facturas' });
  const settings = {
    folders: [root],
    api_root: fake.rootUrl,
    sleep_between_batch_seconds: 0,
    requests_per_second: 0,
    retry_base_ms: 5,
    ...drive,
  };
  writeFileSync(join(dir, 'config/centinela.yaml'), JSON.stringify({ drive: settings }));
  const key = join(dir, 'key.json');
  writeFileSync(key, JSON.stringify(fake.serviceAccountKey));
  return { dir, root, env: { GOOGLE_APPLICATION_CREDENTIALS: key, CENTINELA_LOG_STDOUT: 'false' } };
}

describe('centinela sync', () => {
  test('prints its metrics as JSON and exits 0; a refused file makes it exit 2', async () => {
    const { dir, env, root } = await setup();
    const f = fake as FakeDrive;
    f.addFile({ name: 'a.pdf', parent: root, content: 'a' });
    const ok = await runCli(['sync', '--json', '--output-json', join(dir, 'run.json')], {
      cwd: dir,
      env,
      timeoutMs: 60_000,
    });
    expect(ok.code, ok.stderr).toBe(0);
    const metrics = JSON.parse(ok.stdout) as Record<string, unknown>;
    for (const key of REQUIRED) expect(metrics, key).toHaveProperty(key);
    expect(metrics['files_downloaded']).toBe(1);
    const bad = f.addFile({ name: 'b.pdf', parent: root, content: 'b' });
    f.fail({ status: 404, path: new RegExp(`${bad}\\?alt=media`) });
    const two = await runCli(['sync'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(two.code, two.stderr).toBe(2);
    expect(two.stdout).toMatch(/failed: b\.pdf .*404 notFound/);
  });

  test('bad credentials and a missing folder: exit 1 with one clear line and no secret', async () => {
    const { dir, env } = await setup();
    const f = fake as FakeDrive;
    const missing = await runCli(['sync', '--folder-id', 'AbCdEfGhIjKlMnOp'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(missing.code).toBe(1);
    const lines = (s: string): string[] => s.split('\n').filter((l) => l.startsWith('centinela'));
    expect(lines(missing.stderr)).toEqual([
      `centinela sync: Drive folder AbCdEfGhIjKlMnOp not found: check the id in drive.folders and share the folder with ${f.serviceAccountKey.client_email} (Viewer)`,
    ]);
    f.revokeKeys();
    const refused = await runCli(['sync'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      'centinela sync: Google refused the credentials in GOOGLE_APPLICATION_CREDENTIALS (invalid_grant: Invalid JWT Signature.): the key is wrong, deleted or revoked; create a new key and point GOOGLE_APPLICATION_CREDENTIALS at it',
    ]);
    const privateKey = f.serviceAccountKey.private_key.split('\n')[1] ?? 'none';
    expect(refused.stderr + refused.stdout).not.toContain(privateKey);
    const none = await runCli(['sync'], { cwd: dir, env: { CENTINELA_LOG_STDOUT: 'false' }, timeoutMs: 60_000 });
    expect(none.code).toBe(1);
    expect(lines(none.stderr)[0]).toMatch(/no Drive credentials: set GOOGLE_APPLICATION_CREDENTIALS/);
  });

  test('SIGKILL half way: the next run completes, every file taken exactly once', async () => {
    const { dir, env, root } = await setup({ batch_size: 2, page_size: 5, requests_per_second: 15 });
    const f = fake as FakeDrive;
    for (let i = 0; i < 30; i++) f.addFile({ name: `f${i}.pdf`, parent: root, content: `invoice ${i}` });
    store = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'data') });
    const count = async (): Promise<number> =>
      Number(
        (
          await (store as Store).db
            .selectFrom('files' as never)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n ?? 0,
      );
    const child = spawn(process.execPath, [CLI, 'sync'], { cwd: dir, env: cleanEnv(env), stdio: 'ignore' });
    await eventually(async () => (await count()) >= 4, 'some files taken', 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const taken = await count();
    expect(taken).toBeLessThan(30);
    const next = await runCli(['sync', '--json'], { cwd: dir, env, timeoutMs: 120_000 });
    expect(next.code, next.stderr).toBe(0);
    const rows = await (store as Store).db
      .selectFrom('files' as never)
      .select(['file_name' as never, 'state' as never])
      .execute();
    const names = rows.map((r) => r['file_name' as never] as string).sort();
    expect(names).toEqual(Array.from({ length: 30 }, (_, i) => `f${i}.pdf`).sort());
    expect(rows.every((r) => r['state' as never] === 'stored')).toBe(true);
  });
});

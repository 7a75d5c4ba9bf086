// Everything the service writes is private to it, under the default umask 022 that made the store world-readable:
// folders 0700 and files 0600 (the SQLite database and its -wal/-shm, the API token, logs, stored invoices,
// pending copies, quarantine), 0750/0640 with paths.group_readable; an older install's folders and database are
// narrowed at start. The systemd unit sets UMask=0027.
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { REPO, startService, tempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

let service: RunningService | null = null;
afterEach(async () => {
  await service?.stop();
  service = null;
});

/** Every folder and file under `dirs`, as `relative path → octal mode` (symlinks left out: their mode means nothing). */
function modes(root: string, dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string): void => {
    const s = lstatSync(path);
    if (s.isSymbolicLink()) return;
    out.set(relative(root, path) + (s.isDirectory() ? '/' : ''), (s.mode & 0o7777).toString(8));
    if (s.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  for (const dir of dirs) walk(join(root, dir));
  return out;
}

/** Sends a stamped CFDI (ok), an unstamped one (review: a pending copy) and an executable named .pdf (quarantine). */
async function storeInvoices(s: RunningService): Promise<void> {
  const body = new FormData();
  const add = (name: string, bytes: Buffer): void => body.append('files', new Blob([new Uint8Array(bytes)]), name);
  add('real.xml', readFileSync(join(REPO, 'test/fixtures/cfdi/cfdi40-real.xml')));
  add('unstamped.xml', readFileSync(join(REPO, 'test/fixtures/cfdi/created-with-discounts-40.xml')));
  add('factura.pdf', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(2000, 1)]));
  const headers = { authorization: `Bearer ${s.token()}` };
  const res = await fetch(`${s.url}/batches`, { method: 'POST', headers, body });
  expect(res.status, await res.clone().text()).toBe(200);
  const { batch_id: batch } = (await res.json()) as { batch_id: string };
  await eventually(
    async () =>
      ((await (await fetch(`${s.url}/batches/${batch}`, { headers })).json()) as { is_complete: boolean }).is_complete,
    'batch done',
    30_000,
  );
}

function expectOnly(found: Map<string, string>, folder: string, file: string): void {
  const wrong = [...found].filter(([path, mode]) => mode !== (path.endsWith('/') ? folder : file));
  expect(wrong, `not ${folder}/${file}`).toEqual([]);
}

describe('file and folder modes under umask 022', () => {
  test('a fresh start and stored invoices: folders 0700, files 0600, the store included', async () => {
    service = await startService({ umask: '022', env: { CENTINELA_QUEUE_POLL_MS: '100' } });
    await storeInvoices(service);
    const found = modes(service.cwd, ['data', 'logs', 'media']);
    // What must be there, so that a missing one cannot pass unseen.
    for (const path of [
      'data/',
      'data/centinela.db',
      'data/centinela.db-wal',
      'data/centinela.db-shm',
      'data/api-token',
      'logs/',
      'media/',
      'data/incoming/',
      'data/pending/',
      'data/quarantine/',
    ]) {
      expect(found.has(path), `${path} in ${[...found.keys()].join(', ')}`).toBe(true);
    }
    expect([...found.keys()].some((p) => /^logs\/centinela\.\d+\.log$/.test(p))).toBe(true);
    expect([...found.keys()].some((p) => /^data\/incoming\/.+\.xml$/.test(p))).toBe(true);
    expect([...found.keys()].some((p) => /^data\/pending\/.+\.json$/.test(p))).toBe(true);
    expect([...found.keys()].some((p) => /^data\/quarantine\/.+factura\.pdf$/.test(p))).toBe(true);
    expectOnly(found, '700', '600');
  });

  test('with paths.group_readable the group may read: folders 0750, files 0640', async () => {
    service = await startService({
      umask: '022',
      env: { CENTINELA_PATHS_GROUP_READABLE: 'true', CENTINELA_QUEUE_POLL_MS: '100' },
    });
    await storeInvoices(service);
    const found = modes(service.cwd, ['data', 'logs', 'media']);
    expect(found.get('data/centinela.db')).toBe('640');
    // The API token is a secret: its user's alone either way.
    expect(found.get('data/api-token')).toBe('600');
    found.delete('data/api-token');
    expectOnly(found, '750', '640');
  });

  test('an older install made under umask 022 is narrowed at start, and says so', async () => {
    const cwd = tempDir('centinela-modes-');
    for (const dir of ['data', 'logs', 'media']) {
      mkdirSync(join(cwd, dir));
      chmodSync(join(cwd, dir), 0o755);
    }
    writeFileSync(join(cwd, 'data/centinela.db'), '');
    chmodSync(join(cwd, 'data/centinela.db'), 0o644);
    service = await startService({ cwd, umask: '022' });
    const found = modes(cwd, ['data', 'logs', 'media']);
    expect(found.get('data/')).toBe('700');
    expect(found.get('data/centinela.db')).toBe('600');
    expectOnly(found, '700', '600');
    await service.waitForLine(
      (l) => l.includes('made files of an older install private') && l.includes('centinela.db 644'),
    );
  });

  test('the systemd unit sets UMask=0027', () => {
    expect(readFileSync(join(REPO, 'config/centinela.service'), 'utf8')).toMatch(/^UMask=0027$/m);
  });
});

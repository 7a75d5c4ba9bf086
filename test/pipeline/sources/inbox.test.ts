// The inbox folder source: files already there at start, a file renamed in, a file written slowly, and a
// restart with files kept in place (never taken twice).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../../src/main.ts';
import type { Service } from '../../../src/main.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { REPO, tempDir } from '../../support/service.ts';
import { eventually } from '../../support/stores.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
let service: Service | null = null;

afterEach(async () => {
  await service?.stop('test over');
  service = null;
});

async function start(dir: string, after: 'move' | 'keep' = 'move'): Promise<Service> {
  service = await startService({
    cwd: dir,
    env: {
      CENTINELA_HTTP_PORT: '0',
      CENTINELA_LOG_STDOUT: 'false',
      CENTINELA_QUEUE_POLL_MS: '100',
      CENTINELA_INVOICES_INBOX: 'inbox',
      CENTINELA_INVOICES_INBOX_AFTER: after,
      CENTINELA_INVOICES_INBOX_STABLE_SECONDS: '1',
      CENTINELA_INVOICES_INBOX_RESCAN_SECONDS: '5',
    },
  });
  return service;
}

async function inboxFiles(s: Service): Promise<Array<{ sha256: string | null; file_name: string | null }>> {
  return new IntakeRecords(s.store).db
    .selectFrom('files')
    .select(['sha256', 'file_name'])
    .where('source', '=', 'inbox')
    .execute();
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const today = (): string => new Date().toISOString().slice(0, 10);

describe('inbox folder', () => {
  it('takes files present at start and renamed in later, and archives them', async () => {
    const dir = tempDir('centinela-inbox-');
    mkdirSync(join(dir, 'inbox'));
    const early = readFileSync(join(FIXTURES, 'cfdi33-real.xml'));
    writeFileSync(join(dir, 'inbox/early.xml'), early);
    const s = await start(dir);
    await eventually(async () => (await inboxFiles(s)).length === 1, 'file present at start taken');

    const late = readFileSync(join(FIXTURES, 'cfdi40-real.xml'));
    writeFileSync(join(dir, 'late.xml.tmp'), late);
    renameSync(join(dir, 'late.xml.tmp'), join(dir, 'inbox/late.xml'));
    await eventually(async () => (await inboxFiles(s)).length === 2, 'renamed file taken');
    expect(new Set((await inboxFiles(s)).map((f) => f.sha256))).toEqual(new Set([sha(early), sha(late)]));
    await eventually(
      () => readdirSync(join(dir, 'inbox')).filter((f) => f !== 'archive').length === 0,
      'inbox emptied',
    );
    expect(readdirSync(join(dir, 'inbox/archive', today())).sort()).toEqual(['early.xml', 'late.xml']);
    await eventually(
      async () => (await s.queue.list({ queue: 'invoice.process', states: ['done'] })).length === 2,
      'both processed',
    );
  });

  it('waits for a file that is still being written, and takes it whole', async () => {
    const dir = tempDir('centinela-inbox-');
    const s = await start(dir);
    const bytes = readFileSync(join(FIXTURES, 'cfdi40-valid.xml'));
    const fd = openSync(join(dir, 'inbox/slow.xml'), 'w');
    writeSync(fd, bytes, 0, 100);
    await new Promise((r) => setTimeout(r, 400)); // less than the stability window
    writeSync(fd, bytes, 100, bytes.length - 100);
    closeSync(fd);
    await eventually(async () => (await inboxFiles(s)).length === 1, 'slow file taken', 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    const files = await inboxFiles(s);
    expect(files).toHaveLength(1);
    expect(files[0]?.sha256).toBe(sha(bytes));
  });

  it('never takes a kept file twice, across a restart', async () => {
    const dir = tempDir('centinela-inbox-');
    mkdirSync(join(dir, 'inbox'));
    writeFileSync(join(dir, 'inbox/kept.xml'), readFileSync(join(FIXTURES, 'cfdi33-valid.xml')));
    let s = await start(dir, 'keep');
    await eventually(async () => (await inboxFiles(s)).length === 1, 'taken');
    await s.stop('restart');
    s = await start(dir, 'keep');
    await s.queue.maintain();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inboxFiles(s)).toHaveLength(1);
    expect(existsSync(join(dir, 'inbox/kept.xml'))).toBe(true);
  });
});

// quarantine_refetch through the real intake: a stored file gone corrupt moves to data/quarantine with its meta
// file and is downloaded again by the intake's own download job; without an intake record it is only quarantined.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import type { Repairs } from '../../../src/monitor/actions/index.ts';
import type { Finding } from '../../../src/monitor/types.ts';
import { pipelineFollowers } from '../../../src/followers.ts';
import { DOWNLOAD_QUEUE, Intake } from '../../../src/pipeline/intake/index.ts';
import type { FileRow } from '../../../src/pipeline/intake/index.ts';
import { testRepairs } from '../../support/repairs.ts';
import { tempDir } from '../../support/service.ts';
import { createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const GOOD = '\0\0\0\x18ftypisom\0\0\x02\0isomiso2mp41 the real video bytes'; // an MP4's first box: the intake checks a video's bytes

function corrupt(path: string, attempts = 1): Finding {
  return {
    rule: 'corrupt_file',
    errorType: 'corrupt_file',
    severity: 'warning',
    target: path,
    message: `moov atom not found in ${path}`,
    fields: { path, model: 'victor' },
    action: { type: 'quarantine_refetch', params: {}, attempts, backoffMs: [1000] },
    notify: 'on_failure',
  };
}

describe('quarantine_refetch', () => {
  let t: TestStore;
  let queue: Queue;
  let dir: string;
  let media: string;
  let data: string;
  let intake: Intake;
  let repairs: Repairs;
  let locatorDown: boolean;

  beforeEach(async () => {
    t = await createTestStore('sqlite');
    queue = await testQueue(t.store);
    dir = tempDir('centinela-refetch-');
    media = join(dir, 'media');
    data = join(dir, 'data');
    await mkdir(media);
    await mkdir(join(dir, 'botapi'));
    await writeFile(join(dir, 'botapi', 'clip.mp4'), GOOD);
    const config = configSchema.parse({ paths: { data, media }, disk: { critical_free: '1m' } });
    intake = new Intake(config, t.store, queue, pipelineFollowers(config, t.store));
    // The local Bot API server's copy of every file: what a download reads.
    locatorDown = false;
    intake.work(
      {
        locate: async () => {
          if (locatorDown) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
          return { kind: 'local', path: join(dir, 'botapi', 'clip.mp4') };
        },
      },
      { tell: async () => undefined, send: async () => {}, alertAdmins: async () => {}, text: (_l, key) => key },
    );
    repairs = await testRepairs({
      store: t.store,
      queue,
      allowedRoots: [media],
      dataDir: data,
      breaker: { maxRepairs: 10, windowMs: 60_000, healthyForMs: 60_000 },
      sleep: async () => {},
    });
  });

  afterEach(async () => {
    await queue.stop(1000);
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function receive(updateId = 1001): Promise<FileRow> {
    const { file } = await intake.receive(
      {
        source: 'telegram',
        kind: 'video',
        purpose: 'video',
        senderId: 42,
        senderName: 'Victor',
        chatId: 42,
        messageId: updateId,
        updateId,
        mediaGroupId: null,
        telegramFileId: 'BAACAgEAAxkBAAI',
        telegramFileUniqueId: `AgAD${updateId}`,
        fileName: 'clip.mp4',
        mimeType: 'video/mp4',
        size: GOOD.length,
        folder: 'victor',
      },
      'es',
    );
    return file;
  }

  async function storedVideo(): Promise<FileRow> {
    const row = await receive();
    let stored: FileRow | undefined;
    await eventually(
      async () => (stored = await intake.records.file(row.id))?.state === 'stored',
      'the file is stored',
    );
    return stored as FileRow;
  }

  it('retry_job on a download that gave up opens its file again and checks that it arrived', async () => {
    locatorDown = true;
    const row = await receive();
    let job = (await queue.list({ queue: DOWNLOAD_QUEUE.name }))[0];
    await eventually(
      async () => (job = await queue.get(job?.id ?? 0))?.state === 'dead',
      'the download gave up',
      30_000,
    );
    expect((await intake.records.file(row.id))?.state).toBe('failed');
    locatorDown = false;
    const id = job?.id ?? 0;
    const out = await repairs.run(
      {
        ...corrupt('-'),
        rule: 'download_timeout',
        target: String(id),
        fields: { job_id: String(id) },
        action: { type: 'retry_job', params: {}, attempts: 3, backoffMs: [1000] },
      },
      async () => {},
    );
    expect(out).toMatchObject({ result: 'repaired', attempts: 1 });
    expect(out.detail).toContain(`intake file #${row.id} is stored`);
    const after = await intake.records.file(row.id);
    expect(after?.state).toBe('stored');
    expect(await readFile(after?.path as string, 'utf8')).toBe(GOOD);
  });

  it('moves the corrupt file to quarantine with its meta file and downloads it again', async () => {
    const row = await storedVideo();
    const path = row.path as string;
    await writeFile(path, 'garbage');
    const out = await repairs.run(corrupt(path), async () => {});
    expect(out.detail).toMatch(/^moved to .*quarantine.*; fetched again: /);
    expect(out).toMatchObject({ result: 'repaired', attempts: 1 });

    const quarantined = (await readdir(join(data, 'quarantine'))).sort();
    expect(quarantined).toHaveLength(2);
    const [moved, meta] = quarantined as [string, string];
    expect(moved).toMatch(/^\d{8}T\d{6}Z_.*\.mp4$/);
    expect(meta).toBe(`${moved}.meta.json`);
    expect(await readFile(join(data, 'quarantine', moved), 'utf8')).toBe('garbage');
    const info = JSON.parse(await readFile(join(data, 'quarantine', meta), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({
      fileId: row.id,
      originalPath: path,
      fileName: 'clip.mp4',
      sender: 'Victor',
      error: `moov atom not found in ${path}`,
      by: 'monitor',
    });

    const after = await intake.records.file(row.id);
    expect(after?.state).toBe('stored');
    expect(await readFile(after?.path as string, 'utf8')).toBe(GOOD);
    expect(out.detail).toContain(after?.path as string);
  });

  it('only quarantines a file no intake record knows, says why, and does not try again', async () => {
    await mkdir(join(media, 'victor'));
    const stray = join(media, 'victor', 'stray.mp4');
    await writeFile(stray, 'junk');
    const out = await repairs.run(corrupt(stray, 3), async () => {});
    expect(out).toMatchObject({ result: 'failed', attempts: 1 });
    expect(out.detail).toMatch(
      new RegExp(
        `^moved to .*quarantine/\\d{8}T\\d{6}Z_stray\\.mp4; cannot fetch again: no intake record for ${stray.replace(/[.]/g, '\\.')}$`,
      ),
    );
    expect(existsSync(stray)).toBe(false);
    expect((await readdir(join(data, 'quarantine'))).length).toBe(2);
  });

  it('quarantines an uploaded file but cannot fetch it again (no Telegram file id)', async () => {
    const path = join(media, 'upload.pdf');
    await writeFile(path, 'broken pdf');
    const { files } = await intake.records.recordUpload({ source: 'http', purpose: 'invoice', tags: {} }, [
      {
        kind: 'document',
        fileName: 'upload.pdf',
        mimeType: 'application/pdf',
        size: 10,
        path,
        sha256: 'ab'.repeat(32),
      },
    ]);
    const out = await repairs.run(corrupt(path), async () => {});
    expect(out.result).toBe('failed');
    expect(out.detail).toContain(
      `cannot fetch again: intake file #${files[0]?.id} came from http without a Telegram file id`,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a path outside the roots and moves nothing', async () => {
    const elsewhere = join(dir, 'botapi', 'clip.mp4');
    const out = await repairs.run(corrupt(elsewhere), async () => {});
    expect(out.result).toBe('refused');
    expect(await readFile(elsewhere, 'utf8')).toBe(GOOD);
    expect(existsSync(join(data, 'quarantine'))).toBe(false);
  });
});

// The Drive source under faults and in its other modes: rate limits and 5xx retried, a cut download fetched again
// and its checksum checked, a file Drive refuses recorded with its reason and retried, modified_time mode with
// MAX_OK_TIME (and what it misses), dry run, --reset-state and two runs at once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { loadDrive } from '../../../../src/pipeline/sources/index.ts';
import { driveHarness } from '../../../support/drive.ts';
import type { DriveHarness } from '../../../support/drive.ts';
import { STORE_KINDS } from '../../../support/stores.ts';

let h: DriveHarness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const tokenRow = async (x: DriveHarness): Promise<string | undefined> =>
  (
    await x.ts.store.db
      .selectFrom('sync_state' as never)
      .select(['value' as never])
      .where('key' as never, '=', 'changes.token:user' as never)
      .executeTakeFirst()
  )?.['value' as never];

describe.each(STORE_KINDS)('Drive faults and modes (%s)', (kind) => {
  test('429, rate-limit 403 and 5xx are retried; a cut download is fetched again and its checksum checked', async () => {
    h = await driveHarness(kind);
    const body = Buffer.alloc(200_000, 7);
    const id = h.fake.addFile({ name: 'big.pdf', parent: h.root, content: body });
    h.fake.fail({ status: 429, path: /startPageToken/ });
    h.fake.fail({ status: 403, reason: 'userRateLimitExceeded', path: /\/files\?/ });
    h.fake.fail({ status: 503, path: /\/files\?/ });
    h.fake.fail({ status: 403, reason: 'rateLimitExceeded', path: /alt=media/ });
    h.fake.cutNextDownload(id);
    const run = await h.sync();
    expect(run.metrics.critical).toBeNull();
    expect(run.exitCode).toBe(0);
    const [file] = await h.taken();
    expect(file?.sha256).toBe(sha(body));
    expect(readFileSync(file?.path ?? '').equals(body)).toBe(true);
    const media = h.fake.requests.filter((r) => r.query['alt'] === 'media');
    expect(media.map((r) => r.status)).toEqual([403, 200, 200]); // rate limited, cut short, whole
    expect(run.metrics.drive_api_calls_total).toBe(h.fake.apiCalls());
  });

  test('a file Drive refuses is recorded with its reason (exit 2), and taken by the next run', async () => {
    h = await driveHarness(kind);
    const good = h.fake.addFile({ name: 'good.pdf', parent: h.root, content: 'good' });
    const bad = h.fake.addFile({ name: 'bad.pdf', parent: h.root, content: 'bad' });
    h.fake.fail({
      status: 403,
      reason: 'cannotDownloadAbusiveFile',
      path: new RegExp(`${bad}\\?alt=media`),
      times: 10,
    });
    const run = await h.sync();
    expect(run.exitCode).toBe(2);
    expect(run.metrics.download_errors).toBe(1);
    expect(run.metrics.errors).toEqual([
      { file_id: bad, name: 'bad.pdf', reason: expect.stringContaining('403 cannotDownloadAbusiveFile') },
    ]);
    expect((await h.taken()).map((f) => f.file_name)).toEqual(['good.pdf']);
    expect(good).toBeTruthy();
    h.fake.clearFaults();
    const next = await h.sync();
    expect(next.exitCode).toBe(0);
    expect((await h.taken()).map((f) => f.file_name)).toEqual(['good.pdf', 'bad.pdf']);
  });

  test('modified_time: a failing file holds MAX_OK_TIME before it and is taken next run; a file moved in is missed', async () => {
    h = await driveHarness(kind, { mode: 'modified_time', window_minutes: 0 });
    const { fake, root } = h;
    fake.addFile({ name: 'a.pdf', parent: root, content: 'a', modifiedTime: '2026-01-01T00:00:00.000Z' });
    const bad = fake.addFile({ name: 'b.pdf', parent: root, content: 'b', modifiedTime: '2026-01-02T00:00:00.000Z' });
    fake.addFile({ name: 'c.pdf', parent: root, content: 'c', modifiedTime: '2026-01-03T00:00:00.000Z' });
    fake.fail({ status: 404, path: new RegExp(`${bad}\\?alt=media`) });
    const first = await h.sync();
    expect(first.exitCode).toBe(2);
    expect(first.metrics.last_sync_time_after).toBe('2026-01-01T00:00:00.000Z');
    expect((await h.taken()).map((f) => f.file_name)).toEqual(['a.pdf', 'c.pdf']);
    const second = await h.sync();
    expect(second.exitCode).toBe(0);
    expect(second.metrics.last_sync_time_before).toBe('2026-01-01T00:00:00.000Z');
    expect(second.metrics.last_sync_time_after).toBe('2026-01-03T00:00:00.000Z');
    expect((await h.taken()).map((f) => f.file_name)).toEqual(['a.pdf', 'c.pdf', 'b.pdf']); // c not taken twice

    const outside = fake.addFolder({ name: 'Otros' });
    const moved = fake.addFile({ name: 'moved.pdf', parent: outside, modifiedTime: '2025-06-01T00:00:00.000Z' });
    fake.move(moved, root);
    await h.sync();
    expect((await h.taken()).map((f) => f.file_name)).not.toContain('moved.pdf'); // why changes is the default
    const changes = await h.sync({ mode: 'changes' });
    expect(changes.exitCode).toBe(0);
    expect((await h.taken()).map((f) => f.file_name)).toContain('moved.pdf');
  });

  test('a dry run lists what would be taken and changes nothing; --reset-state lists again without duplicates', async () => {
    h = await driveHarness(kind);
    h.fake.addFile({ name: 'a.pdf', parent: h.root, content: 'a' });
    h.fake.addFile({ name: 'b.csv', parent: h.root, content: 'x,y' });
    const dry = await h.sync({ dryRun: true });
    expect(dry.wouldTake.map((f) => f.name).sort()).toEqual(['a.pdf', 'b.csv']);
    expect(await h.taken()).toEqual([]);
    expect(await tokenRow(h)).toBeUndefined();
    await h.sync();
    expect(await tokenRow(h)).toBeDefined();
    expect((await h.taken()).length).toBe(2);
    h.fake.addFile({ name: 'c.pdf', parent: h.root, content: 'c' });
    const reset = await h.sync({ resetState: true });
    expect(reset.exitCode).toBe(0);
    expect(reset.metrics.drive_items_listed_total).toBe(3); // the whole folder listed again
    expect(reset.metrics.files_downloaded).toBe(1);
    expect((await h.taken()).length).toBe(3);
  });

  test('two runs never overlap: the second is refused while the first holds the lock', async () => {
    h = await driveHarness(kind);
    for (let i = 0; i < 3; i++) h.fake.addFile({ name: `${i}.pdf`, parent: h.root, content: `${i}` });
    h.fake.setPageLatency(400);
    const { SyncBusy } = await loadDrive();
    const first = h.sync();
    await new Promise((r) => setTimeout(r, 100));
    await expect(h.sync()).rejects.toBeInstanceOf(SyncBusy);
    expect((await first).exitCode).toBe(0);
    h.fake.setPageLatency(0);
    expect((await h.sync()).exitCode).toBe(0);
  });
});

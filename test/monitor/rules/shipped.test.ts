// The shipped config/rules.yaml: its samples pass, it covers the problems our users' download monitor handled,
// and it catches the lines OUR code really writes (real logger, real queue, real grammY and fs errors).
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog } from '../../../src/core/log.ts';
import type { Log } from '../../../src/core/log.ts';
import { Queue } from '../../../src/core/queue/index.ts';
import type { Store } from '../../../src/core/store/index.ts';
import { SHIPPED_RULES, checkSamples, loadRules, toRecord } from '../../../src/monitor/rules/index.ts';
import { downloadFile } from '../../../src/pipeline/intake/store-file/index.ts';
// The message builder every failed system call of store-file goes through (not part of the folder's public face).
import { ioError } from '../../../src/pipeline/intake/store-file/errors.ts';
import { eventually } from '../../support/stores.ts';
import { REPO, freePort, tempDir } from '../../support/service.ts';
import { openSpec } from '../../support/store-spec.ts';
import { anyQueue } from '../../support/queues.ts';

const set = loadRules(SHIPPED_RULES);

describe('the shipped rules', () => {
  it('are config/rules.yaml of this repository, and every sample passes', () => {
    expect(SHIPPED_RULES).toBe(join(REPO, 'config/rules.yaml'));
    const results = checkSamples(set);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    for (const rule of set.rules) {
      expect(rule.samples.match.length, rule.id).toBeGreaterThan(0);
      expect(results.filter((r) => r.rule === rule.id)).toHaveLength(
        rule.samples.match.length + rule.samples.noMatch.length,
      );
    }
  });

  it('cover the problems of the old download monitor with the agreed repairs and alerts', () => {
    const byId = new Map(set.rules.map((r) => [r.id, r]));
    expect(byId.get('download_timeout')).toMatchObject({
      action: { type: 'retry_job', attempts: 3, backoffMs: [1000, 2000, 4000] },
      notify: 'on_failure',
    });
    expect(byId.get('folder_missing')).toMatchObject({ action: { type: 'create_folder' }, notify: 'on_failure' });
    expect(byId.get('file_corrupt')).toMatchObject({ action: { type: 'quarantine_refetch' }, notify: 'always' });
    expect(byId.get('permission_denied')).toMatchObject({ action: { type: 'fix_owner' }, notify: 'on_failure' });
    expect(byId.get('disk_full')).toMatchObject({
      action: { type: 'pause_intake' },
      severity: 'critical',
      notify: 'always',
    });
    expect(byId.get('bot_api_unreachable')).toMatchObject({
      action: { type: 'check_bot_api', params: { interval: '10s', times: 3 } },
      severity: 'critical',
      notify: 'on_failure',
    });
  });

  it('catch plain-text lines of other tools', () => {
    const cases: Array<[string, string, Record<string, string>, string?]> = [
      [
        '2026-01-05 14:30:20 ERROR download timeout for job 42 (model victor)',
        'download_timeout',
        { job_id: '42', model: 'victor' },
      ],
      [
        "Error: ENOENT: no such file or directory, open '/srv/media/victor/x.mp4'",
        'folder_missing',
        { path: '/srv/media/victor' },
      ],
      ['Error: ENOSPC: no space left on device, write', 'disk_full', {}],
      [
        '[ 0][t 2][1767623420.5][Status.h:377][!ClientManager]\tUnexpected Status [PosixError : No space left on device : 28]',
        'bot_api_unreachable',
        { container: 'telegram-bot-api-1' },
        'docker:telegram-bot-api-1',
      ],
    ];
    for (const [line, rule, fields, source] of cases) {
      const f = set.match(toRecord(line, source ?? '/var/log/other.log'));
      expect({ rule: f?.rule, fields: f?.fields }, line).toEqual({ rule, fields });
    }
  });
});

describe('the shipped rules on lines our own code writes', () => {
  let log: Log;
  const lines: string[] = [];
  let store: Store;
  let queue: Queue;
  let silent: Server;
  const dir = tempDir('centinela-rules-real-');

  beforeAll(async () => {
    log = await createLog({
      level: 'debug',
      dir: null,
      stdout: false,
      rotate: { size: 2 ** 20, keep: 1 },
      stdoutStream: { write: (l: string) => void lines.push(l) },
    });
    store = await openSpec({ kind: 'sqlite', dataDir: join(dir, 'data') });
    queue = new Queue({
      store,
      log: log.for('queue'),
      pollMs: 20,
      leaseMs: 30_000,
      maxAttempts: 1,
      backoff: { baseMs: 10, capMs: 10 },
    });
    // A server that accepts connections and never answers: a download that runs out of time.
    silent = createServer(() => {});
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
  });

  afterAll(async () => {
    await queue.stop(1000);
    await store.close();
    silent.close();
    await log.close();
  });

  const findings = (from: number) => lines.slice(from).map((l) => set.match(toRecord(l, 'logs/centinela.log')));

  it('a download job that runs out of time and of attempts: re-run by job id', async () => {
    const address = silent.address();
    if (!address || typeof address !== 'object') throw new Error('no address');
    const url = `http://127.0.0.1:${address.port}/file/bot123:abc/videos/file_1.mp4`;
    queue.work(anyQueue('intake.download'), async ({ signal }) => {
      await downloadFile({
        url,
        toDir: join(dir, 'media/victor'),
        name: 'x.mp4',
        maxBytes: 1e6,
        signal,
        timeoutMs: 200,
      });
    });
    const from = lines.length;
    const { job } = await queue.enqueue(anyQueue('intake.download'), { fileId: 1 });
    await eventually(async () => (await queue.get(job.id))?.state === 'dead', 'the download job to die');
    const found = findings(from).filter((f) => f !== null);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      rule: 'download_timeout',
      target: String(job.id),
      fields: { job_id: String(job.id) },
      action: { type: 'retry_job' },
    });
    expect(found[0]?.message).toMatch(
      /^job is dead: out of attempts: StoreFileError: the Bot API file download did not finish within/,
    );
  });

  it('store-file errors of the system calls: permission, missing folder, full disk', async () => {
    const errno = (code: string): Error => Object.assign(new Error(`${code}: system error`), { code });
    const errors = [
      ioError('creating the folder /srv/media/victor', errno('EACCES')),
      ioError('creating /srv/media/ana/20260105_143020_a1b2c3.mp4.part', errno('ENOENT')),
      ioError('writing /srv/media/ana/20260105_143020_a1b2c3.mp4.part to disk', errno('ENOSPC')),
    ];
    let next = 0;
    queue.work(anyQueue('video.process'), async () => {
      throw errors[next++];
    });
    const from = lines.length;
    for (let i = 0; i < errors.length; i++) {
      const { job } = await queue.enqueue(anyQueue('video.process'), { i });
      await eventually(async () => (await queue.get(job.id))?.state === 'dead', 'the job to die');
    }
    expect(
      findings(from)
        .filter((f) => f !== null)
        .map((f) => [f?.rule, f?.fields.path]),
    ).toEqual([
      ['permission_denied', '/srv/media/victor'],
      ['folder_missing', '/srv/media/ana'],
      ['disk_full', '/srv/media/ana/20260105_143020_a1b2c3.mp4.part'],
    ]);
  });

  it('an fs error serialised by our logger, and a Bot API server that refuses connections', async () => {
    const from = lines.length;
    const missing = join(dir, 'media/gone/x.mp4');
    await open(missing).catch((err: unknown) => log.for('videos').error({ err }, 'cannot open the video'));
    const api = new Api(`123456:${'A'.repeat(35)}`, { apiRoot: `http://127.0.0.1:${await freePort()}` });
    await api
      .getMe()
      .catch((err: unknown) =>
        log.for('bot').error({ err }, 'cannot reach the Bot API with this token: Telegram intake is off until restart'),
      );
    const found = findings(from);
    expect(found.map((f) => f && [f.rule, f.target])).toEqual([
      ['folder_missing', join(dir, 'media/gone')],
      ['bot_api_unreachable', 'bot-api'],
    ]);
    expect(found[1]?.message).not.toContain('A'.repeat(35));
  });

  it('never what a user typed, whatever the level', async () => {
    const from = lines.length;
    const said = [
      "Error: EACCES: permission denied, open '/srv/media/x.mp4'",
      'Error: ENOSPC: no space left on device, write',
      "Network request for 'getMe' failed!",
    ];
    for (const caption of said) {
      log.for('bot').info({ caption, file_name: caption }, 'video received');
      log.for('bot').error({ caption, text: caption, request_id: 'u-1' }, 'update handler failed');
    }
    expect(lines.length - from).toBe(said.length * 2);
    expect(findings(from)).toEqual(said.flatMap(() => [null, null]));
  });
});

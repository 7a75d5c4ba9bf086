// The scheduled backup: its cron schedule in the store (removed when backup.schedule is off), each attempt recorded,
// and the monitor's backup check turning a failure or an old backup into an incident, and a fresh one into healthy.
import { afterEach, describe, expect, it } from 'vitest';
import { BackupModule, lastAttempt } from '../../src/backup/index.ts';
import { configSchema } from '../../src/core/config.ts';
import { JobRecords } from '../../src/core/queue/index.ts';
import { backupCheck } from '../../src/monitor/checks/index.ts';
import { tempDir } from '../support/service.ts';
import { createTestStore, quietLog, testQueue } from '../support/stores.ts';
import type { TestStore } from '../support/stores.ts';

const DAY = 86_400_000;

describe('scheduled backups and the backup check', () => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('schedules the daily backup, records each attempt, and the check follows them', async () => {
    t = await createTestStore('sqlite');
    const dir = tempDir('centinela-backups-');
    const config = configSchema.parse({ paths: { data: t.spec.dataDir }, backup: { dir, schedule: '30 3 * * *' } });
    const queue = await testQueue(t.store);
    const log = await quietLog();
    const module = new BackupModule({ config, secrets: {}, store: t.store, queue, log, version: 'test' });
    await module.start();
    const schedules = await new JobRecords(t.store).schedules();
    expect(schedules.find((s) => s.name === 'backup')).toMatchObject({ queue: 'backup', cron: '30 3 * * *' });

    let clock = Date.now();
    const check = backupCheck({ store: t.store, dir, maxAgeMs: 2 * DAY, intervalMs: 60_000, now: () => clock });
    // Nothing yet, but the monitor has not waited max_age: healthy.
    expect(await check.run()).toEqual([{ ok: true, rule: 'backup', target: dir }]);
    clock += 3 * DAY;
    const [none] = await check.run();
    expect(none?.ok === false && none.finding.errorType).toBe('backup_stale');

    await module.backupNow();
    expect(await lastAttempt(t.store)).toMatchObject({ ok: true, error: null });
    clock = Date.now();
    expect(await check.run()).toEqual([{ ok: true, rule: 'backup', target: dir }]);
    clock += 3 * DAY;
    const [stale] = await check.run();
    expect(stale?.ok === false && stale.finding).toMatchObject({ errorType: 'backup_stale', severity: 'warning' });
    expect(stale?.ok === false && stale.finding.message).toMatch(/more than backup.max_age \(2d\)/);

    // A failure after the newest backup: critical, with its reason.
    const broken = new BackupModule({
      config: configSchema.parse({ paths: { data: t.spec.dataDir }, backup: { dir: `${dir}/\0bad` } }),
      secrets: {},
      store: t.store,
      queue,
      log,
      version: 'test',
    });
    await expect(broken.backupNow()).rejects.toThrow();
    expect(await lastAttempt(t.store)).toMatchObject({ ok: false });
    clock = Date.now();
    const [failed] = await check.run();
    expect(failed?.ok === false && failed.finding).toMatchObject({ errorType: 'backup_failed', severity: 'critical' });

    // Off: the schedule goes, so no tick is enqueued for it.
    const off = configSchema.parse({ paths: { data: t.spec.dataDir }, backup: { schedule: 'off' } });
    await new BackupModule({ config: off, secrets: {}, store: t.store, queue, log, version: 'test' }).start();
    expect((await new JobRecords(t.store).schedules()).some((s) => s.name === 'backup')).toBe(false);
    await queue.stop(1000);
  }, 60_000);
});

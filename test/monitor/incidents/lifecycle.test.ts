// The incident lifecycle through the real engine, incident store, alerts (read back from the outbox), repairs and
// breaker, on real SQLite and real PostgreSQL, with the shipped rules and a clock the test moves: one fingerprint is
// one incident whose count rises; a disk that fills pauses intake and stays one open critical incident until the
// disk check clears it; refused repairs and repeats are bounded; a target left broken is reminded of and resolved.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Queue } from '../../../src/core/queue/index.ts';
import type { Repairs } from '../../../src/monitor/actions/index.ts';
import { Alerts } from '../../../src/monitor/alerts/index.ts';
import { diskCheck } from '../../../src/monitor/checks/index.ts';
import { liftDiskPause } from '../../../src/monitor/disk-pause.ts';
import { MonitorEngine } from '../../../src/monitor/engine.ts';
import { Incidents, repairRunsSince, utcDayStart } from '../../../src/monitor/incidents/index.ts';
import type { Incident } from '../../../src/monitor/incidents/index.ts';
import { SHIPPED_RULES, loadRules, toRecord } from '../../../src/monitor/rules/index.ts';
import type { Check, CheckResult, ContainerState, DockerApi } from '../../../src/monitor/types.ts';
import { intakePaused } from '../../../src/pipeline/intake/index.ts';
import { testRepairs } from '../../support/repairs.ts';
import { tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const MiB = 1024 * 1024;
const quiet = pino({ level: 'silent' });
const RULES = loadRules(SHIPPED_RULES);

/** A container the restart action may restart: our own DockerApi seam (the Docker wire format is tested elsewhere). */
class Containers implements DockerApi {
  status = 'exited';
  restarts = 0;
  stayDown = false;
  async inspect(name: string): Promise<ContainerState> {
    return { name, status: this.status, health: null, restartCount: 0 };
  }
  async restart(): Promise<void> {
    this.restarts++;
    if (!this.stayDown) this.status = 'running';
  }
}

describe.each(STORE_KINDS)('the incident lifecycle on %s', (kind) => {
  let t: TestStore;
  let queue: Queue;
  let dir: string;
  let media: string;
  let now: number;
  let incidents: Incidents;
  let alerts: Alerts;
  let repairs: Repairs;
  let engine: MonitorEngine;
  let docker: Containers;
  let free: number;
  let disk: Check;

  beforeEach(async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    dir = tempDir('centinela-lifecycle-');
    media = join(dir, 'media');
    await mkdir(media);
    now = Date.parse('2026-01-05T14:00:00Z');
    docker = new Containers();
    free = 100 * MiB;
    incidents = new Incidents(t.store, { journal: null, now: () => now });
    alerts = new Alerts({
      store: t.store,
      log: quiet,
      chats: [1],
      groupWaitMs: 0,
      repeatMs: { critical: H, warning: 4 * H },
      now: () => now,
      lang: 'en',
    });
    repairs = await testRepairs({
      store: t.store,
      queue,
      allowedRoots: [media],
      dataDir: join(dir, 'data'),
      breaker: { maxRepairs: 3, windowMs: H, healthyForMs: 30 * MIN },
      now: () => now,
      sleep: async () => {},
      docker,
      diskLow: async () => free < 5 * MiB,
    });
    engine = new MonitorEngine({
      incidents,
      alerts,
      repairs,
      rules: RULES,
      log: quiet,
      repairsWarnAfter: 3,
      now: () => now,
      mediaRoot: media,
    });
    disk = diskCheck({
      paths: [media],
      warnFree: 20 * MiB,
      criticalFree: 5 * MiB,
      clearMargin: MiB,
      intervalMs: 1000,
      statfs: async () => ({ free, size: 1024 * MiB }),
    });
  });

  afterEach(async () => {
    await queue.stop(1000);
    await t.cleanup();
  });

  /** Lines of a watched log, handled as the tailer hands them over; waits for the repairs they start. */
  const lines = async (...texts: string[]): Promise<void> => {
    await engine.onRecords(texts.map((text) => toRecord(text, '/var/log/app.log')));
    await engine.settle();
  };
  const checkDisk = async (): Promise<CheckResult[]> => {
    const results = await disk.run();
    await engine.onCheckResults(results);
    await engine.settle();
    await liftDiskPause({ store: t.store, incidents, alerts, log: quiet }, results);
    return results;
  };
  const container = async (): Promise<void> => {
    const state = await docker.inspect('loader');
    const c = { name: 'loader', logs: false, restart: true };
    const { containerDown, containerOk } = await import('../../../src/monitor/docker/findings.ts');
    await engine.onCheckResults([state.status === 'running' ? containerOk(c) : containerDown(c, 'exited (137)')]);
    await engine.settle();
  };
  /** The texts the alerts queued in the outbox so far (after a flush). */
  const sent = async (): Promise<string[]> => {
    await alerts.flush();
    const rows = await t.store.db
      .selectFrom('outbox' as never)
      .select('text' as never)
      .orderBy('id' as never)
      .execute();
    return (rows as Array<{ text: string }>).map((r) => r.text);
  };
  const all = async (): Promise<Incident[]> => (await incidents.list({ limit: 1000 })).sort((a, b) => a.id - b.id);

  it('warning → critical, the way a disk fills: the critical action runs (intake pauses) and the admins are told it is critical (issue 11.1)', async () => {
    free = 15 * MiB;
    await checkDisk();
    expect((await sent()).join('\n')).toMatch(/disk_low/);
    free = 4 * MiB;
    await checkDisk();
    expect((await intakePaused(t.store))?.reason).toMatch(/^disk /);
    const texts = await sent();
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/CRITICAL/);
    const [incident] = await all();
    expect(incident).toMatchObject({ severity: 'critical', state: 'pending', count: 2 });
  });

  it('straight to critical: one open incident while the disk is low, told once, intake resumes when the check clears — every time (issue 11.2)', async () => {
    for (let round = 1; round <= 2; round++) {
      free = 4 * MiB;
      for (let i = 0; i < 6; i++) {
        await checkDisk();
        now += 30 * S;
      }
      expect(await intakePaused(t.store)).not.toBeNull();
      const open = await incidents.list({ open: true });
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ state: 'pending', severity: 'critical', count: 6 });
      expect((await sent()).filter((s) => /disk/.test(s))).toHaveLength(2 * round - 1);
      free = 50 * MiB;
      await checkDisk();
      expect(await intakePaused(t.store)).toBeNull();
      expect(await incidents.list({ open: true })).toEqual([]);
      const texts = await sent();
      expect(texts).toHaveLength(2 * round);
      expect(texts.at(-1)).toMatch(/resolved/);
      expect(texts.join('\n')).not.toMatch(/Repair failed|stopped/);
      now += 10 * MIN;
    }
  });

  it('an ENOSPC line pauses intake only for a path under the roots or a low disk, and the pause lifts when the disk check has room (issue 11.3)', async () => {
    await lines(
      "Error: ENOSPC: no space left on device, open '/mnt/other/x.bin'",
      'Error: ENOSPC: no space left on device, write',
    );
    expect(await intakePaused(t.store)).toBeNull();
    expect((await all()).map((i) => i.state)).toEqual(['pending']);
    await checkDisk();
    expect(await incidents.list({ open: true })).toEqual([]);

    now += 10 * MIN;
    await lines(`Error: ENOSPC: no space left on device, open '${join(media, 'victor', 'x.mp4')}'`);
    expect((await intakePaused(t.store))?.reason).toMatch(/ENOSPC/);
    await checkDisk();
    expect(await intakePaused(t.store)).toBeNull();
    expect(await incidents.list({ open: true })).toEqual([]);
    expect((await sent()).at(-1)).toMatch(/resolved/);
  });

  it('a refused repair storm is one incident whose count rises, and one message (issue 11.4, 11.7)', async () => {
    const line = "2026-01-05 14:00:00 ERROR Error: ENOENT: no such file or directory, mkdir '/etc/centinela-x'";
    for (let burst = 0; burst < 10; burst++) {
      await lines(...Array.from({ length: 100 }, () => line));
      now += S;
    }
    for (let s = 0; s < 60; s++) {
      await lines(...Array.from({ length: 10 }, () => line));
      now += S;
    }
    const found = await all();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'folder_missing', state: 'pending', count: 1600 });
    const texts = await sent();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/Repair failed[\s\S]*outside the folders/);
  });

  it('repeats of a fixable error right after its repair held are the same incident, not new repairs (issue 11.5)', async () => {
    const folders = Array.from({ length: 20 }, (_, i) => join(media, `creator${i}`));
    for (let i = 0; i < 10; i++) {
      await lines(...folders.map((f) => `Error: ENOENT: no such file or directory, scandir '${f}'`));
      now += 200;
    }
    expect(folders.every((f) => existsSync(f))).toBe(true);
    const found = await all();
    expect(found).toHaveLength(20);
    expect(found.every((i) => i.state === 'solved' && i.count === 10)).toBe(true);
    expect(await sent()).toEqual([]);
  });

  it('after the repair budget is spent a container left down stays one open incident, reminded, and resolved when it runs again (issue 12.1)', async () => {
    for (let crash = 1; crash <= 3; crash++) {
      docker.status = 'exited';
      await container();
      await container(); // running again: the check resolves it
      now += MIN;
    }
    expect(docker.restarts).toBe(3);
    docker.status = 'exited';
    await container();
    expect(docker.restarts).toBe(3);
    const news = (texts: string[]): string[] => texts.filter((t) => !/repaired \d+ times today/.test(t)); // that warning is 12.4's
    let texts = news(await sent());
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/loader/);
    for (let i = 0; i < 10; i++) {
      now += 10 * MIN;
      await container();
    }
    const open = await incidents.list({ open: true });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ target: 'loader', state: 'pending', count: 11 });
    texts = news(await sent());
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts[1]).toMatch(/Still open/);
    docker.status = 'running';
    await container();
    expect(await incidents.list({ open: true })).toEqual([]);
    expect((await sent()).at(-1)).toMatch(/resolved/);
  });

  it('quiet auto-repairs of one target: the 3rd in a day brings one warning with the count (issue 12.4)', async () => {
    for (let crash = 1; crash <= 5; crash++) {
      docker.status = 'exited';
      await container();
      await container();
      now += 25 * MIN; // under the repair budget: every repair runs and holds
    }
    expect(docker.restarts).toBe(5);
    const texts = await sent();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/loader was repaired 3 times today/);
    // What /status lists as repaired today.
    expect(await repairRunsSince(t.store, utcDayStart(now))).toEqual([{ target: 'loader', repairs: 5 }]);
  });

  it('model and video are filled from a path under the media root (issue 11.14)', async () => {
    await lines(
      `Error: EACCES: permission denied, open '${join(media, 'victor', '2026-01', 'clip.mp4')}'`,
      `Error: ENOENT: no such file or directory, mkdir '${join(media, 'ana')}'`,
    );
    const [chown, folder] = await all();
    expect(chown?.fields).toMatchObject({ model: 'victor', video: 'clip.mp4' });
    expect(folder?.fields).toMatchObject({ model: 'ana' });
  });

  it('incident numbers count incidents, not repeats (issue 12.8)', async () => {
    free = 15 * MiB;
    for (let i = 0; i < 20; i++) await checkDisk();
    await lines(
      ...Array.from({ length: 20 }, () => "Error: ENOENT: no such file or directory, mkdir '/etc/centinela-y'"),
    );
    const ids = (await all()).map((i) => i.id);
    expect(ids).toHaveLength(2);
    expect((ids[1] as number) - (ids[0] as number)).toBe(1);
  });
});

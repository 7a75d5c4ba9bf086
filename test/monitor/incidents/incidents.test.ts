// The monitor's incident store on real SQLite and real PostgreSQL: counting by fingerprint, two processes at once,
// state events and the JSON Lines journal, resolution, Retry marks, acks; and `centinela incidents`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Incidents } from '../../../src/monitor/incidents/index.ts';
import type { JournalLine } from '../../../src/monitor/incidents/index.ts';
import type { Finding } from '../../../src/monitor/types.ts';
import { runCli, tempDir } from '../../support/service.ts';
import { openSpec } from '../../support/store-spec.ts';
import { STORE_KINDS, createTestStore } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const T0 = Date.parse('2026-01-05T14:30:00Z');
const MIN = 60_000;

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'download_timeout',
    errorType: 'download_timeout',
    severity: 'warning',
    target: 'job-42',
    message: 'download timed out after 30 s',
    fields: { model: 'victor', video: 'v1.mp4', job_id: '42' },
    action: { type: 'retry_job', params: {}, attempts: 3, backoffMs: [1000, 2000, 4000] },
    notify: 'on_failure',
    ...over,
  };
}

function journal(file: string): JournalLine[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalLine);
}

describe.each(STORE_KINDS)('incidents on %s', (kind) => {
  let t: TestStore;
  let now: number;
  let file: string;
  let incidents: Incidents;

  beforeEach(async () => {
    t = await createTestStore(kind);
    now = T0;
    file = join(t.spec.dataDir, 'logs', 'incidents.jsonl');
    incidents = new Incidents(t.store, { journal: file, now: () => now });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('counts a finding on the open incident of its fingerprint, and opens a new one for another target or once closed', async () => {
    const first = await incidents.record(finding());
    expect(first.isNew).toBe(true);
    expect(first.incident).toMatchObject({
      fingerprint: 'download_timeout|job-42',
      state: 'detected',
      count: 1,
      firstSeen: T0,
      lastSeen: T0,
      action: 'retry_job',
      attempt: 0,
      maxAttempts: 3,
    });
    now += 5000;
    const again = await incidents.record(finding({ message: 'download timed out again' }));
    expect(again.isNew).toBe(false);
    expect(again.incident).toMatchObject({
      id: first.incident.id,
      count: 2,
      firstSeen: T0,
      lastSeen: T0 + 5000,
      message: 'download timed out again',
    });

    const other = await incidents.record(finding({ target: 'job-43' }));
    expect(other.isNew).toBe(true);
    expect(other.incident.id).not.toBe(first.incident.id);

    await incidents.setState(first.incident.id, 'solved');
    const reborn = await incidents.record(finding());
    expect(reborn.isNew).toBe(true);
    expect(reborn.incident.id).not.toBe(first.incident.id);
    expect((await incidents.get(first.incident.id))?.count).toBe(2);
  });

  it('keeps one incident when two store handles (two processes) record the same finding at once', async () => {
    const second = new Incidents(await t.open(), { journal: null, now: () => now });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? second : incidents).record(finding())),
    );
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect(new Set(results.map((r) => r.incident.id)).size).toBe(1);
    const all = await incidents.list();
    expect(all).toHaveLength(1);
    expect(all[0]?.count).toBe(40);
  });

  it('records every state change as a timestamped event and one journal line; counting adds none', async () => {
    const { incident } = await incidents.record(finding());
    await incidents.record(finding());
    now += 1000;
    await incidents.setState(incident.id, 'retrying', { attempt: 1, maxAttempts: 3, action: 'retry_job' });
    now += 2000;
    await incidents.setState(incident.id, 'pending', { message: 'job re-run, waiting for it' });
    now += 3000;
    const solved = await incidents.setState(incident.id, 'solved', { message: 'job 42 done' });
    expect(solved).toMatchObject({
      state: 'solved',
      resolvedAt: T0 + 6000,
      message: 'job 42 done',
      attempt: 1,
      maxAttempts: 3,
    });

    expect(await incidents.events(incident.id)).toEqual([
      { at: T0, state: 'detected', detail: 'download timed out after 30 s' },
      { at: T0 + 1000, state: 'retrying', detail: 'retry_job attempt 1/3' },
      { at: T0 + 3000, state: 'pending', detail: 'job re-run, waiting for it' },
      { at: T0 + 6000, state: 'solved', detail: 'job 42 done' },
    ]);
    const lines = journal(file);
    expect(lines.map((l) => l.state)).toEqual(['detected', 'retrying', 'pending', 'solved']);
    expect(lines[1]).toEqual({
      timestamp: new Date(T0 + 1000).toISOString(),
      id: incident.id,
      fingerprint: 'download_timeout|job-42',
      rule: 'download_timeout',
      model: 'victor',
      video: 'v1.mp4',
      error_type: 'download_timeout',
      error_message: 'download timed out after 30 s',
      action: 'retry_job',
      state: 'retrying',
      attempt: 1,
      max_attempts: 3,
      count: 2,
    });
    // No model or video among the fields: null, not absent.
    const disk = await incidents.record(
      finding({ rule: 'disk', errorType: 'disk_low', target: '/srv', fields: { path: '/srv' }, action: null }),
    );
    expect(journal(file).at(-1)).toMatchObject({
      id: disk.incident.id,
      model: null,
      video: null,
      action: null,
      max_attempts: 0,
    });
  });

  it('resolves the open incident of a rule and target, with the time it took, and only once', async () => {
    const { incident } = await incidents.record(
      finding({ rule: 'disk', errorType: 'disk_critical', target: '/srv/media', severity: 'critical', action: null }),
    );
    now += 3 * MIN;
    const solved = await incidents.resolve('disk', '/srv/media');
    expect(solved).toMatchObject({ id: incident.id, state: 'solved', resolvedAt: T0 + 3 * MIN });
    expect((solved?.resolvedAt ?? 0) - (solved?.firstSeen ?? 0)).toBe(3 * MIN);
    expect(await incidents.resolve('disk', '/srv/media')).toBeNull();
    expect(await incidents.resolve('disk', '/elsewhere')).toBeNull();
  });

  it('solves quiet incidents that have no repair running and are not watched by a check', async () => {
    const quiet = (
      await incidents.record(
        finding({ rule: 'corrupt_file', errorType: 'corrupt_file', target: 'a.mp4', action: null }),
      )
    ).incident;
    const repairing = (await incidents.record(finding({ target: 'job-7' }))).incident;
    await incidents.setState(repairing.id, 'retrying', { attempt: 1 });
    const checked = (
      await incidents.record(finding({ rule: 'disk', errorType: 'disk_low', target: '/srv', action: null }))
    ).incident;
    now += 10 * MIN;
    const fresh = (
      await incidents.record(
        finding({ rule: 'corrupt_file', errorType: 'corrupt_file', target: 'b.mp4', action: null }),
      )
    ).incident;
    now += 6 * MIN;
    const solved = await incidents.resolveQuiet(15 * MIN, ['disk']);
    expect(solved.map((i) => i.id)).toEqual([quiet.id]);
    expect(solved[0]).toMatchObject({ state: 'solved', resolvedAt: now });
    expect((await incidents.events(quiet.id)).at(-1)).toEqual({
      at: now,
      state: 'solved',
      detail: 'no new occurrence for 15 min',
    });
    const open = (await incidents.open()).map((i) => i.id);
    expect(open).toEqual([repairing.id, checked.id, fresh.id]);
    expect(await incidents.resolveQuiet(15 * MIN, ['disk'])).toEqual([]);
  });

  it('gives each Retry press to one taker only, and keeps acks', async () => {
    const { incident } = await incidents.record(finding());
    await incidents.setState(incident.id, 'failed', { message: 'still timing out' });
    expect((await incidents.requestRetry(incident.id))?.retryRequested).toBe(true);
    expect(await incidents.requestRetry(9999)).toBeNull();
    const other = new Incidents(await t.open(), { journal: null });
    const [a, b] = await Promise.all([incidents.takeRetryRequests(), other.takeRetryRequests()]);
    expect([...a, ...b].map((i) => i.id)).toEqual([incident.id]);
    expect([...a, ...b][0]?.retryRequested).toBe(false);
    expect(await incidents.takeRetryRequests()).toEqual([]);

    now += MIN;
    const acked = await incidents.ack(incident.id, 'ana');
    expect(acked).toMatchObject({ ackedBy: 'ana', ackedAt: T0 + MIN });
    expect(await incidents.ack(9999, 'ana')).toBeNull();
    await expect(incidents.ack(incident.id, '  ')).rejects.toThrow(/say who acknowledged it/);
    expect((await incidents.events(incident.id)).map((e) => e.detail)).toEqual([
      'download timed out after 30 s',
      'still timing out',
      'retry requested',
      'acknowledged by ana',
    ]);
  });

  it('lists newest first with filters, and counts incidents by type', async () => {
    const a = (await incidents.record(finding({ target: 'job-1' }))).incident;
    now += 1000;
    const b = (
      await incidents.record(
        finding({ rule: 'eacces', errorType: 'permission_denied', target: '/srv/x', action: null }),
      )
    ).incident;
    now += 1000;
    const c = (await incidents.record(finding({ target: 'job-2' }))).incident;
    await incidents.setState(c.id, 'failed');
    expect((await incidents.list()).map((i) => i.id)).toEqual([c.id, b.id, a.id]);
    expect((await incidents.list({ open: true })).map((i) => i.id)).toEqual([b.id, a.id]);
    expect((await incidents.list({ type: 'download_timeout', limit: 1 })).map((i) => i.id)).toEqual([c.id]);
    expect(await incidents.countsByType()).toEqual([
      { errorType: 'download_timeout', count: 2, open: 1 },
      { errorType: 'permission_denied', count: 1, open: 1 },
    ]);
    expect(await incidents.countsByType({ open: true })).toEqual([
      { errorType: 'download_timeout', count: 1, open: 1 },
      { errorType: 'permission_denied', count: 1, open: 1 },
    ]);
    await expect(incidents.list({ limit: 0 })).rejects.toThrow(/limit must be 1 or more/);
  });

  it('refuses bad changes with a clear error, and will not reopen an incident whose fingerprint is open again', async () => {
    const { incident } = await incidents.record(finding());
    await expect(incidents.setState(incident.id, 'exploded' as never)).rejects.toThrow(
      /unknown state.*detected, retrying/,
    );
    await expect(incidents.setState(777, 'solved')).rejects.toThrow(/incident #777 does not exist/);
    await expect(incidents.setState(incident.id, 'retrying', { attempt: -1 })).rejects.toThrow(/attempt/);
    await expect(incidents.record(finding({ rule: '' }))).rejects.toThrow(/not a valid finding.*rule/);
    await incidents.setState(incident.id, 'failed');
    const newer = await incidents.record(finding());
    await expect(incidents.setState(incident.id, 'retrying')).rejects.toThrow(
      /cannot be reopened.*another incident with its fingerprint is open/,
    );
    expect((await incidents.get(incident.id))?.state).toBe('failed');
    await incidents.setState(newer.incident.id, 'solved');
    expect((await incidents.setState(incident.id, 'retrying', { attempt: 1 })).resolvedAt).toBeNull();
  });
});

describe('the incident journal', () => {
  it('survives a write failure: the store keeps the change, the failure is logged once', async () => {
    const t = await createTestStore('sqlite');
    try {
      const blocker = join(t.spec.dataDir, 'not-a-folder');
      writeFileSync(blocker, 'x');
      const lines: string[] = [];
      const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
      const incidents = new Incidents(t.store, { journal: join(blocker, 'incidents.jsonl'), log });
      const { incident } = await incidents.record(finding());
      await incidents.setState(incident.id, 'retrying', { attempt: 1 });
      await incidents.setState(incident.id, 'solved');
      expect((await incidents.get(incident.id))?.state).toBe('solved');
      expect((await incidents.events(incident.id)).map((e) => e.state)).toEqual(['detected', 'retrying', 'solved']);
      const warnings = lines.filter((l) => l.includes('cannot write the incident journal'));
      expect(warnings).toHaveLength(1);
    } finally {
      await t.cleanup();
    }
  });
});

describe('centinela incidents', () => {
  it('prints a table with counts by type, filters, JSON, and refuses bad options', async () => {
    const cwd = tempDir('centinela-incidents-cli-');
    mkdirSync(join(cwd, 'data'), { recursive: true });
    // The first run creates and migrates the store (every migration of the service).
    const empty = await runCli(['incidents'], { cwd });
    expect(empty.stderr).toBe('');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('no incidents\n');

    const store = await openSpec({ kind: 'sqlite', dataDir: join(cwd, 'data') });
    const incidents = new Incidents(store, { journal: null });
    const a = (await incidents.record(finding())).incident;
    await incidents.record(finding());
    const b = (
      await incidents.record(
        finding({ rule: 'disk', errorType: 'disk_critical', target: '/srv/media', severity: 'critical', action: null }),
      )
    ).incident;
    await incidents.setState(b.id, 'solved');
    await store.close();

    const table = await runCli(['incidents'], { cwd });
    expect(table.code).toBe(0);
    const [header, ...rest] = table.stdout.split('\n');
    expect(header).toMatch(/^ID\s+STATE\s+SEVERITY\s+TYPE\s+COUNT\s+LAST SEEN \(UTC\)\s+TARGET\s+MESSAGE$/);
    expect(rest.find((l) => l.startsWith(`#${a.id} `))).toMatch(
      /detected\s+warning\s+download_timeout\s+2\s+.*job-42\s+download timed out after 30 s$/,
    );
    expect(rest.find((l) => l.startsWith(`#${b.id} `))).toMatch(/solved\s+critical\s+disk_critical\s+1\s/);
    expect(table.stdout).toMatch(/by type:\n\s+disk_critical\s+1 \(0 open\)\n\s+download_timeout\s+1 \(1 open\)\n$/);

    const open = await runCli(['incidents', '--open', '--json'], { cwd });
    expect(open.code).toBe(0);
    const parsed = JSON.parse(open.stdout) as Array<{ id: number; count: number; fields: Record<string, string> }>;
    expect(parsed.map((i) => i.id)).toEqual([a.id]);
    expect(parsed[0]).toMatchObject({ count: 2, fields: { model: 'victor' } });
    const typed = await runCli(['incidents', '--type', 'disk_critical', '--limit', '5'], { cwd });
    expect(typed.stdout).toContain(`#${b.id} `);
    expect(typed.stdout).not.toContain(`#${a.id} `);
    expect((await runCli(['incidents', '--open', '--type', 'nothing_like_it'], { cwd })).stdout).toBe(
      'no open incidents of type nothing_like_it\n',
    );

    const bad = await runCli(['incidents', '--limit', 'many'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit many: a whole number/);
    expect((await runCli(['incidents', '--colour'], { cwd })).code).toBe(2);
  });
});

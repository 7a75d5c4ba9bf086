// Each shipped rule end to end, through the real service (bot + monitor) and the fake Bot API: a line is appended
// to a watched log → the rule matches → the repair runs → its check confirms → the incident's state → the alert
// (or its absence) in the admin chat.
import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import { Incidents } from '../../src/monitor/index.ts';
import type { Incident } from '../../src/monitor/index.ts';
import { PermanentError } from '../../src/core/queue/index.ts';
import { sql } from 'kysely';
import { startFakeDocker } from '../fakes/docker/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { ADMIN, startBotService, textOf } from '../support/bot-service.ts';
import { cleanEnv, freePort, tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';
import { anyQueue } from '../support/queues.ts';

const IS_ROOT = process.getuid?.() === 0;

let fake: FakeBotApi;
let service: Service;
let dir: string;
let appLog: string;
let media: string;
let incidents: Incidents;

const adminMessages = (): string[] =>
  fake
    .sent(ADMIN.id)
    .filter((c) => c.method === 'sendMessage')
    .map(textOf);

async function incidentOf(rule: string, states: readonly string[]): Promise<Incident> {
  let found: Incident | undefined;
  await eventually(
    async () => {
      found = (await incidents.list({ limit: 100 })).find((i) => i.rule === rule && states.includes(i.state));
      return found !== undefined;
    },
    `an incident of ${rule} in ${states.join('|')}`,
    20_000,
  );
  return found as Incident;
}

function logLine(line: string): void {
  appendFileSync(appLog, `${line}\n`);
}

beforeAll(async () => {
  fake = await startFakeBotApi();
  dir = tempDir('centinela-monitor-e2e-');
  appLog = join(dir, 'app.log');
  writeFileSync(appLog, '');
  ({ service } = await startBotService(
    fake,
    {
      CENTINELA_ALERTS_GROUP_WAIT: '200ms',
      CENTINELA_MONITOR_FROM: 'beginning',
      CENTINELA_MONITOR_OWNER: '65534:65534',
      CENTINELA_MONITOR_LOGS: JSON.stringify([appLog]),
    },
    dir,
  ));
  media = service.config.paths.media;
  incidents = new Incidents(service.store, { journal: null });
}, 60_000);

afterAll(async () => {
  await service?.stop('test done');
  await fake?.close();
});

describe('the shipped rules, end to end', () => {
  test('missing folder under the media root: created, solved, no alert', async () => {
    const folder = join(media, 'victor', '2026-11');
    logLine(`2026-11-22 10:00:00 ERROR Error: ENOENT: no such file or directory, mkdir '${folder}'`);
    const incident = await incidentOf('folder_missing', ['solved']);
    expect(statSync(folder).isDirectory()).toBe(true);
    expect(incident.action).toBe('create_folder');
    await new Promise((r) => setTimeout(r, 600)); // past group_wait: an alert would be out by now
    expect(adminMessages().some((t) => t.includes('folder_missing'))).toBe(false);
  });

  test('a missing folder outside the allowed roots is refused, and the admins are told', async () => {
    logLine(
      `2026-11-22 10:00:01 ERROR Error: ENOENT: no such file or directory, mkdir '/etc/centinela-should-not-exist'`,
    );
    // Refused: the incident stays open (pending) and the admins are told (issue 11.7).
    const incident = await incidentOf('folder_missing', ['pending']);
    expect(incident.message).toMatch(/allowed|roots|outside the folders/i);
    expect(existsSync('/etc/centinela-should-not-exist')).toBe(false);
    await fake.waitFor((c) => c.method === 'sendMessage' && textOf(c).includes('folder_missing'), 10_000);
  });

  test('permission denied: chown to monitor.owner within the roots', async () => {
    const folder = join(media, 'ana');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'a.mp4');
    writeFileSync(file, 'x');
    logLine(`Error: EACCES: permission denied, open '${file}'`);
    if (IS_ROOT) {
      await incidentOf('permission_denied', ['solved']);
      expect(statSync(file).uid).toBe(65534);
    } else {
      // Only root may chown: the repair fails and says so; the alert goes out because it persists.
      await incidentOf('permission_denied', ['pending']);
      await fake.waitFor((c) => c.method === 'sendMessage' && textOf(c).includes('permission_denied'), 10_000);
    }
  });

  test('disk full (ENOSPC) under the media root: intake pauses and a critical alert goes out', async () => {
    logLine(`Error: ENOSPC: no space left on device, open '${join(media, 'victor', 'big.mp4')}'`);
    await incidentOf('disk_full', ['pending', 'solved']);
    // The next disk check (room here) lifts the pause, so it may be over already; its trace is in the events.
    const incident = await incidentOf('disk_full', ['pending', 'solved']);
    expect((await incidents.events(incident.id)).some((e) => /intake (?:was )?paused/.test(e.detail ?? ''))).toBe(true);
    const alert = await fake.waitFor((c) => c.method === 'sendMessage' && textOf(c).includes('disk_full'), 10_000);
    expect(alert.params.chat_id).toBe(ADMIN.id);
  });

  test('corrupt file: moved to quarantine, and the admins are told', async () => {
    const folder = join(media, 'victor');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, '20261122_100000_abcdef.mp4');
    writeFileSync(file, 'not a video');
    logLine(`${file}: Invalid data found when processing input`);
    await incidentOf('file_corrupt', ['solved', 'pending']);
    expect(existsSync(file)).toBe(false);
    const quarantined = readdirSync(join(service.config.paths.data, 'quarantine'));
    expect(quarantined.some((n) => n.endsWith('20261122_100000_abcdef.mp4'))).toBe(true);
    await fake.waitFor((c) => c.method === 'sendMessage' && textOf(c).includes('file_corrupt'), 10_000);
  });

  test('download timeout: the dead job runs again and the incident is solved without an alert', async () => {
    let runs = 0;
    service.queue.work(anyQueue('test.download'), async () => {
      runs++;
      if (runs === 1) throw new PermanentError('the file download did not finish within 300 s');
    });
    const { job } = await service.queue.enqueue(anyQueue('test.download'), {}, { maxAttempts: 1 });
    await eventually(
      async () => ['failed', 'dead'].includes((await service.queue.get(job.id))?.state ?? ''),
      `job ${job.id} failed`,
    );
    logLine(`2026-11-22 10:00:02 ERROR download timeout for job ${job.id} (model victor)`);
    const incident = await incidentOf('download_timeout', ['solved']);
    expect(incident.fields.model).toBe('victor');
    expect((await service.queue.get(job.id))?.state).toBe('done');
    expect(runs).toBe(2);
    expect(adminMessages().some((t) => t.includes('download_timeout'))).toBe(false);
  });

  test('download timeout that keeps failing: 3 tries, then the admins are told', async () => {
    let runs = 0;
    service.queue.work(anyQueue('test.download-broken'), async () => {
      runs++;
      throw new PermanentError('the file download did not finish within 300 s');
    });
    const { job } = await service.queue.enqueue(anyQueue('test.download-broken'), {}, { maxAttempts: 1 });
    await eventually(
      async () => ['failed', 'dead'].includes((await service.queue.get(job.id))?.state ?? ''),
      `job ${job.id} failed`,
    );
    logLine(`2026-11-22 10:00:03 ERROR download timeout for job ${job.id}`);
    const incident = await incidentOf('download_timeout', ['pending']);
    expect(incident.attempt).toBe(3);
    expect(runs).toBe(4); // the first run, then one per repair attempt
    await fake.waitFor((c) => c.method === 'sendMessage' && textOf(c).includes('download_timeout'), 10_000);
  }, 30_000);

  test('Bot API server unreachable: getMe answers, so the incident is solved quietly', async () => {
    logLine(
      `{"level":"ERROR","component":"bot","err":{"type":"HttpError","message":"Network request for 'getMe' failed!"},"msg":"cannot reach the Bot API"}`,
    );
    await incidentOf('bot_api_unreachable', ['solved']);
    expect(adminMessages().some((t) => t.includes('bot_api'))).toBe(false);
  });

  test('a user\'s message that says "permission denied" triggers nothing', async () => {
    const before = (await incidents.list({ limit: 1000 })).length;
    logLine('{"level":"INFO","component":"bot","msg":"video received","caption":"permission denied lol"}');
    logLine(
      '{"level":"ERROR","component":"bot","msg":"update handler failed","caption":"EACCES: permission denied, open \'/etc/shadow\'"}',
    );
    // A line after them that does match proves the two were read.
    const folder = join(media, 'marker');
    logLine(`Error: ENOENT: no such file or directory, mkdir '${folder}'`);
    await eventually(() => existsSync(folder), 'the marker folder created', 20_000);
    const after = await incidents.list({ limit: 1000 });
    expect(after.length).toBe(before + 1);
    expect(after.filter((i) => i.rule === 'permission_denied' && i.target === '/etc/shadow')).toEqual([]);
  });
});

describe('storms', () => {
  test('1,000 identical errors within 10 s make at most 2 messages', async () => {
    const stormFake = await startFakeBotApi();
    const stormDir = tempDir('centinela-monitor-storm-');
    const stormLog = join(stormDir, 'app.log');
    writeFileSync(stormLog, '');
    const { service: storm } = await startBotService(
      stormFake,
      { CENTINELA_ALERTS_GROUP_WAIT: '1s', CENTINELA_MONITOR_LOGS: JSON.stringify([stormLog]) },
      stormDir,
    );
    try {
      const stormIncidents = new Incidents(storm.store, { journal: null });
      const t0 = Date.now();
      for (let i = 0; i < 10; i++) {
        appendFileSync(stormLog, 'Error: ENOSPC: no space left on device, write\n'.repeat(100));
        // Spread over 8 s, longer than group_wait: grouping alone cannot hide the storm.
        await new Promise((r) => setTimeout(r, 800));
      }
      expect(Date.now() - t0).toBeLessThan(10_000);
      // Every line was read: the disk_full incidents count 1,000 between them.
      const counted = async (): Promise<number> =>
        (await stormIncidents.list({ limit: 1000 }))
          .filter((i) => i.rule === 'disk_full')
          .reduce((n, i) => n + i.count, 0);
      await eventually(async () => (await counted()) === 1000, 'all 1,000 lines counted', 20_000);
      await new Promise((r) => setTimeout(r, 2500)); // past group_wait and the flush tick
      const alerts = stormFake
        .sent(ADMIN.id)
        .filter((c) => c.method === 'sendMessage')
        .map(textOf)
        .filter((t) => t.includes('disk_full'));
      expect(alerts.length).toBeGreaterThanOrEqual(1);
      expect(alerts.length).toBeLessThanOrEqual(2);
    } finally {
      await storm.stop('test done');
      await stormFake.close();
    }
  }, 60_000);
});

describe('the monitor alone', () => {
  test('--only monitor watches the main service from outside through its /healthz', async () => {
    const aloneDir = tempDir('centinela-monitor-alone-');
    const port = await freePort(); // nothing listens there: the main service is down
    const alone = await startService({
      cwd: aloneDir,
      only: ['monitor'],
      env: cleanEnv({
        CENTINELA_LOG_STDOUT: 'false',
        CENTINELA_MONITOR_WATCH_URL: `http://127.0.0.1:${port}/healthz`,
        CENTINELA_MONITOR_CHECK_INTERVAL: '200ms',
        CENTINELA_ALERTS_DIGEST: '08:00',
      }),
    });
    try {
      expect(alone.modules.map((m) => m.name)).toEqual(['monitor']);
      const aloneIncidents = new Incidents(alone.store, { journal: null });
      await eventually(
        async () => (await aloneIncidents.list({ open: true })).some((i) => i.errorType === 'service_down'),
        'service_down incident',
        10_000,
      );
      // The daily repair digest is a cron schedule that the monitor's process works (issue 12.4): its tick, once due, runs.
      const digest = await sql<{
        cron: string;
        tz: string;
      }>`select cron, tz from schedules where name = 'monitor.digest'`.execute(alone.store.db);
      expect(digest.rows).toEqual([{ cron: '0 8 * * *', tz: 'UTC' }]);
      await sql`update schedules set next_run_at = ${Date.now() - 1} where name = 'monitor.digest'`.execute(
        alone.store.db,
      );
      await eventually(
        async () => (await alone.queue.list({ queue: 'monitor.digest', states: ['done'] })).length === 1,
        'the digest tick to run',
        10_000,
      );
    } finally {
      await alone.stop('test done');
    }
  });
});

describe('a crash-looping container', () => {
  test('restarts stop at the repair budget, with one escalation', async () => {
    const docker = await startFakeDocker();
    docker.add({ name: 'api' });
    const loopDir = tempDir('centinela-monitor-docker-');
    const svc = await startService({
      cwd: loopDir,
      only: ['monitor'],
      env: cleanEnv({
        CENTINELA_LOG_STDOUT: 'false',
        CENTINELA_MONITOR_DOCKER_SOCKET: docker.socketPath,
        CENTINELA_MONITOR_CONTAINERS: '[{name: api, restart: true}]',
        CENTINELA_MONITOR_BREAKER_MAX_REPAIRS: '3',
        CENTINELA_MONITOR_CHECK_INTERVAL: '1h', // the events stream alone sees each crash
        CENTINELA_TELEGRAM_ADMIN_CHATS: '[1001]',
        CENTINELA_ALERTS_GROUP_WAIT: '100ms',
      }),
    });
    try {
      const loopIncidents = new Incidents(svc.store, { journal: null });
      const ofApi = async (): Promise<Incident[]> =>
        (await loopIncidents.list({ limit: 100 })).filter((i) => i.target === 'api');
      // Each crash comes after the previous restart was seen to hold.
      for (let crash = 1; crash <= 4; crash++) {
        docker.exit('api');
        await eventually(
          async () =>
            (await ofApi()).length === crash &&
            (await ofApi()).every((i) => !['detected', 'retrying'].includes(i.state)),
          `crash ${crash} handled`,
          15_000,
        );
        if (crash < 4) expect(docker.restarts.length).toBe(crash);
        docker.start('api');
      }
      // The budget is spent: the 4th crash's incident stays open (nobody has seen the container healthy since), and
      // the 5th crash counts on it instead of opening a silent one (issue 12.1).
      docker.exit('api');
      await eventually(async () => (await ofApi())[0]?.count === 2, 'crash 5 counted on the open incident', 15_000);
      expect(docker.restarts.length).toBe(3);
      const states = (await ofApi()).map((i) => i.state).reverse();
      expect(states).toEqual(['solved', 'solved', 'solved', 'pending']);
      await new Promise((r) => setTimeout(r, 1500)); // past group_wait and the flush tick
      const outbox = await sql<{ text: string }>`select text from outbox`.execute(svc.store.db);
      const aboutApi = outbox.rows.filter((r) => r.text.includes('api'));
      // The escalation, and the warning that api needed 3 repairs today (issue 12.4).
      expect(aboutApi.filter((r) => !/repaired 3 times today/.test(r.text))).toHaveLength(1);
      expect(aboutApi.filter((r) => /repaired 3 times today/.test(r.text))).toHaveLength(1);
    } finally {
      await svc.stop('test done');
      await docker.close();
    }
  }, 90_000);
});

// Maintenance windows (issue 12.5): a container stopped on purpose is neither restarted nor alerted about while its
// window lasts, /status shows the window, and it ends by itself; the CLI sets and lists windows in the store.
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { startService } from '../../../src/main.ts';
import { Incidents, Maintenance } from '../../../src/monitor/index.ts';
import { Alerts } from '../../../src/monitor/alerts/index.ts';
import { MaintenancePause } from '../../../src/monitor/maintenance/index.ts';
import { buildStatus, formatStatus } from '../../../src/status.ts';
import { startFakeDocker } from '../../fakes/docker/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import { ADMIN, STAFF, botEnv, textOf } from '../../support/bot-service.ts';
import { cleanEnv, runCli, tempDir } from '../../support/service.ts';
import { createTestStore, eventually, quietLog } from '../../support/stores.ts';

describe('maintenance windows', () => {
  test('a container in maintenance is not restarted nor alerted about; the window ends by itself', async () => {
    const docker = await startFakeDocker();
    docker.add({ name: 'loader' });
    const svc = await startService({
      cwd: tempDir('centinela-maintenance-'),
      only: ['monitor'],
      env: cleanEnv({
        CENTINELA_LOG_STDOUT: 'false',
        CENTINELA_MONITOR_DOCKER_SOCKET: docker.socketPath,
        CENTINELA_MONITOR_CONTAINERS: '[{name: loader, restart: true}]',
        CENTINELA_MONITOR_CHECK_INTERVAL: '200ms',
        CENTINELA_TELEGRAM_ADMIN_CHATS: '[1001]',
        CENTINELA_ALERTS_GROUP_WAIT: '0s',
      }),
    });
    try {
      const incidents = new Incidents(svc.store, { journal: null });
      const inspections = (): number =>
        docker.requests.filter((r) => r.path.includes('/containers/loader/json')).length;
      const w = await new Maintenance(svc.store).start(
        { target: 'loader', durationMs: 3000, reason: 'upgrading', by: 'ana' },
        ['loader'],
      );
      docker.exit('loader', 0); // stopped for the upgrade (as a crash: the strongest case)
      const seen = inspections();
      await eventually(() => inspections() >= seen + 5, 'five checks of the stopped loader');
      expect(Date.now()).toBeLessThan(w.until); // …all within the window
      expect(docker.restarts).toEqual([]);
      expect(await incidents.list({ limit: 10 })).toEqual([]);
      const outbox = await sql<{ n: number }>`select count(*) as n from outbox`.execute(svc.store.db);
      expect(Number(outbox.rows[0]?.n)).toBe(0);

      const status = formatStatus(
        await buildStatus({
          store: svc.store,
          queueStats: async () => [],
          modules: [],
          startedAt: null,
          diskPaths: [],
          log: { file: null, problem: null },
        }),
      );
      expect(status).toMatch(
        /^maintenance loader: repairs and alerts paused until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+s left\), by ana: upgrading$/m,
      );

      // The window ends by itself: the next check sees the loader down and restarts it.
      await eventually(() => docker.restarts.length === 1, 'the loader restarted after the window', 15_000);
      expect(Date.now()).toBeGreaterThanOrEqual(w.until);
      await eventually(
        async () => (await incidents.list({ limit: 10 })).some((i) => i.target === 'loader' && i.state === 'solved'),
        'the incident solved',
      );
    } finally {
      await svc.stop('test done');
      await docker.close();
    }
  }, 60_000);

  test('centinela maintenance sets, lists and ends windows, only for watched containers and probes', async () => {
    const cwd = tempDir('centinela-maintenance-cli-');
    const env = {
      CENTINELA_MONITOR_CONTAINERS: '[{name: loader}]',
      CENTINELA_MONITOR_PROBES: '[{name: scraped, kind: lines, glob: "*.jsonl"}]',
    };
    const ghost = await runCli(['maintenance', 'ghost', '1h'], { cwd, env });
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain(
      'maintenance: ghost is not a container or probe the monitor watches; it watches: loader, scraped',
    );
    const set = await runCli(['maintenance', 'scraped', '2h', 'moving', 'the', 'disk'], { cwd, env });
    expect(set.stderr).toBe('');
    expect(set.stdout).toMatch(/^maintenance of scraped until .* UTC: no repairs and no alerts/);
    const list = await runCli(['maintenance'], { cwd, env });
    expect(list.stdout).toMatch(/^scraped until .* UTC, by .*: moving the disk$/m);
    const bad = await runCli(['maintenance', 'scraped', 'soon'], { cwd, env });
    expect(bad.code).toBe(2);
    const off = await runCli(['maintenance', 'scraped', 'off'], { cwd, env });
    expect(off.stdout).toContain('maintenance of scraped ended');
    expect((await runCli(['maintenance'], { cwd, env })).stdout).toBe('no maintenance windows\n');
  }, 60_000);

  test('/maintenance in the admin chat: start, list, end; only admins; only watched targets', async () => {
    const fake = await startFakeBotApi();
    const dir = tempDir('centinela-maintenance-bot-');
    const svc = await startService({
      env: botEnv(fake, dir, { CENTINELA_MONITOR_CONTAINERS: '[{name: loader}]' }),
      cwd: dir,
      only: ['bot'],
    });
    try {
      await eventually(() => fake.polling, 'the bot polls');
      const ask = async (from: typeof ADMIN, command: string): Promise<string> => {
        const before = fake.calls.length;
        fake.command(from, command);
        return textOf(
          await fake.waitFor(
            (c) => fake.calls.indexOf(c) >= before && c.method === 'sendMessage' && c.params.chat_id === from.id,
          ),
        );
      };
      expect(await ask(ADMIN, '/maintenance')).toBe('No hay mantenimientos.');
      expect(await ask(ADMIN, '/maintenance loader')).toMatch(/^Uso: \/maintenance <contenedor o sonda> <duración>/);
      expect(await ask(ADMIN, '/maintenance ghost 1h')).toBe(
        'ghost no es un contenedor ni una sonda que vigile el monitor. Vigila: loader.',
      );
      expect(await ask(ADMIN, '/maintenance loader 2h actualizando')).toMatch(
        /^Mantenimiento de loader hasta .* UTC: ni reparaciones ni alertas/,
      );
      expect(await ask(ADMIN, '/maintenance')).toMatch(
        /^En mantenimiento \(sin reparaciones ni alertas\):\nloader hasta .* UTC, por Ana: actualizando$/,
      );
      expect((await new Maintenance(svc.store).active()).map((w) => w.target)).toEqual(['loader']);
      expect(await ask(STAFF, '/maintenance loader off')).toBe('Ese comando es solo para administradores.');
      expect(await ask(ADMIN, '/maintenance loader off')).toBe(
        'Terminó el mantenimiento de loader: reparaciones y alertas vuelven en la próxima revisión.',
      );
    } finally {
      await svc.stop('test done');
      await fake.close();
    }
  }, 60_000);

  test('reminders of an open incident of the target are muted while its window lasts; a probe is held back too', async () => {
    const t = await createTestStore('sqlite');
    try {
      let now = Date.now();
      const H = 3_600_000;
      const pause = new MaintenancePause(t.store, { now: () => now });
      const alerts = new Alerts({
        store: t.store,
        log: await quietLog(),
        chats: [1001],
        groupWaitMs: 0,
        repeatMs: { critical: H, warning: 4 * H },
        now: () => now,
        lang: 'en',
        mutedBy: async (i) => ((await pause.covering(i.target)) ? `maintenance of ${i.target}` : null),
      });
      const incidents = new Incidents(t.store, { journal: null, now: () => now });
      const finding = {
        rule: 'docker',
        errorType: 'container_down',
        severity: 'critical' as const,
        target: 'loader',
        message: 'container loader is exited',
        fields: {},
        action: null,
        notify: 'always' as const,
      };
      const { incident } = await incidents.record(finding);
      await alerts.notify(incident, 'fired');
      expect(await alerts.flush()).toBe(1);
      await new Maintenance(t.store, { now: () => now }).start(
        { target: 'loader', durationMs: 3 * H, reason: '', by: 'ana' },
        ['loader', 'loaded'],
      );
      now += H + 1000;
      expect(await alerts.flush()).toBe(0); // the 1 h reminder, muted
      const muted = await sql<{
        muted_reason: string;
      }>`select muted_reason from alert_notices where event = 'reminder'`.execute(t.store.db);
      expect(muted.rows.map((r) => r.muted_reason)).toEqual(['maintenance of loader']);
      // Findings about a target in maintenance are held back; others and healthy results pass.
      const probe = { ...finding, rule: 'probe', errorType: 'probe_stale', target: 'loaded' };
      await new Maintenance(t.store, { now: () => now }).start(
        { target: 'loaded', durationMs: H, reason: '', by: 'ana' },
        ['loader', 'loaded'],
      );
      const passed = await pause.results([
        { ok: false, finding: probe },
        { ok: false, finding: { ...probe, target: 'scraped' } },
        { ok: true, rule: 'probe', target: 'loaded' },
      ]);
      expect(passed.map((r) => (r.ok ? `ok ${r.target}` : r.finding.target))).toEqual(['scraped', 'ok loaded']);
      // After the window, the reminder goes out.
      now += 3 * H;
      expect(await alerts.flush()).toBe(1);
    } finally {
      await t.cleanup();
    }
  });
});

// `status` lists every process of the store as one line: host, pid, modules, start, last heartbeat, leases held.
import { describe, expect, it } from 'vitest';
import { buildStatus, formatStatus } from '../../src/status.ts';
import { createTestStore } from '../support/stores.ts';

describe('status of several processes', () => {
  it('groups heartbeats by process and says which one holds Telegram polling', async () => {
    const t = await createTestStore('sqlite');
    try {
      const now = Date.now();
      const beat = (worker: string, module: string, started: number) => {
        const [host = '', pid = '0'] = worker.split(':');
        return {
          id: `${worker}:${module}`,
          module,
          host,
          pid: Number(pid),
          state: 'running',
          detail: null,
          started_at: now - started,
          beat_at: now - 1000,
        };
      };
      await t.store.db
        .insertInto('heartbeats')
        .values([
          beat('host-a:101:aaaaaa', 'bot', 7_200_000),
          beat('host-a:101:aaaaaa', 'invoices', 7_200_000),
          beat('host-b:202:bbbbbb', 'invoices', 60_000),
        ])
        .execute();
      await t.store.db
        .insertInto('leases')
        .values({
          name: 'telegram.polling',
          holder: 'host-a:101:aaaaaa',
          host: 'host-a',
          pid: 101,
          acquired_at: now - 3_600_000,
          expires_at: now + 20_000,
        })
        .execute();
      const report = await buildStatus({
        store: t.store,
        queueStats: async () => [],
        modules: [],
        startedAt: null,
        diskPaths: [],
        log: { file: null, problem: null },
      });
      expect(report.instances).toEqual([
        expect.objectContaining({ host: 'host-a', pid: 101, roles: ['bot', 'invoices'], holds: ['telegram.polling'] }),
        expect.objectContaining({ host: 'host-b', pid: 202, roles: ['invoices'], holds: [] }),
      ]);
      expect(report.leases).toEqual([expect.objectContaining({ name: 'telegram.polling', host: 'host-a', pid: 101 })]);
      const text = formatStatus(report);
      expect(text).toContain(
        'process bot, invoices on host-a pid 101: running, last beat 1s ago, started 2.0h ago; holds telegram.polling',
      );
      expect(text).toContain('process invoices on host-b pid 202: running, last beat 1s ago, started 60s ago');
      expect(text).toContain(
        'telegram.polling: held by host-a pid 101 for 60m; the other processes wait and take over if it stops',
      );
      // An expired lease is nobody's.
      await t.store.db
        .updateTable('leases')
        .set({ expires_at: now - 1 })
        .execute();
      const later = await buildStatus({
        store: t.store,
        queueStats: async () => [],
        modules: [],
        startedAt: null,
        diskPaths: [],
        log: { file: null, problem: null },
      });
      expect(later.leases).toEqual([]);
      expect(formatStatus(later)).not.toContain('holds');
    } finally {
      await t.cleanup();
    }
  });
});

// Each running module writes a heartbeat row; a stale one tells another process (the monitor, `centinela status`)
// that this one died or hangs.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Module } from './module.ts';
import type { Store } from './store/index.ts';

export const HEARTBEAT_INTERVAL_MS = 15_000;

export interface ProcessBeat {
  id: string;
  module: string;
  host: string;
  pid: number;
  state: string;
  detail: string | null;
  startedAt: number;
  beatAt: number;
}

export class Heartbeats {
  readonly #store: Store;
  readonly #modules: readonly Module[];
  readonly #log: Logger;
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | null = null;

  constructor(store: Store, modules: readonly Module[], log: Logger) {
    this.#store = store;
    this.#modules = modules;
    this.#log = log;
  }

  start(): void {
    void this.beat();
    this.#timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.beat('stopped');
  }

  async beat(override?: string): Promise<void> {
    const now = Date.now();
    try {
      for (const m of this.#modules) {
        const s = m.status();
        const row = {
          id: `${hostname()}:${process.pid}:${m.name}`,
          module: m.name,
          host: hostname(),
          pid: process.pid,
          state: override ?? s.state,
          detail: s.detail ?? null,
          started_at: this.#startedAt,
          beat_at: now,
        };
        await this.#store.db
          .insertInto('heartbeats')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet({ state: row.state, detail: row.detail, beat_at: now }))
          .execute();
      }
      // Rows of processes gone for a day are history, not news.
      await this.#store.db.deleteFrom('heartbeats').where('beat_at', '<', now - 86_400_000).execute();
    } catch (err) {
      this.#log.warn({ err }, 'could not write heartbeat');
    }
  }
}

export async function readHeartbeats(store: Store): Promise<ProcessBeat[]> {
  const rows = await store.db.selectFrom('heartbeats').selectAll().orderBy('module').orderBy('beat_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    module: r.module,
    host: r.host,
    pid: r.pid,
    state: r.state,
    detail: r.detail,
    startedAt: r.started_at,
    beatAt: r.beat_at,
  }));
}

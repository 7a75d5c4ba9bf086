// Each running module writes a heartbeat row; a stale one tells another process (the monitor, `centinela status`)
// that this one died or hangs.
import { hostName } from './host.ts';
import type { Logger } from 'pino';
import type { Module } from './module.ts';
import type { Store } from './store/index.ts';

/** Often enough that a restarted process can tell within seconds that its predecessor is gone (queue/dead-workers). */
export const HEARTBEAT_INTERVAL_MS = 2_000;
/** Rows of processes gone for a day are history, not news. */
export const HEARTBEAT_KEEP_MS = 86_400_000;

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

/** The id of a module's row: the process's queue worker id (host:pid:nonce), so a restart with the same pid is another row. */
export function heartbeatId(processId: string, module: string): string {
  return `${processId}:${module}`;
}

export class Heartbeats {
  readonly #store: Store;
  readonly #modules: readonly Module[];
  readonly #log: Logger;
  readonly #processId: string;
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | null = null;
  #lastPrune = 0;

  constructor(store: Store, modules: readonly Module[], log: Logger, processId = `${hostName()}:${process.pid}`) {
    this.#store = store;
    this.#modules = modules;
    this.#log = log;
    this.#processId = processId;
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
    if (this.#modules.length === 0) return;
    try {
      // One statement for every module of the process.
      const rows = this.#modules.map((m) => {
        const s = m.status();
        return {
          id: heartbeatId(this.#processId, m.name),
          module: m.name,
          host: hostName(),
          pid: process.pid,
          state: override ?? s.state,
          detail: s.detail ?? null,
          started_at: this.#startedAt,
          beat_at: now,
        };
      });
      await this.#store.db
        .insertInto('heartbeats')
        .values(rows)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            detail: eb.ref('excluded.detail'),
            beat_at: eb.ref('excluded.beat_at'),
          })),
        )
        .execute();
      if (now - this.#lastPrune > 60_000) {
        this.#lastPrune = now;
        await this.#store.db
          .deleteFrom('heartbeats')
          .where('beat_at', '<', now - HEARTBEAT_KEEP_MS)
          .execute();
      }
    } catch (err) {
      this.#log.warn({ err }, 'could not write heartbeat');
    }
  }
}

export async function readHeartbeats(store: Store): Promise<ProcessBeat[]> {
  const rows = await store.db
    .selectFrom('heartbeats')
    .selectAll()
    .orderBy('module')
    .orderBy('beat_at', 'desc')
    .execute();
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

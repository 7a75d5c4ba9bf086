// A named lease in the store: one process at a time holds a role (Telegram long polling). A row, not a PostgreSQL
// advisory lock: it works on SQLite too, `status` can read who holds it, and a holder on a machine that vanished
// (no TCP reset, its session lingering on the server) loses it when it expires instead of when the server notices.
// Through a transaction pooler (Supabase's, port 6543) session advisory locks do not work at all.
import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import { hostName } from './host.ts';
import { pause } from './pause.ts';
import { processAlive } from './process-alive.ts';
import type { LeasesTable, Store } from './store/index.ts';

export interface LeaseRecord {
  name: string;
  holder: string;
  host: string;
  pid: number;
  acquiredAt: number;
  expiresAt: number;
}

/** Every lease not yet expired: who holds which role (for status). */
export async function readLeases(store: Store, now = Date.now()): Promise<LeaseRecord[]> {
  const rows = await store.db.selectFrom('leases').selectAll().where('expires_at', '>=', now).orderBy('name').execute();
  return rows.map(toRecord);
}

function toRecord(row: Selectable<LeasesTable>): LeaseRecord {
  return {
    name: row.name,
    holder: row.holder,
    host: row.host,
    pid: row.pid,
    acquiredAt: Number(row.acquired_at),
    expiresAt: Number(row.expires_at),
  };
}

/** Who holds `name` now (an expired row counts as nobody), or null. */
export async function leaseHolder(store: Store, name: string, now = Date.now()): Promise<LeaseRecord | null> {
  const row = await store.db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row || Number(row.expires_at) < now) return null;
  return toRecord(row);
}

/**
 * Takes or renews the lease for `holder` (a worker id, host:pid:nonce) until now + ttlMs: true when it is ours. It
 * is ours when free, expired or already ours; or when its holder was a process of this host that is gone (a
 * restart takes over at once instead of waiting out the lease).
 */
export async function acquireLease(
  store: Store,
  name: string,
  holder: string,
  ttlMs: number,
  now = Date.now(),
  alive: (pid: number) => boolean = processAlive,
): Promise<boolean> {
  // The holder's host and pid as its id names them (host:pid:nonce, the queue's worker id).
  const [host = hostName(), pidText = ''] = holder.split(':');
  const pid = /^\d+$/.test(pidText) ? Number(pidText) : process.pid;
  const values = { name, holder, host, pid, acquired_at: now, expires_at: now + ttlMs };
  const row = await store.db
    .insertInto('leases')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          host: eb.ref('excluded.host'),
          pid: eb.ref('excluded.pid'),
          acquired_at: eb
            .case()
            .when('leases.holder', '=', eb.ref('excluded.holder'))
            .then(eb.ref('leases.acquired_at'))
            .else(eb.ref('excluded.acquired_at'))
            .end(),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where((eb) => eb.or([eb('leases.holder', '=', eb.ref('excluded.holder')), eb('leases.expires_at', '<', now)])),
    )
    .returning('holder')
    .executeTakeFirst();
  if (row) return true;
  // Held by someone else: a dead process of this host gives it up now.
  const current = await store.db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
  if (!current || current.host !== host || host !== hostName()) return false;
  // Our own pid under another id: an earlier process of a restarted container (pid 1 again).
  const gone = current.pid === process.pid || !alive(current.pid);
  if (!gone) return false;
  const r = await store.db
    .updateTable('leases')
    .set({ holder, host, pid, acquired_at: now, expires_at: now + ttlMs })
    .where('name', '=', name)
    .where('holder', '=', current.holder)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives the lease up at once (a clean stop), if it is still ours. */
export async function releaseLease(store: Store, name: string, holder: string): Promise<void> {
  await store.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

export interface LeaseKeeperOptions {
  store: Store;
  name: string;
  holder: string;
  ttlMs: number;
  log: Logger;
  /** The lease is ours: start the role. */
  onAcquired(): void | Promise<void>;
  /** The lease is no longer ours (taken over, or not renewed in time): stop the role now. */
  onLost(why: string): void | Promise<void>;
  /** Another process holds it: who (for the log and status), each time that changes. */
  onWaiting?(holder: LeaseRecord | null): void;
}

/**
 * Holds a lease while the process runs: waits for it (trying every ttl/6), renews it every ttl/3, and stops the
 * role when a renewal finds it taken, or when it could not be renewed (store unreachable) before it would expire:
 * another process may take it then, and two holders must never act at once.
 */
export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  readonly #stop = new AbortController();
  #loop: Promise<void> | null = null;
  #held = false;
  /** Until when the lease is surely ours (the expiry of the last successful renewal). */
  #heldUntil = 0;

  constructor(options: LeaseKeeperOptions) {
    this.#o = options;
  }

  get held(): boolean {
    return this.#held;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Is the lease ours in the store right now? (A 409 from Telegram means a takeover only if it is not.) */
  async confirm(): Promise<boolean> {
    const h = await leaseHolder(this.#o.store, this.#o.name);
    return h?.holder === this.#o.holder;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    if (this.#held) {
      this.#held = false;
      await releaseLease(this.#o.store, this.#o.name, this.#o.holder).catch((err: unknown) =>
        this.#o.log.warn({ err }, 'could not give the lease up: another process takes it when it expires'),
      );
    }
  }

  async #run(): Promise<void> {
    const { ttlMs, log } = this.#o;
    const signal = this.#stop.signal;
    let lastSeen: string | null | undefined;
    while (!signal.aborted) {
      const now = Date.now();
      let ours = false;
      try {
        ours = await acquireLease(this.#o.store, this.#o.name, this.#o.holder, ttlMs, now);
      } catch (err) {
        if (this.#held && Date.now() < this.#heldUntil - ttlMs / 6) {
          log.warn({ err, lease: this.#o.name }, 'could not renew the lease; trying again');
          await pause(Math.max(100, ttlMs / 12), signal);
          continue;
        }
        if (!this.#held) {
          await pause(Math.max(250, ttlMs / 6), signal);
          continue;
        }
        ours = false;
      }
      if (signal.aborted) break;
      if (ours) {
        this.#heldUntil = now + ttlMs;
        if (!this.#held) {
          this.#held = true;
          lastSeen = undefined;
          await this.#o.onAcquired();
        }
        await pause(ttlMs / 3, signal);
        continue;
      }
      if (this.#held) {
        this.#held = false;
        await this.#o.onLost('the lease was taken over or could not be renewed in time');
      }
      const holder = await leaseHolder(this.#o.store, this.#o.name).catch(() => null);
      if ((holder?.holder ?? null) !== lastSeen) {
        lastSeen = holder?.holder ?? null;
        this.#o.onWaiting?.(holder);
      }
      await pause(Math.max(250, ttlMs / 6), signal);
    }
  }
}

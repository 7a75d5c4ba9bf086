// The store's named leases on real SQLite and PostgreSQL: one holder at a time, taken over when it expires or when
// its holder was a process of this host that is gone; and the keeper that holds one while a process runs.
import { afterEach, describe, expect, it } from 'vitest';
import { hostName } from '../../src/core/host.ts';
import { LeaseKeeper, acquireLease, leaseHolder, readLeases, releaseLease } from '../../src/core/lease.ts';
import type { LeaseRecord } from '../../src/core/lease.ts';
import { STORE_KINDS, createTestStore, eventually, quietLog } from '../support/stores.ts';
import type { TestStore } from '../support/stores.ts';

const TTL = 10_000;
const alive = (): boolean => true;
const dead = (): boolean => false;

describe.each(STORE_KINDS)('leases on %s', (kind) => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('one holder at a time; renewed by its holder; taken over only once it expired', async () => {
    t = await createTestStore(kind);
    const other = await t.open();
    const now = 1_000_000;
    expect(await acquireLease(t.store, 'role', 'h:1:a', TTL, now, alive)).toBe(true);
    expect(await acquireLease(other, 'role', 'h2:2:b', TTL, now + 1, alive)).toBe(false);
    // Renewed: still held from the first time, expiring later.
    expect(await acquireLease(t.store, 'role', 'h:1:a', TTL, now + 5000, alive)).toBe(true);
    const held = await leaseHolder(t.store, 'role', now + 5000);
    expect(held).toMatchObject({ holder: 'h:1:a', host: 'h', pid: 1, acquiredAt: now, expiresAt: now + 5000 + TTL });
    expect(await acquireLease(other, 'role', 'h2:2:b', TTL, now + 5000 + TTL - 1, alive)).toBe(false);
    // Expired: the other takes it, and the first can no longer renew.
    expect(await acquireLease(other, 'role', 'h2:2:b', TTL, now + 5001 + TTL, alive)).toBe(true);
    expect(await acquireLease(t.store, 'role', 'h:1:a', TTL, now + 5002 + TTL, alive)).toBe(false);
    expect(await leaseHolder(t.store, 'role', now + 5002 + TTL)).toMatchObject({
      holder: 'h2:2:b',
      acquiredAt: now + 5001 + TTL,
    });
    // Only its holder gives it up.
    await releaseLease(t.store, 'role', 'h:1:a');
    expect(await leaseHolder(t.store, 'role', now + 5002 + TTL)).not.toBeNull();
    await releaseLease(t.store, 'role', 'h2:2:b');
    expect(await leaseHolder(t.store, 'role', now + 5002 + TTL)).toBeNull();
  });

  it('is taken over at once from a process of this host that is gone, not from one that runs', async () => {
    t = await createTestStore(kind);
    const now = Date.now();
    const host = hostName();
    await t.store.db
      .insertInto('leases')
      .values({ name: 'role', holder: `${host}:4242:old`, host, pid: 4242, acquired_at: now, expires_at: now + TTL })
      .execute();
    expect(await acquireLease(t.store, 'role', `${host}:7:new`, TTL, now, alive)).toBe(false);
    expect(await acquireLease(t.store, 'role', `${host}:7:new`, TTL, now, dead)).toBe(true);
    expect(await leaseHolder(t.store, 'role')).toMatchObject({ holder: `${host}:7:new`, host, pid: 7 });
    // Another host's holder is never judged by our process table.
    await t.store.db.updateTable('leases').set({ holder: 'far:4242:x', host: 'far', pid: 4242 }).execute();
    expect(await acquireLease(t.store, 'role', `${host}:7:new`, TTL, now, dead)).toBe(false);
  });

  it('a keeper waits while another holds the lease, takes over when it is given up, and stops its role when it is taken', async () => {
    t = await createTestStore(kind);
    const log = await quietLog();
    const events: string[] = [];
    const waitingFor: Array<LeaseRecord | null> = [];
    const keeper = (who: string, store = t!.store): LeaseKeeper =>
      new LeaseKeeper({
        store,
        name: 'polling',
        holder: who,
        ttlMs: 1500,
        log,
        onAcquired: () => void events.push(`${who} acquired`),
        onLost: () => void events.push(`${who} lost`),
        onWaiting: (h) => void waitingFor.push(h),
      });
    const a = keeper('far-a:1:a');
    const b = keeper('far-b:2:b', await t.open());
    a.start();
    await eventually(() => a.held, 'a holds the lease');
    b.start();
    await eventually(() => waitingFor.length > 0, 'b says it waits');
    expect(waitingFor[0]).toMatchObject({ holder: 'far-a:1:a' });
    expect(b.held).toBe(false);
    expect((await readLeases(t.store)).map((l) => l.holder)).toEqual(['far-a:1:a']);
    // A clean stop gives it up: b takes over within a round of its wait, not the whole lease.
    await a.stop();
    await eventually(() => b.held, 'b takes over');
    expect(events).toEqual(['far-a:1:a acquired', 'far-b:2:b acquired']);
    // Someone else in the store (as after an outage longer than the lease): b stops its role at its next renewal.
    await t.store.db
      .updateTable('leases')
      .set({ holder: 'far-c:3:c', host: 'far-c', expires_at: Date.now() + 60_000 })
      .execute();
    await eventually(() => events.includes('far-b:2:b lost'), 'b gives the role up');
    expect(b.held).toBe(false);
    expect(await b.confirm()).toBe(false);
    await b.stop();
    expect((await leaseHolder(t.store, 'polling'))?.holder).toBe('far-c:3:c');
  });
});

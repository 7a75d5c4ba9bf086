// Posts on both stores: one per video, every change guarded by the state it comes from and written to the history.
import { afterEach, describe, expect, it } from 'vitest';
import { PostRecords } from '../../../src/pipeline/content/index.ts';
import { STORE_KINDS, createTestStore } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

let testStore: TestStore | null = null;
afterEach(async () => {
  await testStore?.cleanup();
  testStore = null;
});

describe.each(STORE_KINDS)('PostRecords on %s', (kind) => {
  it('creates one post per video, and finds it again on a second run', async () => {
    testStore = await createTestStore(kind);
    let now = 1000;
    const posts = new PostRecords(testStore.store, () => now);
    const first = await posts.create({ fileId: 7, creator: 'victor', target: '@chan' });
    expect(first.created).toBe(true);
    expect(first.post).toMatchObject({
      file_id: 7,
      creator: 'victor',
      state: 'captioning',
      attempts: 0,
      created_at: 1000,
    });
    now = 2000;
    const again = await posts.create({ fileId: 7, creator: 'victor', target: '@chan' });
    expect(again).toEqual({ post: first.post, created: false });
  });

  it('moves a post only from the state it is in, records each change, and counts publish calls', async () => {
    testStore = await createTestStore(kind);
    let now = 1000;
    const posts = new PostRecords(testStore.store, () => now);
    const { post } = await posts.create({ fileId: 1, creator: 'ana', target: '-1001' });
    now = 2000;
    expect(
      await posts.transition(post.id, 'captioning', 'scheduled', { caption: 'Hola', plannedAt: 5000 }, 'planned'),
    ).toBe(true);
    expect(await posts.transition(post.id, 'captioning', 'scheduled')).toBe(false);
    now = 3000;
    expect(await posts.transition(post.id, 'scheduled', 'sending', { countAttempt: true })).toBe(true);
    expect(await posts.transition(post.id, ['scheduled', 'unknown'], 'sending')).toBe(false);
    expect(await posts.transition(post.id, 'sending', 'sent', { messageId: 42 })).toBe(true);
    expect(await posts.transition(9999, 'scheduled', 'sending')).toBe(false);
    expect(await posts.get(post.id)).toMatchObject({
      state: 'sent',
      caption: 'Hola',
      planned_at: 5000,
      message_id: 42,
      attempts: 1,
      updated_at: 3000,
    });
    const history = await posts.history(post.id);
    expect(history.map((h) => [h.from_state, h.to_state, h.detail, h.at])).toEqual([
      [null, 'captioning', null, 1000],
      ['captioning', 'scheduled', 'planned', 2000],
      ['scheduled', 'sending', null, 3000],
      ['sending', 'sent', null, 3000],
    ]);
  });

  it('of two racing moves from one state, exactly one wins', async () => {
    testStore = await createTestStore(kind);
    const posts = new PostRecords(testStore.store);
    // A second connection races on PostgreSQL; node:sqlite is synchronous, so two handles in one process would only
    // wait for each other's busy timeout: there one handle serialises the transactions, as a process does.
    const other = kind === 'postgres' ? new PostRecords(await testStore.open()) : posts;
    const { post } = await posts.create({ fileId: 1, creator: 'ana', target: '-1001', state: 'scheduled' });
    const results = await Promise.all([
      posts.transition(post.id, 'scheduled', 'sending'),
      other.transition(post.id, 'scheduled', 'sending'),
      posts.transition(post.id, 'scheduled', 'cancelled'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await posts.history(post.id)).length).toBe(2);
  });

  it('lists the planned times that hold a slot and the upcoming posts', async () => {
    testStore = await createTestStore(kind);
    const posts = new PostRecords(testStore.store);
    const mk = (fileId: number, creator: string, plannedAt: number, state: 'scheduled' | 'cancelled' | 'sent') =>
      posts.create({ fileId, creator, target: '@c', plannedAt, state });
    await mk(1, 'ana', 300, 'scheduled');
    await mk(2, 'ana', 100, 'sent');
    await mk(3, 'ana', 200, 'cancelled');
    await mk(4, 'luis', 150, 'scheduled');
    await mk(5, 'ana', 50, 'scheduled');
    expect(await posts.plannedTimes('ana', 100)).toEqual([100, 300]);
    expect((await posts.upcoming(10)).map((p) => p.file_id)).toEqual([5, 4, 1]);
    expect((await posts.upcoming(10, 'ana')).map((p) => p.file_id)).toEqual([5, 1]);
  });
});

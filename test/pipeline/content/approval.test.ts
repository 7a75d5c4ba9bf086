// The approval decisions on a real store, with a fixed clock: an approval is of the exact caption shown; a late
// one takes the creator's next free slot; /caption on an approved post asks again and withdraws its publish job;
// an over-long edit waits for a shorter text.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import {
  Approvals,
  PUBLISH_QUEUE,
  PostCommands,
  PostRecords,
  captionHash,
} from '../../../src/pipeline/content/index.ts';
import type { Approver } from '../../../src/pipeline/content/index.ts';
import { STORE_KINDS, createTestStore, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

let t: TestStore | null = null;
let queue: Queue | null = null;
afterEach(async () => {
  await queue?.stop(500);
  await t?.cleanup();
  t = null;
  queue = null;
});

const NOW = Date.parse('2026-03-28T12:00:00Z'); // 13:00 in Madrid
const ANA: Approver = { by: 'Ana (telegram 1001)', userId: 1001, chatId: 1001, lang: 'en' };

function config(approval: boolean) {
  return configSchema.parse({
    telegram: { admin_chats: [1001, -500], users: [{ id: 1001, name: 'Ana', role: 'admin', language: 'en' }] },
    content: {
      channel: '@canal',
      approval,
      creators: [{ folder: 'ana', timezone: 'Europe/Madrid', slots: ['10:00', '19:00'] }],
    },
  });
}

async function approvalTexts(store: TestStore): Promise<{ chat_id: number; text: string }[]> {
  const { rows } = await sql<{ chat_id: number; text: string }>`
    select chat_id, text from outbox order by id`.execute(store.store.db);
  return rows.map((r) => ({ chat_id: Number(r.chat_id), text: r.text }));
}

describe.each(STORE_KINDS)('approvals on %s', (kind) => {
  it('an approval of a caption since replaced is refused; a late one takes the next free slot', async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const approvals = new Approvals(config(true), t.store, queue, () => NOW);
    const posts = new PostRecords(t.store, () => NOW);
    // Planned for 10:00 this morning (passed while it waited); 19:00 is taken by another post.
    const { post } = await posts.create({
      fileId: 1,
      creator: 'ana',
      target: '@canal',
      caption: 'Hola',
      state: 'awaiting_approval',
      plannedAt: Date.parse('2026-03-28T09:00:00Z'),
    });
    await posts.create({
      fileId: 2,
      creator: 'ana',
      target: '@canal',
      state: 'scheduled',
      plannedAt: Date.parse('2026-03-28T18:00:00Z'),
    });

    const stale = await approvals.press('approve', post.id, captionHash('Hola!'), ANA);
    expect(stale.key).toBe('post-approval-outdated');
    expect((await posts.get(post.id))?.state).toBe('awaiting_approval');

    const ok = await approvals.press('approve', post.id, captionHash('Hola'), ANA);
    expect(ok.key).toBe('post-approval-approved');
    // Sunday 10:00 CEST, after the spring change.
    const at = Date.parse('2026-03-29T08:00:00Z');
    expect(await posts.get(post.id)).toMatchObject({ state: 'scheduled', planned_at: at });
    const jobs = await queue.list({ queue: 'content.publish' });
    expect(jobs.map((j) => [j.payload, j.runAt])).toEqual([[{ postId: post.id }, at]]);
    expect((await posts.history(post.id)).at(-1)).toMatchObject({
      to_state: 'scheduled',
      detail: 'Ana (telegram 1001): approved',
    });
  });

  it('/caption on an approved post asks again and withdraws its publish job; without approval it only replaces', async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const posts = new PostRecords(t.store, () => NOW);
    const at = Date.parse('2026-03-28T18:00:00Z');
    const { post } = await posts.create({
      fileId: 1,
      creator: 'ana',
      target: '@canal',
      caption: 'Hola',
      state: 'scheduled',
      plannedAt: at,
    });
    await queue.enqueue(PUBLISH_QUEUE, { postId: post.id }, { runAt: at });

    const answer = await new PostCommands(config(true), t.store, queue, () => NOW).caption(
      post.id,
      'Pan & café',
      'Ana',
    );
    expect(answer).toEqual({ key: 'post-cmd-captioned-approval', vars: { id: post.id } });
    expect(await posts.get(post.id)).toMatchObject({
      state: 'awaiting_approval',
      caption: 'Pan &amp; café',
      planned_at: at,
    });
    expect(await queue.list({ queue: 'content.publish', states: ['waiting'] })).toEqual([]);
    const asked = await approvalTexts(t);
    expect(asked.map((m) => m.chat_id)).toEqual([1001, -500]);
    expect(asked[0]?.text).toBe(
      `📝 <b>Post #${post.id} (ana) waits for your approval</b>, planned for Sat, Mar 28, 2026, 19:00 (Europe/Madrid). Its caption:\n\nPan &amp; café`,
    );

    const other = await posts.create({
      fileId: 2,
      creator: 'ana',
      target: '@canal',
      caption: 'x',
      state: 'scheduled',
      plannedAt: at,
    });
    await new PostCommands(config(false), t.store, queue, () => NOW).caption(other.post.id, 'y', 'Ana');
    expect(await posts.get(other.post.id)).toMatchObject({ state: 'scheduled', caption: 'y' });
  });

  it("an edit over Telegram's caption limit waits for a shorter text; a text after the post moved on is not used", async () => {
    t = await createTestStore(kind);
    queue = await testQueue(t.store);
    const approvals = new Approvals(config(true), t.store, queue, () => NOW);
    const posts = new PostRecords(t.store, () => NOW);
    const { post } = await posts.create({
      fileId: 1,
      creator: 'ana',
      target: '@canal',
      caption: 'Hola',
      state: 'awaiting_approval',
      plannedAt: NOW,
    });
    expect(await approvals.editWith('no edit pending', ANA)).toBeNull();
    expect((await approvals.press('edit', post.id, captionHash('Hola'), ANA)).key).toBe('post-approval-edit-prompt');
    // The same admin in another chat has no pending edit there.
    expect(await approvals.editWith('elsewhere', { ...ANA, chatId: -500 })).toBeNull();
    expect((await approvals.editWith('x'.repeat(1025), ANA))?.key).toBe('post-approval-too-long');
    expect((await approvals.editWith('Corto', ANA))?.key).toBe('post-approval-edited');
    expect(await posts.get(post.id)).toMatchObject({ state: 'awaiting_approval', caption: 'Corto' });
    expect(await approvals.editWith('again', ANA)).toBeNull();

    expect((await approvals.press('edit', post.id, captionHash('Corto'), ANA)).key).toBe('post-approval-edit-prompt');
    await approvals.press('reject', post.id, captionHash('Corto'), ANA);
    expect(await approvals.editWith('too late', ANA)).toEqual({
      key: 'post-approval-edit-stale',
      vars: { id: String(post.id), state: 'cancelled' },
    });
    expect((await posts.get(post.id))?.caption).toBe('Corto');
  });
});

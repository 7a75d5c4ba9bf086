// SIGKILL during the publish call: the call may have reached Telegram (here it did), so the post must not be
// published again by itself. The next worker finds it `sending`, makes it unknown and asks the admins; their
// answer is what happens.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostActions, PostRecords } from '../../../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { ADMIN, CHANNEL, testPoster } from '../../support/content-poster.ts';
import { REPO, cleanEnv } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';
import type { Queue } from '../../../src/core/queue/index.ts';
import { sql } from 'kysely';

const CHILD = join(REPO, 'test/support/poster-child.ts');

let t: TestStore | null = null;
let fake: FakeBotApi | null = null;
let queue: Queue | null = null;
afterEach(async () => {
  await queue?.stop(1000);
  await fake?.close();
  await t?.cleanup();
  t = null;
  fake = null;
  queue = null;
});

describe.each(STORE_KINDS)('poster crash on %s', (kind) => {
  it('a SIGKILL while sending leaves the post unknown, posted once; the admin says it was published', async () => {
    t = await createTestStore(kind);
    fake = await startFakeBotApi();
    const update = fake.video({ id: 500, first_name: 'Victor' }, { bytes: Buffer.from('mp4'), fileName: 'a.mp4' });
    const telegramFileId = update.message?.video?.file_id ?? '';
    const posts = new PostRecords(t.store);
    const { post } = await posts.create({
      fileId: 1,
      creator: 'victor',
      target: CHANNEL,
      caption: 'Hola',
      state: 'scheduled',
      plannedAt: Date.now(),
    });
    // Telegram takes the call and posts it 1.5 s later, whether or not the caller is still there.
    fake.fail('sendVideo', { stallMs: 1500 });
    const child = spawn(process.execPath, [CHILD], {
      env: cleanEnv({
        POSTER_CHILD: JSON.stringify({ spec: t.spec, apiRoot: fake.apiRoot, token: fake.token, telegramFileId }),
      }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exit = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    const api = fake;
    await eventually(() => api.requests('sendVideo') === 1, 'the publish call reached Telegram');
    expect((await posts.get(post.id))?.state).toBe('sending');
    child.kill('SIGKILL');
    expect(await exit).toBeNull();
    await eventually(() => api.sent(Number(CHANNEL)).length === 1, 'Telegram posted it');

    // The service again: its worker takes the job the dead one held, and finds the post still sending.
    queue = await testQueue(t.store);
    const poster = await testPoster(t.store, queue, { apiRoot: fake.apiRoot, token: fake.token, telegramFileId });
    await poster.start();
    await eventually(async () => (await posts.get(post.id))?.state === 'unknown', 'the post is unknown', 20_000);
    await eventually(
      async () => (await queue!.list({ states: ['waiting', 'active'] })).length === 0,
      'queue idle',
      20_000,
    );
    expect(api.requests('sendVideo')).toBe(1);
    expect(api.sent(Number(CHANNEL))).toHaveLength(1);
    const { rows } = await sql<{ text: string }>`select text from outbox where chat_id = ${ADMIN.chatId}`.execute(
      t.store.db,
    );
    expect(rows.map((r) => r.text).join()).toContain(`Post #${post.id} (victor): was it published?`);

    const actions = new PostActions(t.store, queue, async (_c, at) => at);
    await actions.press('published', post.id, 'Ana');
    expect(await posts.get(post.id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect((await posts.history(post.id)).map((h) => h.to_state)).toEqual(['scheduled', 'sending', 'unknown', 'sent']);
    expect(api.requests('sendVideo')).toBe(1);
  });
});

// The buttons of a post whose outcome is unknown, through the real bot and the fake Bot API: an admin's press
// settles the post; staff is refused and change nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import { PostRecords } from '../../src/pipeline/content/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi, FakeUser, SentCall } from '../fakes/telegram/index.ts';
import { ADMIN, STAFF, botEnv } from '../support/bot-service.ts';
import { tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

describe('post buttons in the admin chat', () => {
  let fake: FakeBotApi;
  let service: Service | null = null;
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeBotApi();
    dir = tempDir('centinela-post-buttons-');
  });
  afterEach(async () => {
    await service?.stop('test over');
    service = null;
    await fake.close();
  });

  const press = async (from: FakeUser, data: string): Promise<SentCall> => {
    const update = fake.callback(from, data, 1);
    const id = update.callback_query?.id;
    return fake.waitFor((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === id);
  };

  it('"It was published" by an admin settles an unknown post; staff is refused', async () => {
    service = await startService({ env: botEnv(fake, dir), cwd: dir, only: ['bot'] });
    await eventually(() => fake.polling, 'the bot polls');
    const posts = new PostRecords(service.store);
    const { post } = await posts.create({ fileId: 1, creator: 'victor', target: '-1001', state: 'scheduled' });
    await posts.transition(post.id, 'scheduled', 'sending', { countAttempt: true });
    await posts.transition(post.id, 'sending', 'unknown', { lastError: 'timed out' });

    const staff = await press(STAFF, `post:published:${post.id}`);
    expect(staff.params.show_alert).toBe(true);
    expect((await posts.get(post.id))?.state).toBe('unknown');

    const answer = await press(ADMIN, `post:published:${post.id}`);
    expect(String(answer.params.text)).toBe(`Publicación #${post.id} marcada como publicada.`);
    expect((await posts.get(post.id))?.state).toBe('sent');
    const history = await posts.history(post.id);
    expect(history.at(-1)).toMatchObject({
      from_state: 'unknown',
      to_state: 'sent',
      detail: 'Ana said it was published',
    });

    const again = await press(ADMIN, `post:again:${post.id}`);
    expect(String(again.params.text)).toBe(`La publicación #${post.id} está ahora sent: no se hizo nada.`);
  });
});

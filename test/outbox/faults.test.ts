// The outbox against a Telegram that hangs or goes away (issue 11.12, 11.13): a slow send is waited out, not
// repeated, and messages waiting out a backoff go as soon as Telegram answers again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Outbox, OutboxDeps } from '../../src/outbox/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { testOutbox } from '../support/bot-service.ts';
import { STORE_KINDS, createTestStore, eventually } from '../support/stores.ts';
import type { TestStore } from '../support/stores.ts';

const ALICE = 1001;

describe.each(STORE_KINDS)('outbox under faults on %s', (kind) => {
  let t: TestStore;
  let fake: FakeBotApi;
  const outboxes: Outbox[] = [];
  const outbox = async (deps: Partial<OutboxDeps> = {}): Promise<Outbox> => {
    const o = await testOutbox(t.store, fake, deps);
    outboxes.push(o);
    return o;
  };

  beforeEach(async () => {
    t = await createTestStore(kind);
    fake = await startFakeBotApi();
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop(500);
    await fake.close();
    await t.cleanup();
  });

  it('waits out a server that hangs 16 s and then delivers: the admin gets the alert once', async () => {
    fake.fail('sendMessage', { stallMs: 16_000 });
    const o = await outbox({ retryBackoff: { baseMs: 50, capMs: 200 } });
    await o.enqueue({ chatId: ALICE, text: 'disk almost full' });
    o.start();
    await eventually(async () => (await o.stats()).counts.sent === 1, 'sent', 40_000);
    // Every request that reached the server has been carried out.
    await eventually(
      () => fake.calls.filter((c) => c.method === 'sendMessage').length === fake.requests('sendMessage'),
      'all answered',
      40_000,
    );
    expect(fake.sent(ALICE).map((c) => c.params.text)).toEqual(['disk almost full']);
  }, 60_000);

  it('sends what waits out a long backoff as soon as Telegram answers again', async () => {
    const o = await outbox({ retryBackoff: { baseMs: 60_000, capMs: 300_000 }, probeMs: 500 });
    await fake.offline(true);
    const [id] = await o.enqueue({ chatId: ALICE, text: 'queued while down' });
    o.start();
    await eventually(async () => ((await o.get(id ?? 0))?.attempts ?? 0) >= 1, 'a failed try');
    await fake.offline(false);
    const back = Date.now();
    await fake.waitFor((c) => c.method === 'sendMessage' && c.params.text === 'queued while down', 10_000);
    console.log(`figure outbox_recovery_to_delivery_ms=${Date.now() - back}`);
    await eventually(async () => (await o.get(id ?? 0))?.state === 'sent', 'recorded as sent');
  });
});

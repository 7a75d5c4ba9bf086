// A batch of videos follows the content pipeline: its summary comes once each video's check has decided, and a
// video the check refused gets the content pipeline's own line (its creator already has the precise reason), not
// the intake's "could not be stored".
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Service } from '../../../src/main.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { MODEL, mp4, startBotService, textOf } from '../../support/bot-service.ts';
import { createDatabase } from '../../support/postgres.ts';
import { STORE_KINDS } from '../../support/stores.ts';

let fake: FakeBotApi | null = null;
let service: Service | null = null;
let dropDatabase: (() => Promise<void>) | null = null;
afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  await dropDatabase?.();
  service = null;
  fake = null;
  dropDatabase = null;
});

describe.each(STORE_KINDS)('a batch of videos on %s', (kind) => {
  it("words a video the check refused as the content pipeline's, after the check", async () => {
    const api = await startFakeBotApi();
    fake = api;
    const database = kind === 'postgres' ? await createDatabase(inject('postgresUrl')) : null;
    dropDatabase = database?.drop ?? null;
    service = (
      await startBotService(api, {
        ...(database ? { DATABASE_URL: database.url } : {}),
        CENTINELA_CONTENT_CHANNEL: '-1001234567890',
        CENTINELA_CONTENT_APPROVAL: 'true',
        CENTINELA_CONTENT_VIDEO_FFPROBE: '/nonexistent/bin/ffprobe',
        CENTINELA_CONTENT_VIDEO_MAX_BYTES: '80k',
        CENTINELA_CONTENT_CREATORS: JSON.stringify([{ folder: 'victor', language: 'en' }]),
      })
    ).service;
    api.video(MODEL, { bytes: mp4(Buffer.alloc(50_000, 1)), fileName: 'small.mp4' }, { mediaGroupId: 'g' });
    api.video(MODEL, { bytes: mp4(Buffer.alloc(120_000, 2)), fileName: 'big.mp4' }, { mediaGroupId: 'g' });
    const summary = await api.waitFor(
      (c) => c.method === 'sendMessage' && c.params.chat_id === MODEL.id && textOf(c).includes(' done: '),
      20_000,
    );
    expect(textOf(summary)).toMatch(
      /done: 1 stored, 0 duplicates, 1 with problems\.\n• big\.mp4: it was set aside after its check; the message above says why$/,
    );
    expect(textOf(summary)).not.toContain('could not be stored');
    // The creator's precise refusal came before the summary.
    const refusal = api.sent(MODEL.id).findIndex((c) => textOf(c).startsWith('❌ Your video big.mp4 was not taken'));
    expect(refusal).toBeGreaterThanOrEqual(0);
    expect(refusal).toBeLessThan(api.sent(MODEL.id).indexOf(summary));
  });
});

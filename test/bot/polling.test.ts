// Polling confirms an update (the next getUpdates' offset) only once its handler has finished: a process killed
// while it records an update gets that update again at its restart, instead of Telegram forgetting it.
import type { Api, Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { startPolling } from '../../src/bot/polling.ts';
import { eventually } from '../support/stores.ts';

const update = (id: number): Update => ({
  update_id: id,
  message: {
    message_id: id,
    date: 0,
    chat: { id: 1, type: 'private', first_name: 'A' },
    from: { id: 1, is_bot: false, first_name: 'A' },
    text: 'hola',
  },
});

/** getUpdates answers the scripted batches once each, then waits until the poll is cut. */
function fakeApi(batches: Update[][]): { api: Api; offsets: number[] } {
  const offsets: number[] = [];
  const getUpdates = async (params: { offset?: number }, signal?: AbortSignal): Promise<Update[]> => {
    offsets.push(params.offset ?? 0);
    const next = batches.shift();
    if (next) return next;
    return new Promise((_, fail) =>
      signal?.addEventListener('abort', () => fail(new Error('aborted')), { once: true }),
    );
  };
  return { api: { getUpdates } as unknown as Api, offsets };
}

describe('polling', () => {
  it('asks for the next updates (confirming the last) only after their handlers have finished', async () => {
    const { api, offsets } = fakeApi([[update(5), update(6)]]);
    const finish: Array<() => void> = [];
    const bot = {
      handleUpdate: () => new Promise<void>((ok) => finish.push(ok)),
      errorHandler: () => {},
    } as unknown as Bot;
    const runner = startPolling({
      api,
      bot,
      timeoutSeconds: 30,
      allowedUpdates: [],
      onPoll: () => {},
      onPollFailed: () => {},
    });
    try {
      await eventually(async () => finish.length === 2, 'both updates handed to their handlers');
      // Many turns of the event loop: nothing but the handlers can let the next poll go.
      for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
      expect(offsets).toEqual([0]);
      finish[0]?.();
      for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
      expect(offsets, 'update 6 is still being handled').toEqual([0]);
      finish[1]?.();
      await eventually(async () => offsets.length === 2, 'the next poll');
      expect(offsets).toEqual([0, 7]);
    } finally {
      await runner.stop();
    }
  });
});

// The service with its Telegram intake on, talking to the fake Bot API, for end-to-end bot tests; and the outbox alone.
import { join } from 'node:path';
import { loadOutboxSender } from '../../src/outbox/index.ts';
import type { Outbox, OutboxDeps } from '../../src/outbox/index.ts';
import type { Store } from '../../src/core/store/index.ts';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import type { FakeBotApi, FakeUser } from '../fakes/telegram/index.ts';
import { tempDir } from './service.ts';
import { quietLog } from './stores.ts';

export const ADMIN: FakeUser = { id: 1001, first_name: 'Ana', language_code: 'es' };
export const STAFF: FakeUser = { id: 2002, first_name: 'Luis', language_code: 'es' };
export const MODEL: FakeUser = { id: 3003, first_name: 'Victor', language_code: 'en' };
export const STRANGER: FakeUser = { id: 9009, first_name: 'Eve', username: 'eve', language_code: 'en' };

const USERS = [
  { id: ADMIN.id, name: 'Ana', role: 'admin', language: 'es' },
  { id: STAFF.id, name: 'Luis', role: 'staff', language: 'es' },
  { id: MODEL.id, name: 'Victor', role: 'model', folder: 'victor', language: 'en' },
];

/** Environment for a service in `dir` that uses `fake`, with short waits so tests run quickly. */
export function botEnv(fake: FakeBotApi, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: fake.token,
    CENTINELA_TELEGRAM_API_ROOT: fake.apiRoot,
    CENTINELA_TELEGRAM_USERS: JSON.stringify(USERS),
    CENTINELA_TELEGRAM_ADMIN_CHATS: JSON.stringify([ADMIN.id]),
    CENTINELA_PATHS_DATA: join(dir, 'data'),
    CENTINELA_PATHS_LOGS: join(dir, 'logs'),
    CENTINELA_PATHS_MEDIA: join(dir, 'media'),
    CENTINELA_HTTP_PORT: '0',
    CENTINELA_LOG_STDOUT: 'false',
    CENTINELA_QUEUE_POLL_MS: '100',
    CENTINELA_INTAKE_ALBUM_WAIT_MS: '400',
    CENTINELA_INTAKE_BATCH_WINDOW_SECONDS: '0',
    CENTINELA_DISK_CRITICAL_FREE: '1m',
    // The monitor's disk check must not alert the admin chat on a test machine with little free space.
    CENTINELA_DISK_WARN_FREE: '2m',
    CENTINELA_DISK_CLEAR_MARGIN: '1m',
    ...extra,
  };
}

export async function startBotService(
  fake: FakeBotApi,
  extra: Record<string, string> = {},
  dir = tempDir('centinela-bot-'),
): Promise<{ service: Service; dir: string }> {
  const service = await startService({ env: botEnv(fake, dir, extra), cwd: dir });
  return { service, dir };
}

/** An outbox on `store` that sends to `fake`, with no fallback webhook and waits short enough for tests. */
export async function testOutbox(store: Store, fake: FakeBotApi, deps: Partial<OutboxDeps> = {}): Promise<Outbox> {
  const { Outbox, outboxApi } = await loadOutboxSender();
  return new Outbox({
    store,
    api: outboxApi(fake.token, fake.apiRoot),
    log: await quietLog(),
    fallbackWebhook: '',
    fallbackAfterMs: 300_000,
    perChatIntervalMs: 30,
    pollMs: 25,
    ...deps,
  });
}

/** Text of a sendMessage/editMessageText call. */
export function textOf(call: { params: Record<string, unknown> }): string {
  return String(call.params.text ?? '');
}

/** An MP4's first box (ftyp, brand isom) before `body`: bytes the intake takes as a video. */
export function mp4(body: Buffer | string): Buffer {
  const ftyp = Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isomiso2mp41')]);
  return Buffer.concat([ftyp, Buffer.from(body)]);
}

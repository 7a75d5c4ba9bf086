// The Telegram intake end to end: the real service (in this process) against the fake Bot API.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_PATH, webhookSecret } from '../../src/bot/index.ts';
import { startService } from '../../src/main.ts';
import type { Service } from '../../src/main.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { ADMIN, MODEL, STAFF, STRANGER, botEnv, mp4, startBotService, textOf } from '../support/bot-service.ts';
import { tempDir } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

let fake: FakeBotApi | null = null;
let service: Service | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  service = null;
  fake = null;
});

const bytes = (n: number, seed: string): Buffer => {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 32) createHash('sha256').update(`${seed}:${i}`).digest().copy(out, i);
  return out;
};
const messagesTo = (chatId: number): string[] =>
  (fake?.sent(chatId) ?? []).filter((c) => c.method === 'sendMessage').map(textOf);

describe('Telegram intake', () => {
  it("stores a model's video in their folder under a dated name, and says so", async () => {
    fake = await startFakeBotApi();
    const started = await startBotService(fake);
    service = started.service;
    const video = mp4(bytes(300_000, 'clip'));
    const sentAt = Date.now();
    fake.video(MODEL, { bytes: video, fileName: 'clip.MP4', mimeType: 'video/mp4' });
    await fake.waitFor(
      (c) => c.method === 'sendMessage' && c.params.chat_id === MODEL.id && textOf(c).includes('Got your video'),
    );
    console.log(`figure receipt_ms=${Date.now() - sentAt}`); // through the outbox, woken when the file's transaction commits
    const folder = join(started.dir, 'media/victor');
    await eventually(
      () => existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.mp4')),
      'video in the folder',
    );
    const [name] = readdirSync(folder);
    expect(name).toMatch(/^\d{8}_\d{6}_[0-9a-f]{6}\.mp4$/);
    // Written under data/parts while it arrived (issue 10.5): nothing partial ever sat in the creator's folder.
    expect(readdirSync(join(started.dir, 'data/parts'))).toEqual([]);
    expect(
      createHash('sha256')
        .update(readFileSync(join(folder, name as string)))
        .digest('hex'),
    ).toBe(createHash('sha256').update(video).digest('hex'));
    // Handed to the video pipeline: its job waits for that capability.
    await eventually(
      async () => (await service!.queue.list({ queue: 'video.process' })).length === 1,
      'video job enqueued',
    );
  });

  it('stores the same video twice from one model only once, and tells them when it came first', async () => {
    fake = await startFakeBotApi();
    const started = await startBotService(fake);
    service = started.service;
    const video = mp4(bytes(100_000, 'same'));
    fake.video(MODEL, { bytes: video, fileName: 'a.mp4', mimeType: 'video/mp4' });
    await eventually(async () => (await service!.queue.list({ queue: 'video.process' })).length === 1, 'first stored');
    fake.video(MODEL, { bytes: video, fileName: 'a-again.mp4', mimeType: 'video/mp4' });
    const call = await fake.waitFor(
      (c) => c.method === 'sendMessage' && textOf(c).includes('already got this file on'),
    );
    expect(textOf(call)).toContain(new Date().toISOString().slice(0, 10));
    expect(readdirSync(join(started.dir, 'media/victor'))).toHaveLength(1);
  });

  it('turns an album of 10 invoices into one batch with one receipt and one summary', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const items = Array.from({ length: 10 }, (_, i) => ({
      kind: 'document' as const,
      file: {
        bytes: Buffer.from(`%PDF-1.4 invoice ${i}\n`),
        fileName: `factura-${i}.pdf`,
        mimeType: 'application/pdf',
      },
    }));
    fake.album(STAFF, items);
    await fake.waitFor((c) => textOf(c).includes('Lote') && textOf(c).includes('terminado'), 15_000);
    const texts = fake.sent(STAFF.id).map(textOf);
    const receipts = texts.filter((t) => t.startsWith('Recibí'));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatch(/^Recibí 10 facturas \(lote b_[0-9a-f]{8}\)\. Te aviso al terminar\.$/);
    const summary = texts.find((t) => t.includes('terminado'));
    expect(summary).toMatch(/10 guardados, 0 repetidos, 0 con problemas/);
    const batchId = /lote (b_[0-9a-f]{8})/.exec(receipts[0] as string)?.[1];
    expect(new Set((await service.queue.list({ queue: 'invoice.process' }, 100)).map((j) => j.id)).size).toBe(10);
    expect(batchId).toBeDefined();
  });

  it('refuses an unknown sender politely in their language and tells the admins once a day', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    fake.text(STRANGER, 'hello?');
    fake.text(STRANGER, 'anyone?');
    await eventually(() => messagesTo(STRANGER.id).length === 2, 'two refusals');
    expect(messagesTo(STRANGER.id)[0]).toBe(
      `Sorry, this account may not use this bot. Ask an admin to add you (your id is ${STRANGER.id}).`,
    );
    await fake.waitFor((c) => c.params.chat_id === ADMIN.id && textOf(c).includes(String(STRANGER.id)));
    await new Promise((r) => setTimeout(r, 500));
    expect(messagesTo(ADMIN.id).filter((t) => t.includes(String(STRANGER.id)))).toHaveLength(1);
  });

  it('answers staff who try an admin command that it is for admins, and runs it for an admin', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    fake.command(STAFF, '/pause');
    await fake.waitFor(
      (c) => c.params.chat_id === STAFF.id && textOf(c) === 'Ese comando es solo para administradores.',
    );
    expect(await service.status()).toBeTruthy();
    fake.command(ADMIN, '/status');
    const status = await fake.waitFor((c) => c.params.chat_id === ADMIN.id && textOf(c).includes('centinela'));
    expect(textOf(status)).toMatch(/módulo bot: en marcha/);
  });

  it('refuses a file over 20 MB in cloud mode with the explanation and an admin hint', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const big = join(tempDir('big-'), 'big.mp4');
    writeFileSync(big, '');
    truncateSync(big, 2 * 1024 ** 3 - 1); // sparse: 2 GB on paper, nothing on disk
    fake.video(MODEL, { path: big, fileName: 'big.mp4', mimeType: 'video/mp4' });
    const reply = await fake.waitFor((c) => c.params.chat_id === MODEL.id && textOf(c).includes('20 MB'));
    // The creator gets a plain sentence; the admin (Spanish) gets the setting to change.
    expect(textOf(reply)).toBe(
      'That file is 2.0 GB, and Telegram lets bots download only up to 20 MB. The admins know; send a smaller file for now.',
    );
    const hint = await fake.waitFor((c) => c.params.chat_id === ADMIN.id && textOf(c).includes('telegram.local_mode'));
    expect(textOf(hint)).toContain('Ejecuta un servidor telegram-bot-api local');
    expect(await service.queue.list({ queue: 'intake.download' })).toHaveLength(0);
  });

  it('copies from a local Bot API server through the path remap', async () => {
    const root = tempDir('local-api-');
    const serverDir = join(root, 'server');
    mkdirSync(serverDir);
    symlinkSync(serverDir, join(root, 'mounted')); // the same folder under another name, as a docker volume is
    fake = await startFakeBotApi({ mode: 'local', filesDir: serverDir });
    const started = await startBotService(fake, {
      CENTINELA_TELEGRAM_LOCAL_MODE: 'true',
      CENTINELA_TELEGRAM_LOCAL_PATH_REMAP_FROM: serverDir,
      CENTINELA_TELEGRAM_LOCAL_PATH_REMAP_TO: join(root, 'mounted'),
    });
    service = started.service;
    const video = Buffer.concat([
      Buffer.from([0, 0, 0, 0x14, ...Buffer.from('ftypqt  '), 0, 0, 2, 0, ...Buffer.from('qt  ')]),
      bytes(200_000, 'local'),
    ]);
    fake.video(MODEL, { bytes: video, fileName: 'local.mov', mimeType: 'video/quicktime' });
    await eventually(async () => (await service!.queue.list({ queue: 'video.process' })).length === 1, 'stored');
    const [name] = readdirSync(join(started.dir, 'media/victor'));
    expect(name).toMatch(/\.mov$/);
    expect(readFileSync(join(started.dir, 'media/victor', name as string)).equals(video)).toBe(true);
  });

  it('pauses intake when a download would leave the disk below the critical threshold', async () => {
    fake = await startFakeBotApi();
    // The download's own check, without the monitor (whose disk check would pause intake first: tested apart).
    const dir = tempDir('centinela-bot-');
    service = await startService({
      env: botEnv(fake, dir, { CENTINELA_DISK_CRITICAL_FREE: '100000g', CENTINELA_DISK_WARN_FREE: '100000g' }),
      cwd: dir,
      only: ['bot', 'invoices'],
    });
    fake.document(STAFF, { bytes: Buffer.from('%PDF-1.4 x'), fileName: 'f.pdf', mimeType: 'application/pdf' });
    await fake.waitFor(
      (c) => c.params.chat_id === ADMIN.id && textOf(c).includes('Recepción en pausa: disco casi lleno'),
    );
    await fake.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).includes('pausa'));
    const status = await service.status();
    expect(status.queues.find((q) => q.queue === 'intake.download')?.counts.waiting).toBe(1);
  });

  it("takes updates through the webhook on the control API, checking Telegram's secret token", async () => {
    fake = await startFakeBotApi();
    service = (
      await startBotService(fake, { CENTINELA_TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook' })
    ).service;
    const set = await fake.waitFor((c) => c.method === 'setWebhook');
    expect(set.params.url).toBe('https://bot.example.com/telegram/webhook');
    expect(set.params.secret_token).toBe(webhookSecret(fake.token));
    expect(fake.calls.some((c) => c.method === 'getUpdates')).toBe(false);

    const update = fake.text(STAFF, 'hola');
    const post = (secret: string): Promise<Response> =>
      fetch(`${service!.http!.url}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
    expect((await post('not-the-secret')).status).toBe(401);
    const ok = await post(webhookSecret(fake.token));
    expect(ok.status).toBe(200);
    await fake.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).startsWith('Envíame un archivo'));
  });

  it("publishes each role's commands in its users' menus", async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    await fake.waitFor(
      (c) => c.method === 'setMyCommands' && JSON.stringify(c.params.scope ?? '').includes(String(MODEL.id)),
    );
    const names = (id: number): string[] => (fake!.commands({ type: 'chat', chat_id: id }) ?? []).map((c) => c.command);
    expect(names(ADMIN.id)).toEqual([
      'start',
      'help',
      'status',
      'batch',
      'pause',
      'resume',
      'review',
      'retry',
      'errors',
      'silence',
      'silences',
      'unsilence',
      'ack',
      'maintenance',
      'web',
    ]);
    expect(names(STAFF.id)).toEqual(['start', 'help', 'batch', 'web']);
    expect(names(MODEL.id)).toEqual(['start', 'help', 'batch', 'web']);
  });

  it('refuses a PDF named clip.mp4 with a reason, and keeps it in quarantine, not in the folder (issue 10.9)', async () => {
    fake = await startFakeBotApi();
    const started = await startBotService(fake);
    service = started.service;
    fake.document(MODEL, {
      bytes: Buffer.from('%PDF-1.4 not a video\n%%EOF\n'),
      fileName: 'clip.mp4',
      mimeType: 'video/mp4',
    });
    const reply = await fake.waitFor((c) => c.params.chat_id === MODEL.id && textOf(c).includes('not a video'));
    expect(textOf(reply)).toBe('That file is not a video I can take (MP4, MOV, WebM or MKV). Send the video itself.');
    const folder = join(started.dir, 'media/victor');
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    const quarantined = readdirSync(join(started.dir, 'data/quarantine'));
    expect(quarantined.some((f) => f.endsWith('clip.mp4') || f.includes('.pdf') || f.endsWith('.mp4'))).toBe(true);
    expect(await service.queue.list({ queue: 'video.process' })).toHaveLength(0);
  });
});

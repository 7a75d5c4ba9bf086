// The fake Telegram Bot API (test/fakes/telegram), driven by a real grammY client over loopback HTTP.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { isAbsolute, join } from 'node:path';
import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import type { Message } from '@grammyjs/types';
import type { Api } from 'grammy';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { startFakeBotApi } from './telegram/index.ts';
import type { FakeBotApi, FakeBotApiOptions, FakeUser, UploadedFile } from './telegram/index.ts';
import { parseDisposition } from './telegram/multipart.ts';
import { rejection } from '../support/rejection.ts';

const ana: FakeUser = { id: 1001, first_name: 'Ana', username: 'ana_ops', language_code: 'es' };
const MB = 1024 * 1024;

const fakes: FakeBotApi[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(options?: FakeBotApiOptions): Promise<FakeBotApi> {
  const fake = await startFakeBotApi(options);
  fakes.push(fake);
  return fake;
}

function apiFor(fake: FakeBotApi): Api {
  return new Bot(fake.token, { client: { apiRoot: fake.apiRoot } }).api;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-telegram-test-'));
  folders.push(dir);
  return dir;
}

/** A sparse file: `size` bytes on paper, almost nothing on disk. */
function sparseFile(size: number): string {
  const path = join(tempDir(), 'big.mp4');
  writeFileSync(path, '');
  truncateSync(path, size);
  return path;
}

async function grammyError(p: Promise<unknown>): Promise<GrammyError> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

describe('fake Telegram Bot API with a real grammY client', () => {
  test('getMe answers with the bot the token names', async () => {
    const fake = await start({ token: '4242:AAtestTOKEN' });
    const me = await apiFor(fake).getMe();
    expect(me).toMatchObject({ id: 4242, is_bot: true, username: 'centinela_test_bot' });
  });

  test('a long poll gets an update injected while it waits; a bot echoes it', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const poll = api.getUpdates({ timeout: 30 });
    await vi.waitFor(() => expect(fake.polling).toBe(true));
    const update = fake.text(ana, 'hola');
    const got = await poll;
    expect(got).toEqual([update]);
    expect(got[0]?.message).toMatchObject({
      text: 'hola',
      from: { id: 1001, is_bot: false },
      chat: { id: 1001, type: 'private' },
    });

    // Not confirmed yet, so a new poll would get it again; confirm it.
    expect(await api.getUpdates({ offset: update.update_id + 1 })).toEqual([]);

    // The same through grammY's own polling loop.
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const running = bot.start();
    try {
      fake.text(ana, 'ping');
      const reply = await fake.waitFor((c) => c.method === 'sendMessage');
      expect(reply.params).toMatchObject({ chat_id: 1001, text: 'echo: ping' });
      expect(reply.result).toMatchObject({ text: 'echo: ping', from: { is_bot: true } });
    } finally {
      await bot.stop();
      await running;
    }
    // bot.stop() confirmed what the bot handled.
    expect(fake.pendingUpdates()).toEqual([]);
  });

  test('offset confirms updates: confirmed ones are not delivered again; a negative offset keeps the last ones', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const u1 = fake.text(ana, 'one');
    const u2 = fake.command(ana, '/status disk');
    expect(u2.update_id).toBe(u1.update_id + 1);
    expect(u2.message?.message_id).toBeGreaterThan(u1.message?.message_id ?? Infinity);
    expect(u2.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 7 }]);

    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([u1.update_id, u2.update_id]);
    expect((await api.getUpdates()).length).toBe(2); // nothing confirmed yet
    expect(await api.getUpdates({ offset: u2.update_id })).toEqual([u2]);
    expect(await api.getUpdates({ offset: u2.update_id + 1 })).toEqual([]);
    expect(await api.getUpdates()).toEqual([]);

    const [a, b, c] = [fake.text(ana, 'a'), fake.text(ana, 'b'), fake.text(ana, 'c')];
    expect(await api.getUpdates({ limit: 2 })).toEqual([a, b]);
    expect(await api.getUpdates({ offset: -1 })).toEqual([c]);
    expect(await api.getUpdates()).toEqual([c]);
  });

  test('a second getUpdates ends the waiting one with 409; an active webhook makes getUpdates 409', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const first = api.getUpdates({ timeout: 30 });
    await vi.waitFor(() => expect(fake.polling).toBe(true));
    const second = api.getUpdates({ timeout: 0 });
    const err = await grammyError(first);
    expect(err.error_code).toBe(409);
    expect(err.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    expect(await second).toEqual([]);

    expect(await api.setWebhook('https://example.test/hook')).toBe(true);
    expect((await api.getWebhookInfo()).url).toBe('https://example.test/hook');
    const hooked = await grammyError(api.getUpdates());
    expect(hooked.error_code).toBe(409);
    expect(hooked.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    expect(await api.deleteWebhook()).toBe(true);
    expect(await api.getUpdates()).toEqual([]);
  });

  test('sendMessage is recorded and kept; malformed HTML is refused as Telegram does', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const msg = await api.sendMessage(1001, 'Disk <b>92%</b> &amp; rising', { parse_mode: 'HTML' });
    expect(msg).toMatchObject({
      text: 'Disk 92% & rising',
      entities: [{ type: 'bold', offset: 5, length: 3 }],
      chat: { id: 1001 },
    });
    expect(fake.sent(1001).map((c) => c.params.text)).toEqual(['Disk <b>92%</b> &amp; rising']);
    expect(fake.sent(999)).toEqual([]);
    expect(fake.messageText(1001, msg.message_id)).toBe('Disk 92% & rising');

    const unclosed = await grammyError(api.sendMessage(1001, '<b>x', { parse_mode: 'HTML' }));
    expect(unclosed.error_code).toBe(400);
    expect(unclosed.description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    const unknown = await grammyError(api.sendMessage(1001, 'é <foo>x</foo>', { parse_mode: 'HTML' }));
    expect(unknown.description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 3',
    );
    const tooLong = await grammyError(api.sendMessage(1001, 'x'.repeat(4097)));
    expect(tooLong.description).toBe('Bad Request: message is too long');
    const md = await grammyError(api.sendMessage(1001, 'v1.2', { parse_mode: 'MarkdownV2' }));
    expect(md.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(fake.sent(1001)).toHaveLength(1);
    expect(fake.calls.filter((c) => c.error).map((c) => c.error?.error_code)).toEqual([400, 400, 400, 400]);
  });

  test('editMessageText changes the text; the same text again is "not modified"; deleteMessage forgets it', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const msg = await api.sendMessage(1001, 'Downloading… 10%');
    const edited = await api.editMessageText(1001, msg.message_id, 'Downloading… 90%');
    expect(edited).toMatchObject({ message_id: msg.message_id, text: 'Downloading… 90%' });
    expect(fake.messageText(1001, msg.message_id)).toBe('Downloading… 90%');
    const same = await grammyError(api.editMessageText(1001, msg.message_id, 'Downloading… 90%'));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    expect(fake.sent(1001).map((c) => c.method)).toEqual(['sendMessage', 'editMessageText']);

    expect(await api.deleteMessage(1001, msg.message_id)).toBe(true);
    expect(fake.messageText(1001, msg.message_id)).toBeUndefined();
    expect((await grammyError(api.deleteMessage(1001, msg.message_id))).description).toBe(
      'Bad Request: message to delete not found',
    );
  });

  test('a 429 fault surfaces as a GrammyError with parameters.retry_after, then calls succeed again', async () => {
    const fake = await start();
    const api = apiFor(fake);
    fake.fail('sendMessage', { status: 429, retryAfter: 7 });
    const err = await grammyError(api.sendMessage(1001, 'hi'));
    expect(err.error_code).toBe(429);
    expect(err.description).toBe('Too Many Requests: retry after 7');
    expect(err.parameters.retry_after).toBe(7);
    expect((await api.sendMessage(1001, 'hi')).text).toBe('hi');

    fake.fail('getMe', { status: 502 }, 2);
    expect((await grammyError(api.getMe())).error_code).toBe(502);
    expect((await grammyError(api.getMe())).description).toBe('Bad Gateway');
    fake.fail('getMe', { stallMs: 30 });
    expect((await api.getMe()).is_bot).toBe(true);
  });

  test('a timeout fault holds the request until the client gives up; close() still ends promptly', async () => {
    const fake = await start();
    fake.fail('sendMessage', { timeout: true });
    const url = `${fake.apiRoot}/bot${fake.token}/sendMessage`;
    const body = JSON.stringify({ chat_id: 1001, text: 'lost' });
    const err = await rejection(
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(300),
      }),
    );
    expect((err as Error).name).toBe('TimeoutError');
    expect(fake.calls.map((c) => [c.method, c.result])).toEqual([['sendMessage', undefined]]);

    // A request still held and a waiting long poll both end when the fake closes.
    fake.fail('getMe', { timeout: true });
    const held = rejection(fetch(`${fake.apiRoot}/bot${fake.token}/getMe`));
    const poll = rejection(apiFor(fake).getUpdates({ timeout: 50 }));
    await vi.waitFor(() => {
      expect(fake.polling).toBe(true);
      expect(fake.calls.map((c) => c.method)).toContain('getMe');
    });
    await fake.close();
    expect(await held).toBeInstanceOf(Error);
    expect(await poll).toBeInstanceOf(HttpError);
  });

  test('getFile in cloud mode gives a relative file_path served with the exact bytes; over 20 MB is refused', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const bytes = randomBytes(300_000);
    const doc = fake.document(ana, { bytes, fileName: 'factura.pdf' }, { caption: 'marzo' });
    const document = doc.message?.document;
    expect(document).toMatchObject({ file_name: 'factura.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    const file = await api.getFile(document?.file_id ?? '');
    expect(file.file_path).toMatch(/^documents\/file_\d+\.pdf$/);
    expect(file.file_size).toBe(bytes.length);
    const res = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    // The same bytes again: another file_id, the same file_unique_id.
    const again = fake.document(ana, { bytes, fileName: 'copia.pdf' }).message?.document;
    expect(again?.file_id).not.toBe(document?.file_id);
    expect(again?.file_unique_id).toBe(document?.file_unique_id);

    const small = fake.video(ana, { path: writeTemp(randomBytes(5000), 'clip.mp4') }, { duration: 12 }).message?.video;
    expect(small).toMatchObject({ duration: 12, mime_type: 'video/mp4', file_size: 5000 });
    const video = await api.getFile(small?.file_id ?? '');
    expect(video.file_path).toMatch(/^videos\/file_\d+\.mp4$/);

    const big = fake.video(ana, { path: sparseFile(21 * MB) }).message?.video;
    expect(big?.file_size).toBe(21 * MB);
    const tooBig = await grammyError(api.getFile(big?.file_id ?? ''));
    expect(tooBig.error_code).toBe(400);
    expect(tooBig.description).toBe('Bad Request: file is too big');
    expect((await grammyError(api.getFile('nonsense'))).error_code).toBe(400);
  });

  test('local mode: getFile gives an absolute path of a real file with the same bytes; big files are linked, not copied', async () => {
    const filesDir = tempDir();
    const fake = await start({ mode: 'local', filesDir });
    const api = apiFor(fake);
    const bytes = randomBytes(100_000);
    const video = fake.video(ana, { bytes, fileName: 'obra.mp4' }).message?.video;
    const file = await api.getFile(video?.file_id ?? '');
    const path = file.file_path ?? '';
    expect(isAbsolute(path)).toBe(true);
    expect(path.startsWith(join(filesDir, fake.token, 'videos') + '/')).toBe(true);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(file.file_size).toBe(bytes.length);
    // No HTTP download from a local server.
    expect((await fetch(`${fake.apiRoot}/file/bot${fake.token}/${path}`)).status).toBe(404);

    const source = sparseFile(25 * MB);
    const big = await api.getFile(fake.video(ana, { path: source }).message?.video?.file_id ?? '');
    expect(big.file_size).toBe(25 * MB);
    expect(statSync(big.file_path ?? '').size).toBe(25 * MB);
    expect(statSync(big.file_path ?? '').ino).toBe(statSync(source).ino);
  });

  test('sendDocument uploads a grammY InputFile as multipart; the call records the file name and bytes', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const bytes = Buffer.from('%PDF-1.4 fake report\n'.repeat(1000));
    const msg = await api.sendDocument(1001, new InputFile(bytes, 'informe marzo;final.pdf'), {
      caption: '<b>Informe</b> listo',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Ver', url: 'https://example.test/informe' }]] },
    });
    expect(msg.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Ver', url: 'https://example.test/informe' }]] });
    expect(msg.document).toMatchObject({
      file_name: 'informe marzo;final.pdf',
      mime_type: 'application/pdf',
      file_size: bytes.length,
    });
    expect(msg).toMatchObject({ caption: 'Informe listo', caption_entities: [{ type: 'bold', offset: 0, length: 7 }] });

    const [call] = fake.sent(1001);
    expect(call?.method).toBe('sendDocument');
    const upload = call?.params.document as UploadedFile;
    expect(upload).toMatchObject({
      kind: 'upload',
      fileName: 'informe marzo;final.pdf',
      size: bytes.length,
      fileId: msg.document?.file_id,
    });
    expect(readFileSync(upload.path).equals(bytes)).toBe(true);
    expect(fake.fileBytes(msg.document?.file_id ?? '').equals(bytes)).toBe(true);
    expect(String(call?.params.chat_id)).toBe('1001');

    // A video from a path on disk, streamed by grammY; then sent again by file_id.
    const clip = randomBytes(64 * 1024);
    const sentVideo = await api.sendVideo(1001, new InputFile(writeTemp(clip, 'clip.mp4')), { duration: 3 });
    expect(sentVideo.video).toMatchObject({ duration: 3, file_name: 'clip.mp4', file_size: clip.length });
    const again = await api.sendVideo(1001, sentVideo.video?.file_id ?? '');
    expect(again.video?.file_unique_id).toBe(sentVideo.video?.file_unique_id);
    const file = await api.getFile(sentVideo.video?.file_id ?? '');
    const res = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(clip)).toBe(true);

    // An album of uploads: attach:// references inside the media JSON.
    const group: Message[] = await api.sendMediaGroup(1001, [
      { type: 'photo', media: new InputFile(randomBytes(1500), 'a.jpg'), caption: 'uno' },
      { type: 'video', media: new InputFile(clip, 'b.mp4') },
    ]);
    expect(group).toHaveLength(2);
    expect(group[0]?.media_group_id).toBe(group[1]?.media_group_id);
    expect(group[0]).toMatchObject({ caption: 'uno', photo: [{ file_size: 1500 }, { file_size: 1500 }] });
    expect(group[1]?.video).toMatchObject({ file_name: 'b.mp4', file_size: clip.length });
  });

  test('offline(true) refuses connections; offline(false) listens again on the same port', async () => {
    const fake = await start();
    const api = apiFor(fake);
    const root = fake.apiRoot;
    expect((await api.getMe()).is_bot).toBe(true);
    await fake.offline(true);
    const err = await rejection(fetch(`${root}/bot${fake.token}/getMe`));
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(await rejection(api.getMe())).toBeInstanceOf(HttpError);
    await fake.offline(false);
    expect(fake.apiRoot).toBe(root);
    const res = await fetch(`${root}/bot${fake.token}/getMe`);
    expect(res.status).toBe(200);
    expect((await api.getMe()).is_bot).toBe(true);
  });

  test('wrong token is 401, unknown method 404, and form and JSON bodies mean the same', async () => {
    const fake = await start();
    const wrong = await fetch(`${fake.apiRoot}/bot1:nope/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    const unknown = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });

    const form = await fetch(`${fake.apiRoot}/bot${fake.token}/SENDMESSAGE`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: '77',
        text: 'por formulario',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] }),
      }),
    });
    const answer = (await form.json()) as {
      ok: boolean;
      result: { text: string; chat: { id: number }; reply_markup: unknown };
    };
    expect(answer.ok).toBe(true);
    expect(answer.result).toMatchObject({
      text: 'por formulario',
      chat: { id: 77 },
      reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] },
    });
    expect(fake.sent(77)[0]?.params.reply_markup).toEqual({ inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] });
    const missing = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage?chat_id=77`);
    expect(await missing.json()).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message text is empty',
    });
  });

  test('commands per scope; inline buttons, callbacks and albums', async () => {
    const fake = await start();
    const api = apiFor(fake);
    await api.setMyCommands([{ command: 'status', description: 'Estado' }]);
    await api.setMyCommands([{ command: 'jobs', description: 'Trabajos' }], { scope: { type: 'chat', chat_id: 1001 } });
    expect(await api.getMyCommands()).toEqual([{ command: 'status', description: 'Estado' }]);
    expect(await api.getMyCommands({ scope: { type: 'chat', chat_id: 1001 } })).toEqual([
      { command: 'jobs', description: 'Trabajos' },
    ]);
    expect(fake.commands({ type: 'chat', chat_id: 1001 })).toEqual([{ command: 'jobs', description: 'Trabajos' }]);

    const msg = await api.sendMessage(1001, '¿Reintentar?', {
      reply_markup: { inline_keyboard: [[{ text: 'Sí', callback_data: 'retry:7' }]] },
    });
    const press = fake.callback(ana, 'retry:7', msg.message_id);
    const [update] = await api.getUpdates();
    expect(update).toEqual(press);
    expect(update?.callback_query).toMatchObject({
      data: 'retry:7',
      from: { id: 1001 },
      message: { message_id: msg.message_id, text: '¿Reintentar?' },
    });
    expect(await api.answerCallbackQuery(update?.callback_query?.id ?? '', { text: 'Hecho' })).toBe(true);
    expect((await grammyError(api.answerCallbackQuery(update?.callback_query?.id ?? ''))).error_code).toBe(400);

    const album = fake.album(ana, [
      { kind: 'photo', file: { bytes: randomBytes(2000) } },
      { kind: 'video', file: { bytes: randomBytes(3000) } },
      { kind: 'document', file: { bytes: randomBytes(1000), fileName: 'notes.txt' } },
    ]);
    const got = await api.getUpdates({ offset: (update?.update_id ?? 0) + 1 });
    expect(got).toEqual(album);
    const groups = new Set(got.map((u) => u.message?.media_group_id));
    expect(groups.size).toBe(1);
    expect([...groups][0]).toMatch(/^\d+$/);
    const photo = got[0]?.message?.photo ?? [];
    expect(photo).toHaveLength(2);
    expect((photo[1]?.width ?? 0) > (photo[0]?.width ?? 0)).toBe(true);
    expect(got[2]?.message?.document).toMatchObject({
      file_name: 'notes.txt',
      mime_type: 'text/plain',
      file_size: 1000,
    });
  });

  test('a hand-written multipart body in tiny chunks: odd headers, boundary-like bytes in the file', async () => {
    const fake = await start();
    const boundary = 'XyZ-123';
    const content = Buffer.concat([
      Buffer.from('start\r\n--XyZ-12'),
      randomBytes(5000),
      Buffer.from('\r\n--XyZ-1 end'),
    ]);
    const body = Buffer.concat([
      Buffer.from(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name=chat_id\r\n\r\n555`),
      Buffer.from(
        `\r\n--${boundary}\r\ncontent-disposition:form-data;name="caption"\r\ncontent-type: text/plain; charset=utf-8\r\n\r\nño`,
      ),
      Buffer.from(`\r\n--${boundary}\r\nCONTENT-DISPOSITION: form-data; filename="datos.csv"; name="document"\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${fake.apiRoot}/bot${fake.token}/sendDocument`,
        { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary="${boundary}"` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < body.length; i += 7) req.write(body.subarray(i, i + 7));
      req.end();
    });
    expect(JSON.parse(answer)).toMatchObject({
      ok: true,
      result: {
        chat: { id: 555 },
        caption: 'ño',
        document: { file_name: 'datos.csv', mime_type: 'text/csv', file_size: content.length },
      },
    });
    const upload = fake.sent(555)[0]?.params.document as UploadedFile;
    expect(readFileSync(upload.path).equals(content)).toBe(true);
  });

  test('multipart content-disposition is read leniently', () => {
    expect(parseDisposition(';name="abc";filename=my file;v2.pdf')).toEqual({
      name: 'abc',
      fileName: 'my file;v2.pdf',
    });
    expect(parseDisposition('; name="document"; filename="a \\"b\\".pdf"')).toEqual({
      name: 'document',
      fileName: 'a "b".pdf',
    });
    expect(parseDisposition("; name=photo; filename*=UTF-8''foto%20a%C3%B1o.jpg")).toEqual({
      name: 'photo',
      fileName: 'foto año.jpg',
    });
  });
});

function writeTemp(bytes: Buffer, name: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

// /retry for a failed download (issue 10.4) and an album item that comes late (issue 10.7): the file goes back with
// its job and the answer says what was queued; the late item is reported, not silently taken.
import { afterEach, describe, expect, it } from 'vitest';
import { IntakeRecords } from '../../src/pipeline/intake/index.ts';
import type { Service } from '../../src/main.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { ADMIN, STAFF, startBotService, textOf } from '../support/bot-service.ts';
import { eventually } from '../support/stores.ts';

let fake: FakeBotApi | null = null;
let service: Service | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  service = null;
  fake = null;
});

describe('/retry', () => {
  it('runs a failed download again: the file is reset, downloaded and stored, and the answer counts the download', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake, {}, undefined)).service;
    const records = new IntakeRecords(service.store);
    fake.fail('getFile', { status: 400, description: 'Bad Request: file is too big' });
    fake.document(STAFF, { bytes: Buffer.from('%PDF-1.4 retry me\n'), fileName: 'f.pdf', mimeType: 'application/pdf' });
    await eventually(
      async () => (await records.db.selectFrom('files').select('state').executeTakeFirst())?.state === 'failed',
      'download failed',
    );
    const file = await records.db.selectFrom('files').selectAll().executeTakeFirstOrThrow();
    const getFiles = fake.requests('getFile');

    fake.command(ADMIN, `/retry ${file.id}`);
    const answer = await fake.waitFor(
      (c) => c.params.chat_id === ADMIN.id && textOf(c).startsWith('De vuelta en la cola'),
    );
    expect(textOf(answer)).toBe(`De vuelta en la cola: 1 descarga y 0 facturas (archivos #${file.id}).`);
    await eventually(async () => (await records.file(file.id))?.state === 'stored', 'stored after the retry');
    expect(fake.requests('getFile')).toBe(getFiles + 1);
    expect((await records.file(file.id))?.error).toBeNull();

    fake.command(ADMIN, `/retry ${file.id}`);
    const again = await fake.waitFor((c) => c.params.chat_id === ADMIN.id && textOf(c).startsWith('Nada falló'));
    // Its invoice job may still wait or be done by now: either way, in the admin's language.
    expect(textOf(again)).toMatch(
      new RegExp(
        `^Nada falló: nada volvió a la cola\\.\\nEl archivo #${file.id} (no falló|ya está en espera o en proceso)\\.$`,
      ),
    );
  });
});

describe('a late album item', () => {
  it("gets a receipt of its own when it comes after the album's receipt (issue 10.7)", async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const pdf = (i: number) => ({
      kind: 'document' as const,
      file: { bytes: Buffer.from(`%PDF-1.4 late ${i}\n`), fileName: `l-${i}.pdf`, mimeType: 'application/pdf' },
    });
    const [first] = fake.album(STAFF, [pdf(1), pdf(2)]);
    await fake.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).startsWith('Recibí 2 facturas'));
    const group = first?.message?.media_group_id;
    fake.document(STAFF, pdf(3).file, { mediaGroupId: group });
    const late = await fake.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).startsWith('Recibí tu factura'));
    expect(textOf(late)).toMatch(/^Recibí tu factura \(lote b_[0-9a-f]{8}\)\.$/);
  });
});

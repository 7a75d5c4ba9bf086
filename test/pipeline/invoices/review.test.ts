// The way out of review (issue 9 item 9): `centinela invoices approve|reject ID [--field k=v]` and the same as admin
// buttons on /review, each decision recorded with who and when; and the advice for a scanned PDF without a key.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../../src/main.ts';
import {
  InvoiceRecords,
  ReviewRecords,
  NO_TEXT_LAYER as NO_TEXT_LAYER_MESSAGE,
  NO_TEXT_LAYER_WITH_VISION as NO_TEXT_LAYER_WITH_VISION_MESSAGE,
  fromCfdi,
  parseCfdi,
} from '../../../src/pipeline/invoices/index.ts';
import type { InvoiceRow } from '../../../src/pipeline/invoices/index.ts';
import { emptyInvoice } from '../../../src/pipeline/invoices/empty.ts';
import { invoiceFromPdfText } from '../../../src/pipeline/invoices/from-pdf.ts';
import { createTranslator } from '../../../src/bot/i18n.ts';
import { reviewKeyboard } from '../../../src/bot/review-buttons.ts';
import { startFakeBotApi } from '../../fakes/telegram/index.ts';
import type { FakeBotApi } from '../../fakes/telegram/index.ts';
import { ADMIN, STAFF, startBotService, textOf } from '../../support/bot-service.ts';
import { REPO, runCli, tempDir } from '../../support/service.ts';
import { openSpec } from '../../support/store-spec.ts';
import { STORE_KINDS, createTestStore, eventually } from '../../support/stores.ts';
import { OutcomeRecords } from '../../../src/pipeline/invoices/index.ts';
import { render } from '../../../src/core/messages.ts';
import { english } from '../../../src/locales/index.ts';
import { englishOutcomes, englishProblems } from '../../support/english.ts';

// Kept as messages: their English words, as an English reader sees them.
const NO_TEXT_LAYER = render(NO_TEXT_LAYER_MESSAGE, english);
const NO_TEXT_LAYER_WITH_VISION = render(NO_TEXT_LAYER_WITH_VISION_MESSAGE, english);

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
let fake: FakeBotApi | null = null;
let service: Service | null = null;
afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  service = null;
  fake = null;
});

/** A PDF reading waiting for review, as the heuristic leaves one whose total it could not confirm. */
const doubtful = () => ({
  ...emptyInvoice(),
  source: 'pdf',
  issuer_rfc: 'EKU9003173C9',
  number: 'A-1',
  issued_at: '2024-05-12',
  subtotal: '1000.00',
  transferred: '160.00',
  total: '1.00',
  problems: JSON.stringify(['low confidence (0.55): the amounts do not add up']),
});

describe('centinela invoices approve|reject', () => {
  it('approves with corrections and rejects, recording who and when, and says what it cannot do', async () => {
    const cwd = tempDir('centinela-review-');
    const store = await openSpec({ kind: 'sqlite', dataDir: join(cwd, 'data') });
    const records = new InvoiceRecords(store);
    const first = (await records.add(doubtful(), 1, 'pdf')).invoice;
    const second = (await records.add({ ...doubtful(), number: 'A-2' }, 2, 'pdf')).invoice;
    const stamped = (await records.add(fromCfdi(parseCfdi(readFileSync(join(FIXTURES, 'cfdi40-real.xml')))), 3, 'xml'))
      .invoice;
    mkdirSync(join(cwd, 'data/pending'), { recursive: true });
    writeFileSync(join(cwd, 'data/pending', `${first.id}.json`), '{}');
    await store.close();

    const review = await runCli(['invoices', 'review'], { cwd });
    expect(review.stdout).toContain('decide: centinela invoices approve ID');
    // The same ids as /review: the invoice and the file it came from (issue 10.10).
    expect(review.stdout).toContain(
      `invoice #${first.id} · file #1 · invoice · EKU9003173C9 · 1.00: low confidence (0.55): the amounts do not add up\n`,
    );

    const before = Date.now();
    const approved = await runCli(
      [
        'invoices',
        'approve',
        `#${first.id}`,
        '--field',
        'total=1,160.00',
        '--field',
        'issuer_name=Proveedor Ejemplo',
        '--by',
        'ana',
      ],
      { cwd },
    );
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(
      new RegExp(
        `^invoice #${first.id} approved by ana \\(cli\\) at \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z; total 1\\.00 → 1160\\.00, issuer_name ∅ → Proveedor Ejemplo\\n$`,
      ),
    );
    // Its review copy for people working from files is gone with it.
    expect(existsSync(join(cwd, 'data/pending', `${first.id}.json`))).toBe(false);

    const rejected = await runCli(
      ['invoices', 'reject', String(second.id), '--reason', 'not ours', '--by', 'luis', '--json'],
      { cwd },
    );
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout)).toMatchObject({
      invoice: { id: second.id, status: 'rejected' },
      review: { decision: 'rejected', by_name: 'luis (cli)', reason: 'not ours', changes: {} },
    });

    // Nothing more to decide on those, nor on an invoice that never waited; a bad id, field or value is a usage error.
    const again = await runCli(['invoices', 'approve', String(first.id)], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(
        `invoice #${first.id} is ok \\(approved by ana \\(cli\\) at .+\\), not waiting for review: nothing was changed`,
      ),
    );
    expect((await runCli(['invoices', 'reject', String(stamped.id)], { cwd })).stderr).toContain(
      `invoice #${stamped.id} is ok, not waiting for review`,
    );
    expect((await runCli(['invoices', 'approve', '999'], { cwd })).stderr).toContain('there is no invoice #999');
    const badField = await runCli(['invoices', 'approve', String(stamped.id), '--field', 'colour=red'], { cwd });
    expect(badField.code).toBe(2);
    expect(badField.stderr).toContain(
      '"colour" is not a field a review can correct; the fields are number, series, issuedAt',
    );
    const badValue = await runCli(['invoices', 'approve', String(stamped.id), '--field', 'issuedAt=31/02/2024'], {
      cwd,
    });
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('the issue date "31/02/2024" is not a date');
    expect((await runCli(['invoices', 'approve', 'x'], { cwd })).code).toBe(2);

    const reopened = await openSpec({ kind: 'sqlite', dataDir: join(cwd, 'data') });
    const rows = await new InvoiceRecords(reopened).db.selectFrom('invoices').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.status, r.total])).toEqual([
      ['ok', '1160.00'],
      ['rejected', '1.00'],
      ['ok', stamped.total],
    ]);
    const [decision] = await new ReviewRecords(reopened).of(first.id);
    expect(decision).toMatchObject({
      decision: 'approved',
      by_name: 'ana (cli)',
      changes: JSON.stringify({
        total: { from: '1.00', to: '1160.00' },
        issuer_name: { from: null, to: 'Proveedor Ejemplo' },
      }),
    });
    expect(Number(decision?.at)).toBeGreaterThanOrEqual(before);
    await reopened.close();
  });
});

describe.each(STORE_KINDS)('a rejected invoice on %s', (kind) => {
  it('stays rejected: a later file of it is a duplicate of that decision, even its XML', async () => {
    const testStore = await createTestStore(kind);
    try {
      const records = new InvoiceRecords(testStore.store);
      const xml = fromCfdi(parseCfdi(readFileSync(join(FIXTURES, 'cfdi40-real.xml'))));
      const pdf = (await records.add({ ...doubtful(), uuid: xml.uuid, issuer_rfc: xml.issuer_rfc }, 1, 'pdf')).invoice;
      const before = Date.now();
      const decided = await new ReviewRecords(testStore.store).decide(pdf.id, {
        decision: 'rejected',
        by: 'ana (cli)',
      });
      expect(decided).toMatchObject({
        invoice: { status: 'rejected' },
        review: { decision: 'rejected', by_name: 'ana (cli)', changes: '{}' },
      });
      expect(Number(decided.review.at)).toBeGreaterThanOrEqual(before);
      await expect(
        new ReviewRecords(testStore.store).decide(pdf.id, { decision: 'approved', by: 'luis (cli)' }),
      ).rejects.toThrow(/is rejected \(rejected by ana \(cli\) at 20\d\d-/);
      const again = await records.add(xml, 2, 'xml', { item: 0, duplicateWhen: 'same-role' });
      expect(again).toMatchObject({
        existing: true,
        outcome: 'duplicate',
        invoice: { id: pdf.id, status: 'rejected', source: 'cfdi' },
      });
      const [outcome] = englishOutcomes(await new OutcomeRecords(testStore.store).forFile(2));
      expect(outcome?.reason).toBe(
        `the same as invoice #${pdf.id} (issuer ${xml.issuer_rfc}, UUID ${xml.uuid}), recorded before and rejected in review`,
      );
    } finally {
      await testStore.cleanup();
    }
  });
});

describe('/review buttons', () => {
  it('puts Approve and Reject under each invoice for admins, and records the press with the admin and the time', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const records = new InvoiceRecords(service.store);
    const a = (await records.add(doubtful(), 1, 'pdf')).invoice;
    const b = (await records.add({ ...doubtful(), number: 'A-2' }, 2, 'pdf')).invoice;
    fake.command(ADMIN, '/review');
    const list = await fake.waitFor(
      (c) =>
        c.method === 'sendMessage' &&
        c.params.chat_id === ADMIN.id &&
        textOf(c).startsWith('2 facturas esperan revisión:'),
    );
    const button = (id: number, action: string, text: string) => ({ text, callback_data: `inv:${action}:${id}` });
    expect(list.params.reply_markup).toEqual({
      inline_keyboard: [
        [button(b.id, 'approve', `✅ Aprobar #${b.id}`), button(b.id, 'reject', `✖ Rechazar #${b.id}`)],
        [button(a.id, 'approve', `✅ Aprobar #${a.id}`), button(a.id, 'reject', `✖ Rechazar #${a.id}`)],
      ],
    });
    const messageId = (list.result as { message_id: number }).message_id;
    const press = async (from: typeof ADMIN, data: string) => {
      const id = fake!.callback(from, data, messageId).callback_query?.id;
      return fake!.waitFor((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === id);
    };
    // Staff may not decide: refused, nothing changed.
    expect((await press(STAFF, `inv:approve:${a.id}`)).params.show_alert).toBe(true);
    const status = async (id: number): Promise<InvoiceRow['status'] | undefined> =>
      (await records.db.selectFrom('invoices').select('status').where('id', '=', id).executeTakeFirst())?.status;
    expect(await status(a.id)).toBe('review');

    expect((await press(ADMIN, `inv:approve:${a.id}`)).params.text).toBe(`Factura #${a.id} aprobada.`);
    expect((await press(ADMIN, `inv:reject:${b.id}`)).params.text).toBe(`Factura #${b.id} rechazada.`);
    await eventually(
      async () => (await status(a.id)) === 'ok' && (await status(b.id)) === 'rejected',
      'decisions stored',
    );
    const reviews = new ReviewRecords(service.store);
    expect(await reviews.of(a.id)).toMatchObject([{ decision: 'approved', by_name: `Ana (telegram ${ADMIN.id})` }]);
    // A second press on an old message says what happened instead of deciding twice.
    expect(String((await press(ADMIN, `inv:reject:${a.id}`)).params.text)).toMatch(
      new RegExp(
        `^invoice #${a.id} is ok \\(approved by Ana \\(telegram ${ADMIN.id}\\) at .+\\), not waiting for review`,
      ),
    );
    expect(await reviews.of(a.id)).toHaveLength(1);
  });
});

describe('/review ids', () => {
  it('shows each invoice with its file ids, the #N /batch shows and /retry takes, and a word for a missing value', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const records = new InvoiceRecords(service.store);
    const a = (await records.add(doubtful(), 7, 'pdf')).invoice;
    await records.db.insertInto('invoice_files').values({ invoice_id: a.id, file_id: 9, role: 'xml' }).execute();
    const b = (await records.add({ ...emptyInvoice(), source: 'photo', problems: '[]' }, 8, 'photo')).invoice;
    fake.command(ADMIN, '/review');
    const list = await fake.waitFor(
      (c) =>
        c.method === 'sendMessage' &&
        c.params.chat_id === ADMIN.id &&
        textOf(c).startsWith('2 facturas esperan revisión:'),
    );
    expect(textOf(list).split('\n').slice(1)).toEqual([
      `Factura #${b.id} · archivo #8 · sin RFC del emisor · sin total: sin motivo registrado`,
      `Factura #${a.id} · archivos #7, #9 · EKU9003173C9 · 1.00: low confidence (0.55): the amounts do not add up`,
    ]);
    // /retry takes the file id as it is written there.
    fake.command(ADMIN, '/retry #8');
    const retried = textOf(
      await fake.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === ADMIN.id && c !== list),
    );
    expect(retried).not.toContain('Uso: /retry');
    expect(retried).toContain('No hay archivo #8.');
  });
});

describe('/review buttons of a large invoice id', () => {
  it('write the id as /review does, without a thousands separator', () => {
    const tr = createTranslator();
    const row = { ...doubtful(), id: 12345, created_at: 0, updated_at: 0 } as InvoiceRow;
    expect(reviewKeyboard([row], (key, vars) => tr.t('en', key, vars))[0]?.map((b) => b.text)).toEqual([
      '✅ Approve #12345',
      '✖ Reject #12345',
    ]);
    expect(reviewKeyboard([row], (key, vars) => tr.t('es', key, vars))[0]?.map((b) => b.text)).toEqual([
      '✅ Aprobar #12345',
      '✖ Rechazar #12345',
    ]);
  });
});

describe('/review with many long reasons', () => {
  it('still fits one message with its buttons: each reason is cut to its start', async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    const records = new InvoiceRecords(service.store);
    const long = `${'the amounts do not add up and more; '.repeat(20)}end`;
    for (let i = 0; i < 25; i++)
      await records.add({ ...doubtful(), number: `L-${i}`, problems: JSON.stringify([long]) }, 100 + i, 'pdf');
    fake.command(ADMIN, '/review');
    const list = await fake.waitFor(
      (c) =>
        c.method === 'sendMessage' &&
        c.params.chat_id === ADMIN.id &&
        textOf(c).startsWith('20 facturas esperan revisión:'),
    );
    expect(textOf(list).length).toBeLessThanOrEqual(4096);
    expect(list.result).toBeDefined(); // the fake Bot API accepted it
    expect((list.params.reply_markup as { inline_keyboard: unknown[] }).inline_keyboard).toHaveLength(20);
  });
});

describe('a scanned PDF', () => {
  it('is not answered with "send a photo" when nothing here can read a photo either', () => {
    const scan = { pages: [''], hasText: false };
    const withoutKey = englishProblems(invoiceFromPdfText(scan, new Date(), false).problems);
    expect(withoutKey).toEqual([NO_TEXT_LAYER]);
    expect(NO_TEXT_LAYER).not.toMatch(/(?<!set OPENAI_API_KEY and )send a photo/);
    expect(NO_TEXT_LAYER).toContain('centinela invoices approve ID');
    expect(englishProblems(invoiceFromPdfText(scan, new Date(), true).problems)).toEqual([NO_TEXT_LAYER_WITH_VISION]);
    expect(NO_TEXT_LAYER_WITH_VISION).toContain('send a photo of it instead');
  });
});

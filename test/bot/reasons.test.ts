// Invoice problem reasons and /status in the reader's language (issue 10.8): a Spanish staff member's batch summary
// and a Spanish admin's /review and /status are Spanish from the locale files, an English reader's English; reasons
// are kept as messages, so the same stored reason reads in both.
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/main.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi, FakeUser } from '../fakes/telegram/index.ts';
import { ADMIN, STAFF, startBotService, textOf } from '../support/bot-service.ts';
import { INVOICE_LINES, textPdf } from '../support/invoice-data.ts';

const ADMIN_EN: FakeUser = { id: 1010, first_name: 'Ann', language_code: 'en' };
const STAFF_EN: FakeUser = { id: 2020, first_name: 'Lou', language_code: 'en' };
const USERS = [
  { id: ADMIN.id, name: 'Ana', role: 'admin', language: 'es' },
  { id: ADMIN_EN.id, name: 'Ann', role: 'admin', language: 'en' },
  { id: STAFF.id, name: 'Luis', role: 'staff', language: 'es' },
  { id: STAFF_EN.id, name: 'Lou', role: 'staff', language: 'en' },
];

let fake: FakeBotApi | null = null;
let service: Service | null = null;

afterEach(async () => {
  await service?.stop('test over');
  await fake?.close();
  service = null;
  fake = null;
});

/** An album of two invoice PDFs: one that adds up, one whose total is 100.00 more than subtotal and IVA. */
function album(
  number: string,
): Array<{ kind: 'document'; file: { bytes: Buffer; fileName: string; mimeType: string } }> {
  const lines = INVOICE_LINES.map((l) => (l.startsWith('Factura No.') ? `Factura No. ${number}` : l));
  const wrong = lines.map((l) =>
    l.startsWith('Factura No.') ? `Factura No. ${number}-X` : l === 'Total 1,160.00' ? 'Total 1,260.00' : l,
  );
  return [
    { kind: 'document', file: { bytes: textPdf(lines), fileName: `${number}.pdf`, mimeType: 'application/pdf' } },
    { kind: 'document', file: { bytes: textPdf(wrong), fileName: `${number}-mal.pdf`, mimeType: 'application/pdf' } },
  ];
}

describe("problem reasons in the reader's language", () => {
  it("a Spanish staff member's summary and a Spanish admin's /review are Spanish; English readers read English", async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake, { CENTINELA_TELEGRAM_USERS: JSON.stringify(USERS) })).service;
    const to = (user: FakeUser) => (c: { params: Record<string, unknown> }) => c.params.chat_id === user.id;

    fake.album(STAFF, album('A-1'));
    const es = textOf(await fake.waitFor((c) => to(STAFF)(c) && textOf(c).includes('terminado'), 20_000));
    expect(es).toContain('\nFacturas: 1 correcta, 1 para revisar, 0 repetidas, 0 con error.');
    expect(es).toMatch(
      /\n• #\d+ A-1-mal\.pdf: para revisar — los importes no cuadran: subtotal 1,000\.00 − descuento 0\.00 \+ impuestos trasladados 160\.00 − impuestos retenidos 0\.00 = 1,160\.00, pero el total es 1,260\.00 \(diferencia de 100\.00\)/,
    );
    expect(es).not.toMatch(/the amounts|to review|row /);

    fake.album(STAFF_EN, album('B-1'));
    const en = textOf(await fake.waitFor((c) => to(STAFF_EN)(c) && textOf(c).includes(' done: '), 20_000));
    expect(en).toContain('\nInvoices: 1 ok, 1 to review, 0 duplicates, 0 with errors.');
    expect(en).toMatch(
      /\n• #\d+ B-1-mal\.pdf: to review — the amounts do not add up: subtotal 1,000\.00 − discount 0\.00 \+ transferred taxes 160\.00 − withheld taxes 0\.00 = 1,160\.00, but the total is 1,260\.00 \(off by 100\.00\)/,
    );

    // The same stored reasons, in each admin's language.
    fake.command(ADMIN, '/review');
    const review = textOf(
      await fake.waitFor((c) => to(ADMIN)(c) && textOf(c).startsWith('2 facturas esperan revisión:')),
    );
    expect(review.match(/: los importes no cuadran: subtotal 1,000\.00/g)).toHaveLength(2);
    expect(review).not.toContain('the amounts');
    fake.command(ADMIN_EN, '/review');
    const reviewEn = textOf(
      await fake.waitFor((c) => to(ADMIN_EN)(c) && textOf(c).startsWith('2 invoices wait for review:')),
    );
    expect(reviewEn.match(/: the amounts do not add up: subtotal 1,000\.00/g)).toHaveLength(2);
  });

  it("answers /status in the admin's language", async () => {
    fake = await startFakeBotApi();
    service = (await startBotService(fake, { CENTINELA_TELEGRAM_USERS: JSON.stringify(USERS) })).service;
    fake.command(ADMIN, '/status');
    const es = textOf(await fake.waitFor((c) => c.params.chat_id === ADMIN.id && textOf(c).startsWith('centinela')));
    expect(es).toMatch(/^centinela \S+: en marcha \(pid \d+, desde hace /);
    expect(es).toMatch(/^almacén: sqlite .* bien$/m);
    expect(es).toMatch(/^módulo bot: en marcha \(/m);
    expect(es).toMatch(/^cola invoice\.process: /m);
    expect(es).not.toMatch(/: running|store:|module |queue /);
    fake.command(ADMIN_EN, '/status');
    const en = textOf(await fake.waitFor((c) => c.params.chat_id === ADMIN_EN.id && textOf(c).startsWith('centinela')));
    expect(en).toMatch(/^centinela \S+: running \(pid \d+, up /);
    expect(en).toMatch(/^module bot: running \(/m);
  });
});

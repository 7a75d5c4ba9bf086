// The web page's records on SQLite and PostgreSQL: one-time links (used once, expired after 10 minutes, kept as
// hashes), sessions (expire, end with the user's listing), the audit log, and the invoice search the pages ask for.
import { afterEach, describe, expect, it } from 'vitest';
import { withTables } from '../../src/core/store/index.ts';
import { InvoiceSearch } from '../../src/pipeline/invoices/index.ts';
import type { InvoiceTables } from '../../src/pipeline/invoices/index.ts';
import { Audit, LINK_VALID_MS, WebAuth } from '../../src/web/index.ts';
import type { WebTables } from '../../src/web/index.ts';
import { STORE_KINDS, createTestStore } from '../support/stores.ts';
import type { TestStore } from '../support/stores.ts';
import { addInvoice } from '../support/web.ts';

const USERS = [
  { id: 1001, name: 'Ana', role: 'admin' as const, language: 'es' as const },
  { id: 3003, name: 'Victor', role: 'model' as const, folder: 'victor', language: 'en' as const },
];

let t: TestStore | null = null;
afterEach(async () => {
  await t?.cleanup();
  t = null;
});

describe.each(STORE_KINDS)('web records on %s', (kind) => {
  it('signs in once per link, within 10 minutes, and keeps only hashes', async () => {
    t = await createTestStore(kind);
    let now = 1_800_000_000_000;
    const auth = new WebAuth(t.store, USERS, 14, () => now);
    await expect(auth.createLink(4242)).rejects.toThrow('user 4242 is not in telegram.users');
    const token = await auth.createLink(1001);
    const used = await auth.useLink(token);
    if ('refused' in used) throw new Error(`refused: ${used.refused}`);
    expect(used.user.name).toBe('Ana');
    expect(await auth.useLink(token)).toEqual({ refused: 'used' });
    expect(await auth.useLink('no-such-token')).toEqual({ refused: 'unknown' });

    const late = await auth.createLink(3003);
    now += LINK_VALID_MS + 1;
    expect(await auth.useLink(late)).toEqual({ refused: 'expired' });

    const session = await auth.session(used.session);
    expect(session?.user.id).toBe(1001);
    expect(session?.csrf).toMatch(/^[\w-]{40,}$/);
    const db = withTables<WebTables>(t.store);
    const stored = JSON.stringify([
      await db.selectFrom('web_links').selectAll().execute(),
      await db.selectFrom('web_sessions').selectAll().execute(),
    ]);
    for (const secret of [token, late, used.session]) expect(stored).not.toContain(secret);

    // The session lasts web.session_days; a user taken off telegram.users is out at once.
    now += 14 * 86_400_000;
    expect(await auth.session(used.session)).toBeNull();
    const again = await auth.useLink(await auth.createLink(1001));
    if ('refused' in again) throw new Error('refused');
    expect(await new WebAuth(t.store, USERS.slice(1), 14, () => now).session(again.session)).toBeNull();
    await auth.end(again.session);
    expect(await auth.session(again.session)).toBeNull();
  });

  it('writes the audit log newest first, and finds invoices by issuer, RFC, UUID, date, total and status', async () => {
    t = await createTestStore(kind);
    const audit = new Audit(t.store);
    await audit.record('Ana (telegram 1001)', 'invoice approved', 'invoice #1');
    await audit.record('Ana (telegram 1001)', 'incident ack', 'incident #2', 'note');
    expect((await audit.page(10, 0)).map((r) => r.action)).toEqual(['incident ack', 'invoice approved']);

    for (let n = 1; n <= 30; n++) await addInvoice(t.store, n, n % 10 === 0 ? 'review' : 'ok');
    const search = new InvoiceSearch(t.store);
    const ids = async (f: Parameters<InvoiceSearch['page']>[0]): Promise<string[]> =>
      (await search.page(f, 100, 0)).rows.map((r) => r.number ?? '').sort((a, b) => Number(a) - Number(b));
    expect(await ids({ text: 'proveedor 2' })).toEqual(['2', ...Array.from({ length: 10 }, (_, i) => String(20 + i))]);
    expect(await ids({ text: 'aaa0101007' })).toEqual(['7']);
    expect(await ids({ text: '00000013-0000' })).toEqual(['13']);
    // A % or _ in the text is that character, not a wildcard.
    await withTables<InvoiceTables>(t.store)
      .updateTable('invoices')
      .set({ issuer_name: 'Jugos 100% Natural_MX' })
      .where('number', '=', '5')
      .execute();
    expect(await ids({ text: '100% natural_' })).toEqual(['5']);
    expect(await ids({ status: 'review' })).toEqual(['10', '20', '30']);
    expect(await ids({ from: '2026-03-01', to: '2026-03-31' })).toEqual(['2', '14', '26']);
    expect(await ids({ minTotal: 140, maxTotal: 142 })).toEqual(['24', '25', '26']);
    const page = await search.page({}, 10, 10);
    expect(page.total).toBe(30);
    expect(page.rows.map((r) => r.number)).toEqual(['20', '19', '18', '17', '16', '15', '14', '13', '12', '11']);
  });
});

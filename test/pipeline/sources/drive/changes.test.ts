// The Drive source in `changes` mode against the fake Drive, on SQLite and PostgreSQL: a backlog, then only what
// changed; moves, folders moved in, trash and restore, new content, Google Docs; a change during the first listing.
import { afterEach, describe, expect, test } from 'vitest';
import { driveHarness } from '../../../support/drive.ts';
import type { DriveHarness } from '../../../support/drive.ts';
import { STORE_KINDS } from '../../../support/stores.ts';

let h: DriveHarness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

const names = async (x: DriveHarness): Promise<string[]> => (await x.taken()).map((f) => f.file_name ?? '');

describe.each(STORE_KINDS)('Drive changes mode (%s)', (kind) => {
  test('a backlog is taken once, then only what changed; the folder path travels with the file', async () => {
    h = await driveHarness(kind, { page_size: 2, batch_size: 2 });
    const { fake, root } = h;
    const sub = fake.addFolder({ name: '2026', parent: root });
    for (let i = 0; i < 5; i++) fake.addFile({ name: `f${i}.pdf`, parent: i % 2 ? sub : root, content: `pdf ${i}` });
    fake.addFile({ name: 'notes.docx', parent: root });
    const first = await h.sync();
    expect(first.exitCode).toBe(0);
    expect((await names(h)).sort()).toEqual(['f0.pdf', 'f1.pdf', 'f2.pdf', 'f3.pdf', 'f4.pdf']);
    expect(first.metrics.files_downloaded).toBe(5);
    expect(first.metrics.invoices_ignored_total).toBe(1);
    expect(first.metrics.page_token_after?.['user']).toBeTruthy();
    const f1 = (await h.taken()).find((f) => f.file_name === 'f1.pdf');
    expect(f1?.folder).toBe('Facturas/2026');
    expect(f1?.state).toBe('stored');

    const calls = fake.apiCalls();
    const noop = await h.sync();
    expect(noop.metrics.files_downloaded).toBe(0);
    expect(fake.apiCalls() - calls).toBe(1); // one changes.list, nothing else
    expect(noop.metrics.page_token_before).toEqual(first.metrics.page_token_after);

    fake.addFile({ name: 'new.xml', parent: sub, content: '<x/>' });
    const third = await h.sync();
    expect(third.metrics.files_downloaded).toBe(1);
    expect((await names(h)).length).toBe(6);
  });

  test('moved in with an old modifiedTime, a folder moved in with files, trashed then restored, new content', async () => {
    h = await driveHarness(kind);
    const { fake, root } = h;
    const outside = fake.addFolder({ name: 'Otros' });
    const old = fake.addFile({ name: 'old.pdf', parent: outside, modifiedTime: '2019-01-01T00:00:00.000Z' });
    const folder = fake.addFolder({ name: 'Proveedor', parent: outside });
    fake.addFile({ name: 'inside-1.pdf', parent: folder, modifiedTime: '2018-05-01T00:00:00.000Z' });
    const deeper = fake.addFolder({ name: 'Enero', parent: folder });
    fake.addFile({ name: 'inside-2.pdf', parent: deeper });
    const x = fake.addFile({ name: 'x.pdf', parent: root, content: 'x v1' });
    const trashedFirst = fake.addFile({ name: 'back.pdf', parent: root, content: 'back' });
    fake.trash(trashedFirst);
    await h.sync();
    expect(await names(h)).toEqual(['x.pdf']);

    fake.move(old, root);
    fake.move(folder, root);
    fake.restore(trashedFirst);
    fake.modify(x, 'x v2');
    const run = await h.sync();
    expect(run.exitCode).toBe(0);
    expect((await names(h)).sort()).toEqual(['back.pdf', 'inside-1.pdf', 'inside-2.pdf', 'old.pdf', 'x.pdf', 'x.pdf']);
    expect((await h.taken()).find((f) => f.file_name === 'inside-2.pdf')?.folder).toBe('Facturas/Proveedor/Enero');

    // Trashed and restored again, moved out and back: the same content is never taken twice.
    fake.trash(x);
    await h.sync();
    fake.restore(x);
    fake.move(old, outside);
    await h.sync();
    fake.move(old, root);
    const again = await h.sync();
    expect(again.metrics.files_downloaded).toBe(0);
    expect((await names(h)).length).toBe(6);
    // Unshared: recorded as removed; what was taken stays in the intake (nothing is deleted here).
    const before = (await h.taken()).length;
    fake.unshare(x);
    await h.sync();
    const row = await h.ts.store.db
      .selectFrom('drive_files' as never)
      .select(['state' as never])
      .where('id' as never, '=', x as never)
      .executeTakeFirst();
    expect(row?.['state' as never]).toBe('removed');
    expect((await h.taken()).length).toBe(before);
    // A folder moved out takes its files out of the tree: new files there are not taken.
    fake.move(folder, outside);
    await h.sync();
    fake.addFile({ name: 'after-out.pdf', parent: deeper });
    expect((await h.sync()).metrics.files_downloaded).toBe(0);
  });

  test('a Google Doc is exported as PDF, or skipped with a reason', async () => {
    h = await driveHarness(kind);
    h.fake.addGoogleDoc({ name: 'Factura marzo', parent: h.root });
    const run = await h.sync();
    const [doc] = await h.taken();
    expect(doc?.file_name).toBe('Factura marzo.pdf');
    expect(doc?.mime_type).toBe('application/pdf');
    expect(run.metrics.files_downloaded).toBe(1);
    await h.cleanup();
    h = await driveHarness(kind, { google_docs: 'skip' });
    h.fake.addGoogleDoc({ name: 'Factura marzo', parent: h.root });
    const skipped = await h.sync();
    expect(await h.taken()).toEqual([]);
    expect(skipped.metrics.invoices_ignored_total).toBe(1);
  });

  test('a change made during the first listing is not lost', async () => {
    h = await driveHarness(kind, { page_size: 1, max_pages_per_run: 2 });
    const { fake, root } = h;
    const a = fake.addFile({ name: 'a.pdf', parent: root, content: 'a' });
    fake.addFile({ name: 'b.pdf', parent: root, content: 'b' });
    fake.addFile({ name: 'c.pdf', parent: root, content: 'c' });
    const first = await h.sync(); // 2 pages: the listing is not done
    expect(first.metrics.listing_incomplete).toBe(true);
    fake.modify(a, 'a, corrected'); // already listed: only changes can bring it
    const outside = fake.addFolder({ name: 'elsewhere' });
    const d = fake.addFile({ name: 'd.pdf', parent: outside, modifiedTime: '2015-01-01T00:00:00.000Z' });
    fake.move(d, root); // in a folder whose listing is past it
    for (let i = 0; i < 5 && (await h.sync()).metrics.listing_incomplete; i++);
    for (let i = 0; i < 3; i++) await h.sync({ maxPages: 10 });
    expect((await names(h)).sort()).toEqual(['a.pdf', 'a.pdf', 'b.pdf', 'c.pdf', 'd.pdf']);
  });

  test('same bytes as a file from another source or another Drive file: recorded as a duplicate', async () => {
    h = await driveHarness(kind);
    h.fake.addFile({ name: 'one.pdf', parent: h.root, content: 'same bytes' });
    h.fake.addFile({ name: 'two.pdf', parent: h.root, content: 'same bytes' });
    const run = await h.sync();
    const states = (await h.taken()).map((f) => f.state).sort();
    expect(states).toEqual(['duplicate', 'stored']);
    expect(run.metrics.invoices_duplicate_total).toBe(1);
  });

  test('a reconcile lists the whole tree and counts what changes had not brought', async () => {
    h = await driveHarness(kind, { reconcile: '1s' });
    const { fake, root } = h;
    const sub = fake.addFolder({ name: 'sub', parent: root });
    fake.addFile({ name: 'a.pdf', parent: root, content: 'a' });
    const lost = fake.addFile({ name: 'b.pdf', parent: sub, content: 'b' });
    const first = await h.sync();
    expect(first.metrics.reconcile_missed_files).toBeNull(); // the first listing is not a reconcile
    // As if a change had never come: the file is unknown to the source.
    await h.ts.store.db
      .deleteFrom('drive_files' as never)
      .where('id' as never, '=', lost as never)
      .execute();
    await new Promise((r) => setTimeout(r, 1100));
    const reconcile = await h.sync();
    expect(reconcile.metrics.reconcile_missed_files).toBe(1);
    expect(reconcile.metrics.files_downloaded).toBe(1);
    const quiet = await h.sync();
    expect(quiet.metrics.reconcile_missed_files ?? 0).toBe(0); // when due again, it finds nothing
    expect(quiet.metrics.files_downloaded).toBe(0);
  });
});

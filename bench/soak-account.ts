// The soak's accounting, read from the store once the service has stopped: every file sent has exactly one outcome,
// nothing was stored or read twice, every admin message went out.
import { withTables } from '../src/core/store/index.ts';
import type { PostTables } from '../src/pipeline/content/index.ts';
import type { OutcomeTables } from '../src/pipeline/invoices/index.ts';
import type { InvoiceTables } from '../src/pipeline/invoices/records.ts';
import type { IntakeTables } from '../src/pipeline/intake/records.ts';
import type { OutboxTables } from '../src/outbox/index.ts';
import { openSpec } from '../test/support/store-spec.ts';
import type { SentFile } from './soak-load.ts';

/** Where a post or an invoice file may rest: each is one outcome. A post `unknown` has been put to the admins. */
const POST_ENDS = new Set(['sent', 'unknown', 'failed', 'missed', 'cancelled']);
const REFUSED = new Set(['failed', 'rejected']);

export interface SoakAccount {
  accounted: number;
  /** Sent files with no outcome yet, or more than one; by route, for the note. */
  unaccounted: Record<string, number>;
  /** Files stored twice plus invoices recorded twice. */
  duplicates: number;
  alertsUndelivered: number;
}

export async function account(dataDir: string, sent: readonly SentFile[]): Promise<SoakAccount> {
  const store = await openSpec({ kind: 'sqlite', dataDir });
  try {
    const db = withTables<IntakeTables & OutcomeTables & InvoiceTables & PostTables & OutboxTables>(store);
    const files = await db.selectFrom('files').select(['id', 'sha256', 'state']).execute();
    const outcomes = new Set((await db.selectFrom('item_outcomes').select('file_id').execute()).map((r) => r.file_id));
    const posts = new Map(
      (await db.selectFrom('posts').select(['file_id', 'state']).execute()).map((p) => [p.file_id, p.state]),
    );
    const bySha = new Map<string, typeof files>();
    for (const f of files) {
      if (f.sha256 === null || f.state === 'duplicate') continue; // a re-sent copy, told to its sender as such
      bySha.set(f.sha256, [...(bySha.get(f.sha256) ?? []), f]);
    }
    let accounted = 0;
    let storedTwice = 0;
    const unaccounted: Record<string, number> = {};
    for (const s of sent) {
      const rows = bySha.get(s.sha256) ?? [];
      if (rows.length > 1) storedTwice += rows.length - 1;
      const [row] = rows;
      const ended =
        rows.length === 1 &&
        row !== undefined &&
        (REFUSED.has(row.state) ||
          (s.kind === 'invoice' ? outcomes.has(row.id) : POST_ENDS.has(String(posts.get(row.id)))));
      if (ended) accounted++;
      else unaccounted[s.route] = (unaccounted[s.route] ?? 0) + 1;
    }
    // Every invoice of the soak has its own UUID: two rows with one UUID are one file read twice.
    const uuids = await db
      .selectFrom('invoices')
      .select((eb) => ['uuid', eb.fn.countAll<number>().as('n')])
      .where('uuid', 'is not', null)
      .groupBy('uuid')
      .execute();
    const readTwice = uuids.reduce((sum, u) => sum + Math.max(0, Number(u.n) - 1), 0);
    const waiting = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '!=', 'sent')
      .executeTakeFirstOrThrow();
    return { accounted, unaccounted, duplicates: storedTwice + readTwice, alertsUndelivered: Number(waiting.n) };
  } finally {
    await store.close();
  }
}

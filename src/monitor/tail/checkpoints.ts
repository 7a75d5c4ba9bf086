// Reads and writes the tailer's checkpoints. A batch of checkpoints is one upsert statement, so a crash leaves
// either all of a batch or none of it, never half.
import { z } from 'zod';
import { withTables } from '../../core/store/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { TailTables } from './migration.ts';

const rowSchema = z.object({
  id: z.string().min(1),
  path: z.string(),
  dev: z.string(),
  ino: z.string(),
  fingerprint: z.string(),
  fp_len: z.coerce.number().int().min(0),
  byte_offset: z.coerce.number().int().min(0),
  state: z.enum(['live', 'retired', 'gone']),
  updated_at: z.coerce.number(),
});

export type CheckpointRow = z.infer<typeof rowSchema>;

/** Rows that are not live are kept this long (a retired one may still meet its rotated copy), then deleted. */
export const KEEP_FINISHED_MS = 7 * 24 * 3600_000;

export class CheckpointRecords {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  get #db() {
    return withTables<TailTables>(this.#store);
  }

  /** Every checkpoint; a row that does not parse is a bug or a hand edit, and is named in the error. */
  async load(): Promise<CheckpointRow[]> {
    const rows = await this.#db.selectFrom('tail_checkpoints').selectAll().execute();
    return rows.map((row) => {
      const parsed = rowSchema.safeParse(row);
      if (!parsed.success) {
        throw new Error(
          `tail_checkpoints row ${String(row.id)} is malformed (${parsed.error.issues[0]?.message ?? 'invalid'}); delete that row to re-read the file`,
        );
      }
      return parsed.data;
    });
  }

  /** One statement for the whole batch. */
  async save(rows: readonly CheckpointRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#db
      .insertInto('tail_checkpoints')
      .values(rows.map((r) => ({ ...r })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          path: eb.ref('excluded.path'),
          dev: eb.ref('excluded.dev'),
          ino: eb.ref('excluded.ino'),
          fingerprint: eb.ref('excluded.fingerprint'),
          fp_len: eb.ref('excluded.fp_len'),
          byte_offset: eb.ref('excluded.byte_offset'),
          state: eb.ref('excluded.state'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  /** Deletes finished and retired rows older than `before` (epoch ms). */
  async prune(before: number): Promise<void> {
    await this.#db
      .deleteFrom('tail_checkpoints')
      .where('state', '<>', 'live')
      .where('updated_at', '<', before)
      .execute();
  }
}

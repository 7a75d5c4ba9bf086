// Whether a live intake source (Telegram polling) takes files right now, shared through the settings table: the
// process that runs the source writes it, the monitor and `/status` of any process read it.
import { z } from 'zod';
import type { Store } from '../../core/store/index.ts';

/** running: updates flow; waiting: the source retries (Bot API down, polls failing); off: it will not retry (401); stopped: clean stop. */
export const SOURCE_STATES = ['running', 'waiting', 'off', 'stopped'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

const healthSchema = z.object({
  state: z.enum(SOURCE_STATES),
  /** When it entered this state. */
  since: z.number(),
  /** Why it is not running; null when it is. */
  detail: z.string().nullable(),
  /** Last time the source heard from its server (a poll that came back); null before the first. */
  lastOkAt: z.number().nullable(),
});
export type SourceHealth = z.infer<typeof healthSchema>;

const keyOf = (source: string): string => `intake.source.${source}`;

export async function writeSourceHealth(store: Store, source: string, health: SourceHealth): Promise<void> {
  const value = JSON.stringify(health);
  const now = Date.now();
  await store.db
    .insertInto('settings')
    .values({ key: keyOf(source), value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

/** The source's last written health; null when it never ran (or wrote something this version cannot read). */
export async function readSourceHealth(store: Store, source: string): Promise<SourceHealth | null> {
  const row = await store.db.selectFrom('settings').select('value').where('key', '=', keyOf(source)).executeTakeFirst();
  if (!row) return null;
  try {
    const parsed = healthSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// The queue's tables: jobs, cron schedules, and heartbeats of running modules.
import { sql } from 'kysely';
import { addAutoId } from '../migrate.ts';
import type { StoreMigration } from '../migrate.ts';

export const coreMigration: StoreMigration = {
  name: '0001_core',
  async up(db, kind) {
    await addAutoId(db.schema.createTable('jobs'), kind)
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('key', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('backoff_base_ms', 'integer', (c) => c.notNull())
      .addColumn('backoff_cap_ms', 'integer', (c) => c.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('worker', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    // The claim query: waiting jobs of a queue, due first, in priority order.
    await db.schema.createIndex('jobs_claim').on('jobs').columns(['queue', 'state', 'priority', 'run_at']).execute();
    await db.schema.createIndex('jobs_lease').on('jobs').columns(['state', 'lease_until']).execute();
    await db.schema.createIndex('jobs_worker').on('jobs').columns(['worker', 'state']).execute();
    // A key dedups only while its job is live; a finished job's key may be enqueued again.
    await sql`create unique index jobs_key_live on jobs (key) where state in ('waiting', 'active')`.execute(db);

    await db.schema
      .createTable('schedules')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('tz', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('next_run_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('heartbeats')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('module', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('beat_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

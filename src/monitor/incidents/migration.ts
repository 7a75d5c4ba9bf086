// The monitor's tables: incidents and their state changes, and what alerts keep (silences, notices sent or muted).
// One migration for both folders: alerts are about incidents and are created with them.
import { sql } from 'kysely';
import { addAutoId } from '../../core/store/index.ts';
import type { StoreMigration } from '../../core/store/index.ts';
import { OPEN_STATES_SQL } from './tables.ts';

export const incidentsMigration: StoreMigration = {
  name: '0510_monitor_incidents',
  async up(db, kind) {
    await addAutoId(db.schema.createTable('incidents'), kind)
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('error_type', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('action', 'text')
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('first_seen', 'bigint', (c) => c.notNull())
      .addColumn('last_seen', 'bigint', (c) => c.notNull())
      .addColumn('state_changed_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .addColumn('acked_by', 'text')
      .addColumn('acked_at', 'bigint')
      .addColumn('retry_requested', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // One open incident per fingerprint, whichever process records it: record() upserts on this index.
    await sql`create unique index incidents_open_fingerprint on incidents (fingerprint) where state in ${sql.raw(OPEN_STATES_SQL)}`.execute(
      db,
    );
    await db.schema.createIndex('incidents_last_seen').on('incidents').columns(['last_seen', 'id']).execute();
    await db.schema.createIndex('incidents_type').on('incidents').columns(['error_type', 'state']).execute();
    await sql`create index incidents_retry on incidents (id) where retry_requested = 1`.execute(db);

    await addAutoId(db.schema.createTable('incident_events'), kind)
      .addColumn('incident_id', 'bigint', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .execute();
    await db.schema
      .createIndex('incident_events_incident')
      .on('incident_events')
      .columns(['incident_id', 'id'])
      .execute();

    await addAutoId(db.schema.createTable('silences'), kind)
      .addColumn('matcher', 'text', (c) => c.notNull())
      .addColumn('until', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('silences_until').on('silences').columns(['until']).execute();

    // One row per piece of news about an incident: queued by notify(), claimed and sent (or muted) by flush().
    await addAutoId(db.schema.createTable('alert_notices'), kind)
      .addColumn('incident_id', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('muted_reason', 'text')
      .addColumn('claim', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_at', 'bigint')
      .addColumn('done_at', 'bigint')
      .execute();
    await db.schema.createIndex('alert_notices_state').on('alert_notices').columns(['state', 'created_at']).execute();
    await db.schema.createIndex('alert_notices_incident').on('alert_notices').columns(['incident_id', 'id']).execute();
  },
};

// Where each container's log was read up to (Docker's nanosecond timestamp of the last line handed on), so that a
// restarted monitor asks Docker for the lines `since` then: nothing read twice, nothing missed while it was down.
import type { Kysely } from 'kysely';
import { withTables } from '../../core/store/index.ts';
import type { Database, Store, StoreMigration } from '../../core/store/index.ts';

export interface DockerLogCheckpointsTable {
  container: string;
  /** Nanoseconds as decimal text: beyond 2^53, so neither a double nor (portably) an integer column holds them. */
  since_ns: string;
  updated_at: number;
}

export interface DockerTables {
  monitor_docker_logs: DockerLogCheckpointsTable;
}

export const dockerMigration: StoreMigration = {
  name: '0530_monitor_docker',
  async up(db) {
    await db.schema
      .createTable('monitor_docker_logs')
      .addColumn('container', 'text', (c) => c.primaryKey())
      .addColumn('since_ns', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

export class LogCheckpoints {
  readonly #db: Kysely<Database & DockerTables>;

  constructor(store: Store) {
    this.#db = withTables<DockerTables>(store);
  }

  async get(container: string): Promise<bigint | null> {
    const row = await this.#db
      .selectFrom('monitor_docker_logs')
      .select('since_ns')
      .where('container', '=', container)
      .executeTakeFirst();
    return row && /^\d+$/.test(row.since_ns) ? BigInt(row.since_ns) : null;
  }

  async set(container: string, sinceNs: bigint, now = Date.now()): Promise<void> {
    const values = { container, since_ns: sinceNs.toString(), updated_at: now };
    await this.#db
      .insertInto('monitor_docker_logs')
      .values(values)
      .onConflict((oc) => oc.column('container').doUpdateSet({ since_ns: values.since_ns, updated_at: now }))
      .execute();
  }
}

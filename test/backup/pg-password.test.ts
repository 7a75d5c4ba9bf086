// PostgreSQL backup and restore against a server that checks passwords: pg_dump and pg_restore log in with the
// password from DATABASE_URL, which they get in PGPASSWORD and never on their command line (wrappers record it).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup, runBackup } from '../../src/backup/index.ts';
import { MIGRATIONS } from '../../src/main.ts';
import { createDatabase, startPostgres } from '../support/postgres.ts';
import type { PostgresServer } from '../support/postgres.ts';
import { tempDir } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';

const PASSWORD = 'Backup pass@/:? 1';

describe('PostgreSQL backup with a password', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres({ fsync: false, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('logs in through PGPASSWORD only, and restores the rows', async () => {
    const bin = tempDir('centinela-pgbin-');
    const record = join(bin, 'calls.txt');
    for (const tool of ['pg_dump', 'pg_restore']) {
      const wrapper = join(bin, tool);
      writeFileSync(
        wrapper,
        `#!/bin/sh\necho "${tool} $*" >> '${record}'\n[ -n "$PGPASSWORD" ] && echo "${tool} has PGPASSWORD" >> '${record}'\nexec /usr/bin/${tool} "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
    }
    const source = await createDatabase(server.url);
    const target = await createDatabase(server.url);
    const store = await openSpec({ kind: 'postgres', dataDir: tempDir(), databaseUrl: source.url });
    try {
      await sql`create table load_rows (id integer primary key)`.execute(store.db);
      await sql`insert into load_rows (id) select generate_series(1, 50)`.execute(store.db);
      const r = await runBackup({
        store,
        databaseUrl: source.url,
        dir: tempDir('centinela-backups-'),
        keep: 2,
        version: 'test',
        pgBin: bin,
      });
      expect(r.manifest.location).not.toContain('pass');
      const lines = await restoreBackup({
        path: r.path,
        dataDir: tempDir(),
        databaseUrl: target.url,
        knownMigrations: MIGRATIONS.map((m) => m.name),
        pgBin: bin,
        dryRun: false,
        force: false,
      });
      expect(lines.join('\n')).not.toContain('pass');
    } finally {
      await store.close();
    }
    const restored = await openSpec({ kind: 'postgres', dataDir: tempDir(), databaseUrl: target.url });
    try {
      const n = await sql<{ n: number }>`select count(*)::int as n from load_rows`.execute(restored.db);
      expect(n.rows[0]?.n).toBe(50);
    } finally {
      await restored.close();
      await source.drop();
      await target.drop();
    }
    const calls = readFileSync(record, 'utf8');
    expect(calls).toContain('pg_dump has PGPASSWORD');
    expect(calls).toContain('pg_restore has PGPASSWORD');
    expect(calls).not.toContain('pass@');
    expect(calls).not.toContain(encodeURIComponent(PASSWORD));
  }, 120_000);
});

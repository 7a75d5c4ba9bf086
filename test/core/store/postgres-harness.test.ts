import pg from 'pg';
import { expect, inject, test } from 'vitest';
import { createDatabase, startPostgres } from '../../support/postgres.ts';

test('createDatabase gives a fresh, usable database on the shared server', async () => {
  const db = await createDatabase(inject('postgresUrl'));
  const client = new pg.Client({ connectionString: db.url });
  try {
    await client.connect();
    await client.query('CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)');
    await client.query('INSERT INTO note (body) VALUES ($1)', ['hola']);
    const { rows } = await client.query<{ body: string }>('SELECT body FROM note');
    expect(rows).toEqual([{ body: 'hola' }]);
  } finally {
    await client.end();
    await db.drop();
  }
});

test('startPostgres runs a durable cluster by default and stop() shuts it down', async () => {
  const server = await startPostgres();
  const client = new pg.Client({ connectionString: server.url });
  try {
    await client.connect();
    const { rows } = await client.query<{ fsync: string }>("SELECT current_setting('fsync') AS fsync");
    expect(rows[0]?.fsync).toBe('on');
  } finally {
    await client.end();
    await server.stop();
  }
  await server.stop(); // safe to call twice

  const again = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
  await expect(again.connect()).rejects.toThrow();
});

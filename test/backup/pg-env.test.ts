// pg_dump and pg_restore reach the server through libpq's variables: the password only in PGPASSWORD.
import { describe, expect, it } from 'vitest';
import { pgEnv } from '../../src/backup/index.ts';

describe('pgEnv', () => {
  it('splits DATABASE_URL into libpq variables, decoding the password, mapping TLS modes', () => {
    expect(
      pgEnv('postgres://ana%40x:p%40ss%2Fw@db.example.com:6543/centinela?sslmode=no-verify&sslrootcert=/ca.crt'),
    ).toEqual({
      PGHOST: 'db.example.com',
      PGPORT: '6543',
      PGDATABASE: 'centinela',
      PGUSER: 'ana@x',
      PGPASSWORD: 'p@ss/w',
      PGSSLMODE: 'require',
      PGSSLROOTCERT: '/ca.crt',
    });
    expect(pgEnv('postgres://u@[::1]/d?host=/var/run/postgresql')).toMatchObject({
      PGHOST: '/var/run/postgresql',
      PGDATABASE: 'd',
    });
  });
});

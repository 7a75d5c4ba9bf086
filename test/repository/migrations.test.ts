// Kysely's migrator refuses a migration whose name sorts before one a store has already run: a new migration must
// sort after every earlier one, or every existing install stops at start after the upgrade.
import { describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../../src/store-setup.ts';

describe('migrations', () => {
  test('are listed in the order their names sort, each name once', () => {
    const names = MIGRATIONS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (let i = 1; i < names.length; i++)
      expect(names[i]! > names[i - 1]!, `${names[i]} must sort after ${names[i - 1]}`).toBe(true);
  });
});

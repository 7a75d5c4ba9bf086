// Small shared state that every process must see the same: intake paused, and why.
import type { StoreMigration } from '../migrate.ts';

export const settingsMigration: StoreMigration = {
  name: '0002_settings',
  async up(db) {
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

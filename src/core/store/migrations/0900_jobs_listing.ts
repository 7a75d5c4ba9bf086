// A queue's jobs of one state, newest first, a page at a time (the web page's Queue list): without this index a
// long history is read and sorted for every page.
import type { StoreMigration } from '../migrate.ts';

export const jobsListingMigration: StoreMigration = {
  name: '0900_jobs_listing',
  async up(db) {
    await db.schema.createIndex('jobs_listing').on('jobs').columns(['queue', 'state', 'id']).execute();
  },
};

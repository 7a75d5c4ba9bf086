// What the sender wrote with a file (the caption of its Telegram message): the content pipeline puts it in the
// prompt of a video's caption and in the creator's template.
import type { StoreMigration } from '../../core/store/index.ts';

export const fileCaptionMigration: StoreMigration = {
  name: '0620_intake_file_caption',
  async up(db) {
    await db.schema.alterTable('files').addColumn('caption', 'text').execute();
  },
};

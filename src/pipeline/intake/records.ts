// File records and batches: every received file is a row before anything else happens to it, so a crash at any
// later point loses nothing; the unique indexes make a re-delivered update record nothing twice.
import { createHash, randomBytes } from 'node:crypto';
import type { Generated, Kysely, Selectable } from 'kysely';
import { withTables } from '../../core/store/index.ts';
import type { Database, Store } from '../../core/store/index.ts';

export type FileKind = 'video' | 'document' | 'photo';
export type Purpose = 'video' | 'invoice';
/** received → stored (or duplicate | failed | rejected); waiting while intake is paused. */
export type FileState = 'received' | 'stored' | 'duplicate' | 'failed' | 'rejected';
export const FINAL_FILE_STATES: readonly FileState[] = ['stored', 'duplicate', 'failed', 'rejected'];

export interface FilesTable {
  id: Generated<number>;
  source: string;
  kind: FileKind;
  purpose: Purpose;
  state: FileState;
  batch_id: string | null;
  sender_id: number | null;
  sender_name: string | null;
  chat_id: number | null;
  message_id: number | null;
  update_id: number | null;
  media_group_id: string | null;
  file_id: string | null;
  file_unique_id: string | null;
  file_name: string | null;
  mime_type: string | null;
  size: number | null;
  folder: string | null;
  path: string | null;
  sha256: string | null;
  duplicate_of: number | null;
  error: string | null;
  /** What the sender wrote with the file (its Telegram message's caption); null when nothing (migration 0620). */
  caption: string | null;
  created_at: number;
  updated_at: number;
}

export type BatchState = 'open' | 'closed' | 'done';

export interface BatchesTable {
  id: string;
  source: string;
  purpose: Purpose;
  chat_id: number | null;
  sender_id: number | null;
  language: string;
  state: BatchState;
  media_group_id: string | null;
  /** JSON of tags an upload gave (company, user); null otherwise. */
  tags: string | null;
  receipt_message_id: number | null;
  progress_message_id: number | null;
  /** Files done when the progress message was last written: it is edited only when this changes. */
  progress_done: number | null;
  closes_at: number;
  created_at: number;
  updated_at: number;
}

export interface IntakeTables {
  files: FilesTable;
  batches: BatchesTable;
}

export type FileRow = Selectable<FilesTable>;
export type BatchRow = Selectable<BatchesTable>;
type Db = Kysely<Database & IntakeTables>;

/** Values per `in (…)` (hashes, file ids): well within SQLite's and PostgreSQL's bound parameters. */
const IN_CHUNK = 500;

export interface NewFile {
  source: string;
  kind: FileKind;
  purpose: Purpose;
  senderId: number;
  senderName: string;
  chatId: number;
  messageId: number;
  updateId: number;
  mediaGroupId: string | null;
  /** Telegram's id of the file (the `file_id` column), not our row number. */
  telegramFileId: string;
  telegramFileUniqueId: string;
  fileName: string | null;
  mimeType: string | null;
  size: number | null;
  folder: string | null;
  /** The caption of the Telegram message the file came with. */
  caption?: string | null;
}

export class IntakeRecords {
  readonly db: Db;

  constructor(store: Store) {
    this.db = withTables<IntakeTables>(store);
  }

  /**
   * Records a file and puts it in a batch, in one transaction. An update seen before returns its existing row
   * with `created: false`. Items of one album share a batch; single files from the same sender and chat within
   * `windowMs` of the batch's last file join it too.
   */
  async record(
    file: NewFile,
    language: string,
    windowMs: number,
    albumWaitMs: number,
    /** Runs in the recording transaction for a new file (its receipt goes into the outbox there): all or nothing. */
    also?: (trx: Kysely<Database>, recorded: { file: FileRow; batch: BatchRow; newBatch: boolean }) => Promise<void>,
  ): Promise<{ file: FileRow; batch: BatchRow; created: boolean; newBatch: boolean }> {
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      const seen = await trx
        .selectFrom('files')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('update_id', '=', file.updateId),
            eb.and([
              eb('chat_id', '=', file.chatId),
              eb('message_id', '=', file.messageId),
              eb('file_unique_id', '=', file.telegramFileUniqueId),
            ]),
          ]),
        )
        .executeTakeFirst();
      if (seen) {
        const batch = await trx
          .selectFrom('batches')
          .selectAll()
          .where('id', '=', seen.batch_id as string)
          .executeTakeFirstOrThrow();
        return { file: seen, batch, created: false, newBatch: false };
      }
      const closesAt = now + (file.mediaGroupId ? albumWaitMs : Math.max(albumWaitMs, windowMs));
      let batch = await this.#openBatch(trx, file, now);
      let newBatch = false;
      if (batch) {
        await trx
          .updateTable('batches')
          .set({ closes_at: closesAt, updated_at: now })
          .where('id', '=', batch.id)
          .execute();
        batch = { ...batch, closes_at: closesAt, updated_at: now };
      } else {
        const fresh: BatchRow = {
          // Items of an album arrive at once and are handled concurrently: they agree on the batch id.
          id: file.mediaGroupId ? albumBatchId(file.chatId, file.mediaGroupId) : newBatchId(),
          source: file.source,
          purpose: file.purpose,
          chat_id: file.chatId,
          sender_id: file.senderId,
          language,
          state: 'open',
          media_group_id: file.mediaGroupId,
          tags: null,
          receipt_message_id: null,
          progress_message_id: null,
          progress_done: null,
          closes_at: closesAt,
          created_at: now,
          updated_at: now,
        };
        const inserted = await trx
          .insertInto('batches')
          .values(fresh)
          .onConflict((oc) => oc.column('id').doNothing())
          .returningAll()
          .executeTakeFirst();
        newBatch = inserted !== undefined;
        batch =
          inserted ??
          (await trx.selectFrom('batches').selectAll().where('id', '=', fresh.id).executeTakeFirstOrThrow());
      }
      const row = await trx
        .insertInto('files')
        .values({
          source: file.source,
          kind: file.kind,
          purpose: file.purpose,
          state: 'received',
          batch_id: batch.id,
          sender_id: file.senderId,
          sender_name: file.senderName,
          chat_id: file.chatId,
          message_id: file.messageId,
          update_id: file.updateId,
          media_group_id: file.mediaGroupId,
          file_id: file.telegramFileId,
          file_unique_id: file.telegramFileUniqueId,
          file_name: file.fileName,
          mime_type: file.mimeType,
          size: file.size,
          folder: file.folder,
          caption: file.caption ?? null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await also?.(trx as unknown as Kysely<Database>, { file: row, batch, newBatch });
      return { file: row, batch, created: true, newBatch };
    });
  }

  /** The open batch this file belongs to: its album's, or the sender's recent run of single files. */
  async #openBatch(trx: Db, file: NewFile, now: number): Promise<BatchRow | undefined> {
    // An album's batch is found by its id (see albumBatchId); otherwise the sender's open run of single files.
    if (file.mediaGroupId)
      return trx
        .selectFrom('batches')
        .selectAll()
        .where('id', '=', albumBatchId(file.chatId, file.mediaGroupId))
        .executeTakeFirst();
    return trx
      .selectFrom('batches')
      .selectAll()
      .where('state', '=', 'open')
      .where('chat_id', '=', file.chatId)
      .where('sender_id', '=', file.senderId)
      .where('purpose', '=', file.purpose)
      .where('media_group_id', 'is', null)
      .where('closes_at', '>', now)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /**
   * Records an uploaded batch in one transaction, its files already on disk: either the whole batch is
   * recorded or none of it (an upload cut off half way leaves nothing behind). Same bytes as a stored file
   * make a `duplicate` of it. `inside` runs in the same transaction (queueing the files' jobs): a store lost
   * half way leaves neither a file without its job nor a job without its file.
   */
  async recordUpload(
    batch: { source: string; purpose: Purpose; tags: Record<string, string> },
    files: Array<{
      kind: FileKind;
      fileName: string;
      mimeType: string | null;
      size: number;
      path: string;
      sha256: string;
      /** Where it was at its source (a Drive folder path). */
      folder?: string | null;
    }>,
    inside?: (trx: Kysely<Database>, files: FileRow[]) => Promise<void>,
  ): Promise<{ batch: BatchRow; files: FileRow[] }> {
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      const row: BatchRow = {
        id: newBatchId(),
        source: batch.source,
        purpose: batch.purpose,
        chat_id: null,
        sender_id: null,
        language: 'es',
        state: 'closed',
        media_group_id: null,
        tags: Object.keys(batch.tags).length ? JSON.stringify(batch.tags) : null,
        receipt_message_id: null,
        progress_message_id: null,
        progress_done: null,
        closes_at: now,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('batches').values(row).execute();
      // The first stored file with each file's bytes, read once for the whole upload; a file of this upload
      // becomes that for the later ones with the same bytes.
      const firstStored = new Map<string, number>();
      const hashes = [...new Set(files.map((f) => f.sha256))];
      for (let i = 0; i < hashes.length; i += IN_CHUNK) {
        const rows = await trx
          .selectFrom('files')
          .select(['id', 'sha256'])
          .where('sha256', 'in', hashes.slice(i, i + IN_CHUNK))
          .where('state', '=', 'stored')
          .orderBy('id')
          .execute();
        for (const r of rows) if (r.sha256 !== null && !firstStored.has(r.sha256)) firstStored.set(r.sha256, r.id);
      }
      const out: FileRow[] = [];
      for (const f of files) {
        const earlier = firstStored.get(f.sha256) ?? null;
        const inserted = await trx
          .insertInto('files')
          .values({
            source: batch.source,
            kind: f.kind,
            purpose: batch.purpose,
            state: earlier === null ? 'stored' : 'duplicate',
            duplicate_of: earlier,
            batch_id: row.id,
            file_name: f.fileName,
            mime_type: f.mimeType,
            size: f.size,
            path: f.path,
            sha256: f.sha256,
            folder: f.folder ?? null,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        if (earlier === null) firstStored.set(f.sha256, inserted.id);
        out.push(inserted);
      }
      await inside?.(trx as unknown as Kysely<Database>, out);
      return { batch: row, files: out };
    });
  }

  async file(id: number): Promise<FileRow | undefined> {
    return this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * What the sender wrote with the file: its own caption, else (an album item) the first caption of its album, as
   * Telegram puts an album's caption on one item; '' when nothing.
   */
  async textWith(file: Pick<FileRow, 'caption' | 'batch_id' | 'media_group_id'>): Promise<string> {
    if (file.caption) return file.caption;
    if (file.media_group_id === null || file.batch_id === null) return '';
    const first = await this.db
      .selectFrom('files')
      .select('caption')
      .where('batch_id', '=', file.batch_id)
      .where('media_group_id', '=', file.media_group_id)
      .where('caption', 'is not', null)
      .where('caption', '!=', '')
      .orderBy('message_id')
      .orderBy('id')
      .executeTakeFirst();
    return first?.caption ?? '';
  }

  async batch(id: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Batches of a purpose, newest first, a page at a time (the web page's list). */
  async recentBatches(purpose: Purpose, limit: number, offset = 0): Promise<BatchRow[]> {
    return this.db
      .selectFrom('batches')
      .selectAll()
      .where('purpose', '=', purpose)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  async batchFiles(id: string): Promise<FileRow[]> {
    return this.db.selectFrom('files').selectAll().where('batch_id', '=', id).orderBy('id').execute();
  }

  /** The files of many batches, in the order they arrived. */
  async filesOfBatches(batchIds: readonly string[]): Promise<FileRow[]> {
    if (batchIds.length === 0) return [];
    return this.db.selectFrom('files').selectAll().where('batch_id', 'in', batchIds).orderBy('id').execute();
  }

  /**
   * Batches with work left, newest first, at most `limit`: a file still arriving, or one of `fileIds` (files a
   * pipeline is still working on).
   */
  async batchesWithWork(fileIds: readonly number[], limit: number): Promise<BatchRow[]> {
    const batchIds = new Set<string>();
    const arriving = await this.db
      .selectFrom('files')
      .select('batch_id')
      .distinct()
      .where('state', '=', 'received')
      .execute();
    for (const r of arriving) if (r.batch_id) batchIds.add(r.batch_id);
    for (let i = 0; i < fileIds.length; i += IN_CHUNK) {
      const rows = await this.db
        .selectFrom('files')
        .select('batch_id')
        .distinct()
        .where('id', 'in', fileIds.slice(i, i + IN_CHUNK))
        .execute();
      for (const r of rows) if (r.batch_id) batchIds.add(r.batch_id);
    }
    if (batchIds.size === 0) return [];
    return this.db
      .selectFrom('batches')
      .selectAll()
      .where('id', 'in', [...batchIds].slice(0, 1000))
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  async updateFile(id: number, patch: Partial<Omit<FileRow, 'id'>>): Promise<void> {
    await this.db
      .updateTable('files')
      .set({ ...patch, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  async updateBatch(id: string, patch: Partial<Omit<BatchRow, 'id'>>): Promise<void> {
    await this.db
      .updateTable('batches')
      .set({ ...patch, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  /** Records the progress shown, only if it is newer than what is recorded (runs of one batch job may race). */
  async advanceProgress(id: string, done: number, messageId: number | null): Promise<void> {
    await this.db
      .updateTable('batches')
      .set((eb) => ({
        progress_done: done,
        progress_message_id: eb.fn.coalesce('progress_message_id', eb.val(messageId)),
        updated_at: Date.now(),
      }))
      .where('id', '=', id)
      .where((eb) => eb.or([eb('progress_done', 'is', null), eb('progress_done', '<', done)]))
      .execute();
  }

  /** A file with these bytes recorded from `source` before (the inbox takes a file once), if any. */
  async fromSource(source: string, sha256: string): Promise<Pick<FileRow, 'id'> | undefined> {
    return this.db
      .selectFrom('files')
      .select('id')
      .where('sha256', '=', sha256)
      .where('source', '=', source)
      .executeTakeFirst();
  }

  /** The stored file with the same bytes from the same sender, if any: "already received on <date>". */
  async sameBytes(sha256: string, senderId: number | null, exceptId: number): Promise<FileRow | undefined> {
    let q = this.db
      .selectFrom('files')
      .selectAll()
      .where('sha256', '=', sha256)
      .where('state', '=', 'stored')
      .where('id', '!=', exceptId);
    q = senderId === null ? q.where('sender_id', 'is', null) : q.where('sender_id', '=', senderId);
    return q.orderBy('id').executeTakeFirst();
  }
}

export function albumBatchId(chatId: number, mediaGroupId: string): string {
  return `b_${createHash('sha256').update(`${chatId}:${mediaGroupId}`).digest('hex').slice(0, 8)}`;
}

/** b_ and 8 characters: short enough to type in /batch, unique enough for years of albums. */
export function newBatchId(): string {
  return `b_${randomBytes(4).toString('hex')}`;
}

// quarantine_refetch {path, job_id?}: moves a corrupt file to quarantine and downloads it again through the intake
// (its record keeps the Telegram file id); holds when the download job is done and the file exists again.
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { quarantineFile } from '../../core/quarantine.ts';
import { DOWNLOAD_QUEUE, IntakeRecords, fileIdOfJob } from '../../pipeline/intake/index.ts';
import type { FileRow } from '../../pipeline/intake/index.ts';
import { fail, ok } from './action.ts';
import type { Action, ActionContext, TryResult } from './action.ts';
import { watchJob } from './job-watch.ts';
import { countParam, pathParam, timeoutParam } from './params.ts';

const schema = z.object({ path: pathParam, job_id: countParam('job_id', '42').optional(), timeout: timeoutParam });
type Params = z.infer<typeof schema>;

export const quarantineRefetch: Action<Params> = {
  type: 'quarantine_refetch',
  schema,
  path: { key: 'path', followFinal: false },
  timeoutMs: (p) => p.timeout ?? 300_000,
  describe: (p, ctx) => `move ${ctx.real(p.path)} to quarantine and download it again`,
  async attempt(p, ctx) {
    const real = ctx.real(p.path);
    const records = new IntakeRecords(ctx.store);
    const row = await findRecord(records, ctx, p, real);
    // An earlier try of this run moved it already: what is at the path now may be the new download.
    let moved = ctx.memo.get('quarantined') ?? null;
    if (!moved) {
      const s = await stat(real).catch(() => null);
      if (s?.isDirectory()) return fail(`${real} is a folder, not a file: nothing to quarantine`, true);
      if (s) {
        const refetch = row
          ? `downloaded again by the monitor (intake file #${row.id})`
          : `not possible: no intake record for ${p.path}`;
        const meta = {
          fileId: row?.id ?? null,
          originalPath: real,
          fileName: row?.file_name ?? null,
          sender: row?.sender_name ?? null,
          sha256: row?.sha256 ?? null,
          error: ctx.finding.message,
          refetch,
        };
        moved = await quarantineFile(ctx.dataDir, real, new Date(ctx.now()), meta, { by: 'monitor' });
        ctx.memo.set('quarantined', moved);
        ctx.log.info(
          { path: real, quarantined: moved, file_id: row?.id ?? null },
          'repair: corrupt file moved to quarantine',
        );
      } else if (!row) {
        return fail(`nothing at ${real} and no intake record for it: nothing to quarantine or fetch again`, true);
      }
    }
    const where = moved ? `moved to ${moved}; ` : '';
    if (!row) return fail(`${where}cannot fetch again: no intake record for ${p.path}`, true);
    if (!row.file_id)
      return fail(
        `${where}cannot fetch again: intake file #${row.id} came from ${row.source} without a Telegram file id; ask for the file again`,
        true,
      );
    return fetchAgain(records, ctx, row.id, where);
  },
};

async function fetchAgain(
  records: IntakeRecords,
  ctx: ActionContext,
  fileId: number,
  where: string,
): Promise<TryResult> {
  const now = await records.file(fileId);
  if (!now) return fail(`${where}intake file #${fileId} no longer exists`, true);
  if (now.state === 'stored' && (await isFile(now.path))) return ok(`${where}fetched again: ${now.path}`);
  if (now.state !== 'received') {
    // The download job does nothing for a file that is not 'received' (it treats it as done).
    await records.updateFile(fileId, {
      state: 'received',
      sha256: null,
      error: 'the stored copy was corrupt: moved to quarantine, fetching it again',
    });
  }
  const { job } = await ctx.queue.enqueue(DOWNLOAD_QUEUE, { fileId });
  ctx.log.info({ file_id: fileId, job_id: job.id }, 'repair: file queued for download again');
  const watched = await watchJob(ctx.queue, job.id, ctx.signal);
  if (!watched.ok) return { ...watched, detail: `${where}${watched.detail}` };
  const after = await records.file(fileId);
  if (after?.state === 'stored' && (await isFile(after.path))) return ok(`${where}fetched again: ${after.path}`);
  if (after?.state === 'duplicate')
    return fail(`${where}fetched again, but the bytes equal intake file #${after.duplicate_of ?? '?'}`, true);
  return fail(
    `${where}download job #${job.id} finished, yet intake file #${fileId} is ${after?.state ?? 'gone'}${after?.error ? `: ${after.error}` : ''}`,
  );
}

/** The intake record whose stored path is `path` (stored paths may be relative), or the one job_id's payload names. */
async function findRecord(
  records: IntakeRecords,
  ctx: ActionContext,
  p: Params,
  real: string,
): Promise<FileRow | undefined> {
  const same = async (stored: string | null): Promise<boolean> => {
    if (stored === null) return false;
    if (stored === p.path || resolve(stored) === resolve(p.path)) return true;
    // The record and the log line may name the file through different links to the same folder.
    return (await realParent(stored)) === real;
  };
  // LIKE only narrows the rows (its wildcards may match more); `same` decides.
  const rows = await records.db
    .selectFrom('files')
    .selectAll()
    .where('path', 'like', `%${basename(real)}`)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  for (const r of rows) if (await same(r.path)) return r;
  if (p.job_id === undefined) return undefined;
  const job = await ctx.queue.get(p.job_id);
  const fileId = job ? fileIdOfJob(job) : null;
  if (fileId === null) return undefined;
  const row = await records.file(fileId);
  return row && (await same(row.path)) ? row : undefined;
}

/** The path with its folder's links resolved (the file itself may be gone: it is in quarantine). */
async function realParent(path: string): Promise<string> {
  const abs = resolve(path);
  return realpath(dirname(abs)).then(
    (dir) => join(dir, basename(abs)),
    () => abs,
  );
}

async function isFile(path: string | null): Promise<boolean> {
  if (!path) return false;
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

// Mode modified_time, the earlier tool's behaviour: the tree's folders are walked, then what changed after
// (last sync time − drive.window_minutes) is listed oldest first and taken. It misses files moved in with an old
// modifiedTime and restores from the trash, which is why `changes` is the default. The last sync time advances to
// the newest file processed OK before any failure (MAX_OK_TIME, so a failure is retried next run) or to the
// run's start (CURRENT_TIME).
import type { DriveFile } from './api.ts';
import { FOLDER_MIME } from './api.ts';
import { FolderMap } from './folders.ts';
import { checkRoots, takesOf } from './run.ts';
import type { RunContext } from './run.ts';

const LAST = 'modified_time.last_sync_time';

export async function modifiedTimeRun(ctx: RunContext): Promise<void> {
  const { api, state, metrics, o, deps } = ctx;
  const started = new Date().toISOString();
  const before = await state.get(LAST);
  metrics.last_sync_time_before = before;
  metrics.last_sync_time_after = before;
  const since = before
    ? new Date(Date.parse(before) - deps.config.drive.window_minutes * 60_000).toISOString()
    : '1970-01-01T00:00:00.000Z';
  const pageSize = deps.config.drive.page_size;
  let budget = o.maxPages;
  const map = new FolderMap([]);
  for (const r of await checkRoots(ctx, o.folders)) map.addRoot(r.id, r.name, r.driveId);
  // Every folder of the tree, then what changed in each; a run out of pages lists the rest next time.
  const queue = map.roots().map((r) => r.id);
  const found: DriveFile[] = [];
  let complete = true;
  for (let i = 0; i < queue.length; i++) {
    const folder = map.get(queue[i] as string);
    if (!folder) continue;
    let pageToken: string | null = null;
    do {
      if (budget-- <= 0) {
        complete = false;
        break;
      }
      const page = await api.listChildren(folder.id, pageToken, pageSize, { foldersOnly: true });
      for (const f of page.files) {
        map.place(f.id, f.name, folder);
        queue.push(f.id);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    pageToken = null;
    do {
      if (budget-- <= 0) {
        complete = false;
        break;
      }
      const page = await api.listChildren(folder.id, pageToken, pageSize, { filesOnly: true, modifiedAfter: since });
      metrics.drive_items_listed_total += page.files.length;
      found.push(...page.files.filter((f) => f.mimeType !== FOLDER_MIME));
      pageToken = page.nextPageToken;
    } while (pageToken);
    if (!complete) break;
  }
  found.sort((a, b) => a.modifiedTime.localeCompare(b.modifiedTime));
  const known = await state.files(found.map((f) => f.id));
  const takes = takesOf(ctx, found, known, (f) => map.parentIn(f.parents)?.path ?? '');
  const failedBefore = metrics.download_errors;
  const errorsBefore = metrics.errors.length;
  let after = before;
  if (o.advanceStrategy === 'CURRENT_TIME') after = started;
  await ctx.taker.commit({ takes: takes.list, rows: takes.rows, folders: { put: [], gone: [] }, state: {} });
  if (o.advanceStrategy === 'MAX_OK_TIME' && complete) {
    // Only as far as the newest file processed OK that no failed file precedes.
    const failedIds = new Set(metrics.errors.slice(errorsBefore).map((e) => e.file_id));
    const firstFailure = metrics.download_errors > failedBefore ? found.find((f) => failedIds.has(f.id)) : undefined;
    for (const f of found) {
      if (firstFailure && f.modifiedTime >= firstFailure.modifiedTime) break;
      if (!after || f.modifiedTime > after) after = f.modifiedTime;
    }
  }
  metrics.last_sync_time_after = after;
  metrics.listing_incomplete = !complete;
  if (!o.dryRun && after !== before && after) await state.set({ [LAST]: after });
}

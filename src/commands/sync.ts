// `centinela sync`: one Drive sync run, for cron or by hand; works whether or not the service runs (a lock in the
// store keeps two runs apart). Prints the run's metrics as JSON (--json, --output-json FILE) or a summary line.
// Exit 0 all went well, 2 some files failed, 1 a critical problem (one line saying what to do) or a run in progress.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { english } from '../locales/index.ts';
import { loadDrive } from '../pipeline/sources/index.ts';
import { syncDeps } from '../sync-deps.ts';
import { UsageError } from '../usage-error.ts';
import { openContext } from './context.ts';

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${v}: a whole number of at least 1`);
  return n;
}

export async function sync(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean' },
      'folder-id': { type: 'string', multiple: true },
      mode: { type: 'string' },
      'batch-size': { type: 'string' },
      'max-pages': { type: 'string' },
      'sleep-between-batch': { type: 'string' },
      'advance-strategy': { type: 'string' },
      'output-json': { type: 'string' },
      'reset-state': { type: 'boolean' },
      json: { type: 'boolean' },
      config: { type: 'string' },
    },
  });
  if (values.mode !== undefined && values.mode !== 'changes' && values.mode !== 'modified_time')
    throw new UsageError(`--mode ${values.mode}: changes or modified_time`);
  const strategy = values['advance-strategy'];
  if (strategy !== undefined && strategy !== 'MAX_OK_TIME' && strategy !== 'CURRENT_TIME')
    throw new UsageError(`--advance-strategy ${strategy}: MAX_OK_TIME or CURRENT_TIME`);
  const sleep = values['sleep-between-batch'];
  if (sleep !== undefined && !(Number(sleep) >= 0))
    throw new UsageError(`--sleep-between-batch ${sleep}: seconds, 0 or more`);
  const batchSize = positiveInt('--batch-size', values['batch-size']);
  const maxPages = positiveInt('--max-pages', values['max-pages']);

  const ctx = await openContext(configFile);
  try {
    const drive = await loadDrive();
    const base = drive.syncOptionsFrom(ctx.config, 'cli');
    const options = {
      ...base,
      folders: values['folder-id'] ?? base.folders,
      mode: (values.mode as typeof base.mode | undefined) ?? base.mode,
      batchSize: batchSize ?? base.batchSize,
      maxPages: maxPages ?? base.maxPages,
      sleepBetweenBatchSeconds: sleep !== undefined ? Number(sleep) : base.sleepBetweenBatchSeconds,
      advanceStrategy: (strategy as typeof base.advanceStrategy | undefined) ?? base.advanceStrategy,
      dryRun: values['dry-run'] ?? false,
      resetState: values['reset-state'] ?? false,
    };
    let result;
    try {
      result = await drive.runSync(
        syncDeps(ctx.config, ctx.secrets, ctx.store, ctx.queue, ctx.log.for('drive')),
        options,
      );
    } catch (err) {
      if (!(err instanceof drive.SyncBusy)) throw err;
      process.stderr.write(`centinela sync: ${err.message}\n`);
      return 1;
    }
    const out = {
      ...result.metrics,
      exit_code: result.exitCode,
      ...(options.dryRun ? { would_take: result.wouldTake } : {}),
    };
    const json = `${JSON.stringify(out, null, 2)}\n`;
    if (values['output-json']) await writeFile(values['output-json'], json);
    if (values.json) process.stdout.write(json);
    else {
      if (!result.metrics.critical)
        process.stdout.write(`${drive.syncSummary(result.metrics, english, result.wouldTake.length)}\n`);
      if (options.dryRun) for (const f of result.wouldTake) process.stdout.write(`  ${f.folder}/${f.name} (${f.id})\n`);
      for (const e of result.metrics.errors) process.stdout.write(`  failed: ${e.name} (${e.file_id}): ${e.reason}\n`);
    }
    if (result.metrics.critical) process.stderr.write(`centinela sync: ${result.metrics.critical}\n`);
    return result.exitCode;
  } finally {
    await ctx.close();
  }
}

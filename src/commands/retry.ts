// `centinela retry [--invoices] [FILE_ID...]`: runs failed items again — downloads that gave up and invoices that
// failed or were quarantined (fix the file in data/quarantine first, or the setting that refused it). Works on
// the store directly: a running service picks the jobs up at its next poll.
import { parseArgs } from 'node:util';
import { pipelineFollowers } from '../followers.ts';
import { retryFiles } from '../pipeline/intake/index.ts';
import { UsageError } from '../usage-error.ts';
import { openContext } from './context.ts';

export async function retry(args: string[], configFile: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { invoices: { type: 'boolean' }, json: { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  const fileIds = positionals.map((p) => {
    const n = Number(p.replace(/^#/, '')); // "#12" as /batch and /review write it
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(
        `"${p}" is not a file id (a positive whole number, the #N that /batch, /review and GET /batches/:id show)`,
      );
    return n;
  });
  const ctx = await openContext(configFile);
  try {
    const followers = pipelineFollowers(ctx.config, ctx.store);
    const report = await retryFiles(ctx.queue, ctx.store, followers, {
      pipelinesOnly: values.invoices ?? false,
      fileIds: fileIds.length ? fileIds : undefined,
    });
    if (values.json) {
      // The JSON scripts read keeps its shape: the translation code is the bot's.
      const nothing = report.nothing.map(({ fileId, reason }) => ({ fileId, reason }));
      process.stdout.write(`${JSON.stringify({ ...report, nothing }, null, 2)}\n`);
    } else {
      const what = values.invoices ? 'invoice' : 'download and invoice';
      process.stdout.write(
        report.retried.length ? '' : `no failed ${what} jobs${fileIds.length ? ' for those files' : ''}\n`,
      );
      for (const r of report.retried)
        process.stdout.write(`queued again: job #${r.jobId} (${r.queue})${r.fileId ? ` for file #${r.fileId}` : ''}\n`);
      if (report.skipped.length)
        process.stdout.write(`left alone (another live job holds the same key): jobs ${report.skipped.join(', ')}\n`);
      for (const n of report.nothing) process.stdout.write(`nothing to run again: ${n.reason}\n`);
    }
    // Naming a file that had nothing to retry is worth an exit code a script can see.
    return report.nothing.length > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

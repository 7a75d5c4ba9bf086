// `centinela jobs list|retry|cancel`: works on the store directly, whether or not the service runs.
import { parseArgs } from 'node:util';
import { JOB_STATES } from '../core/store/index.ts';
import type { JobState } from '../core/store/index.ts';
import type { Job } from '../core/queue/index.ts';
import { UsageError } from '../usage-error.ts';
import { openContext } from './context.ts';

export async function jobs(args: string[], configFile: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      queue: { type: 'string' },
      state: { type: 'string', multiple: true },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [action, ...rest] = positionals;
  const states = (values.state ?? []).flatMap((s) => s.split(','));
  for (const s of states) {
    if (!(JOB_STATES as readonly string[]).includes(s))
      throw new UsageError(`--state ${s}: the states are ${JOB_STATES.join(', ')}`);
  }
  const ids = rest.map((r) => {
    const n = Number(r);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`"${r}" is not a job id (a positive whole number)`);
    return n;
  });
  if (action !== 'list' && action !== 'retry' && action !== 'cancel')
    throw new UsageError('jobs: say list, retry or cancel');
  if (action === 'cancel' && ids.length === 0) throw new UsageError('jobs cancel: name the job ids to cancel');
  const limit = values.limit ? Number(values.limit) : 50;
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit ${values.limit}: a positive whole number`);

  const ctx = await openContext(configFile);
  try {
    const filter = { ids, queue: values.queue, states: states as JobState[] };
    if (action === 'list') {
      const list = await ctx.queue.list(filter, limit);
      if (values.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else process.stdout.write(list.length ? `${list.map(formatJob).join('\n')}\n` : 'no jobs match\n');
      return 0;
    }
    if (action === 'retry') {
      const { retried, skipped } = await ctx.queue.retry(filter);
      process.stdout.write(`retried ${retried.length} job(s)${retried.length ? `: ${retried.join(', ')}` : ''}\n`);
      if (skipped.length)
        process.stdout.write(`skipped ${skipped.length}: another live job holds the same key: ${skipped.join(', ')}\n`);
      return 0;
    }
    let failed = 0;
    for (const id of ids) {
      const ok = await ctx.queue.cancel(id);
      process.stdout.write(ok ? `cancelled job ${id}\n` : `job ${id} is not waiting or active (or does not exist)\n`);
      if (!ok) failed++;
    }
    return failed ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

function formatJob(j: Job): string {
  const when = new Date(j.state === 'waiting' ? j.runAt : (j.finishedAt ?? j.updatedAt)).toISOString();
  const err = j.lastError ? `  last error: ${j.lastError.split('\n')[0]}` : '';
  return `#${j.id} ${j.queue} ${j.state} attempts ${j.attempts}/${j.maxAttempts} ${j.state === 'waiting' ? 'runs' : 'at'} ${when}${err}`;
}

// The `invoice.process` job: turns a stored file into invoices, each with its outcome (item_outcomes): CFDI XML
// read deterministically, PDFs and photos by their extractors, CSV one invoice per row. A file that cannot be
// read is quarantined; the model's failures wait (no credit), retry, or end as an error outcome.
import { mkdir, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NotHere, PermanentError, RetryAfter } from '../../core/queue/index.ts';
import { isStoreUnavailable } from '../../core/store/index.ts';
import type { HandlerContext } from '../../core/queue/index.ts';
import type { FileRow } from '../intake/index.ts';
import { WHOLE_FILE } from './outcomes/index.ts';
import type { OutcomeRow, Tokens } from './outcomes/index.ts';
import { checkInvoiceFile } from './check/index.ts';
import { processCsv } from './csv-job.ts';
import { keepForReview, reject } from './job-support.ts';
import type { ProcessDeps } from './job-support.ts';
// The errors only: the client (and the OpenAI SDK) loads when a key is set.
import { InvalidOutputError, OpenAIRequestError, ProviderOutageError, QuotaExhaustedError } from './openai/errors.ts';
import type { OpenAIClient } from './openai/index.ts';
import { forgetQuarantine, quarantineDir, retriedDir } from './quarantine.ts';
import { UnreadableFile, readInvoiceFile } from './read-file.ts';
import { storeTexts } from '../../core/messages.ts';

/** How long invoices wait when the account is out of credit before one of them asks OpenAI again. */
export const QUOTA_WAIT_S = 600;
/** How long an invoice waits in the queue when OpenAI failed for everyone through all its attempts (the client probes). */
export const OUTAGE_WAIT_S = 60;

type Ctx = HandlerContext<{ fileId: number }>;

export function processHandler(d: ProcessDeps) {
  const credit = creditProbe(d.openai, d.now ?? Date.now);
  return async (ctx: Ctx): Promise<void> => {
    const file = await d.intakeRecords.file(ctx.job.payload.fileId);
    if (!file?.path) throw new PermanentError(`file ${ctx.job.payload.fileId} has no stored path`);
    const recorded = await d.outcomes.forFile(file.id);
    const whole = recorded.find((o) => o.item === WHOLE_FILE);
    if (whole && whole.outcome !== 'error') return; // done by an earlier attempt
    if (recorded.length === 0 && (await d.invoices.forFile(file.id))) return; // done before outcomes were kept
    // The file failed before (quarantined, or its last attempt): this run decides anew.
    if (whole) await d.outcomes.clearFileError(file.id);
    credit.beforeUse();
    // A request may wait for the rate limit and retry for minutes, and a CSV may be long: keep the lease.
    const keepAlive = setInterval(() => void ctx.heartbeat().catch(() => {}), Math.max(500, ctx.leaseMs / 3));
    try {
      await processFile(
        d,
        ctx,
        file,
        recorded.filter((o) => o.item !== WHOLE_FILE),
      );
    } catch (err) {
      throw await failure(d, ctx, file, err, credit);
    } finally {
      clearInterval(keepAlive);
    }
  };
}

async function processFile(d: ProcessDeps, ctx: Ctx, file: FileRow, recorded: OutcomeRow[]): Promise<void> {
  let path = file.path as string;
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw notHere(err, path, ctx.job.createdAt, (d.now ?? Date.now)());
  });
  // A retried file comes back out of quarantine, keeping its quarantine name (see quarantine.ts).
  if (dirname(path) === quarantineDir(d.dataDir)) {
    const back = join(retriedDir(d.dataDir), basename(path));
    await mkdir(dirname(back), { recursive: true });
    await rename(path, back);
    path = back;
    await d.intakeRecords.updateFile(file.id, { path, error: null });
  }
  await recordInvoices(d, ctx, file, path, bytes, recorded);
  // Read at last: its quarantine meta file has nothing left to describe.
  if (dirname(path) === retriedDir(d.dataDir)) await forgetQuarantine(d.dataDir, basename(path));
}

/** The file's invoices (one, or one per CSV row) recorded with their outcomes; a file that cannot be read quarantined. */
async function recordInvoices(
  d: ProcessDeps,
  ctx: Ctx,
  file: FileRow,
  path: string,
  bytes: Buffer,
  recorded: OutcomeRow[],
): Promise<void> {
  const { log, signal } = ctx;
  // A CSV row of the wrong width is that row's error, not the file's.
  const checked = await checkInvoiceFile({
    bytes,
    fileName: file.file_name ?? basename(path),
    maxBytes: d.maxBytes,
    csvRows: 'row',
  });
  if (!checked.ok) return reject(d, file, path, checked.message, log);
  if (checked.type === 'csv') return processCsv(d, ctx, file, path, bytes, recorded);
  let reading;
  try {
    reading = await readInvoiceFile(checked.type, bytes, d.openai, new Date((d.now ?? Date.now)()), signal, {
      pdfTimeoutMs: d.pdfTimeoutMs,
    });
  } catch (err) {
    if (err instanceof UnreadableFile)
      return reject(d, file, path, { key: 'invoice-unreadable', vars: { detail: err.message } }, log);
    throw err;
  }
  const added = await d.invoices.add(reading.invoice, file.id, reading.role, {
    item: WHOLE_FILE,
    tokens: reading.tokens,
    duplicateWhen: 'same-role',
  });
  const { invoice } = added;
  log.info(
    {
      file_id: file.id,
      invoice_id: invoice.id,
      outcome: added.outcome,
      source: invoice.source,
      uuid: invoice.uuid,
      tokens: reading.tokens.input + reading.tokens.output,
    },
    'invoice recorded',
  );
  if (added.outcome === 'review') await keepForReview(d.dataDir, invoice, file);
}

/**
 * What a failed attempt becomes: out of credit or OpenAI down for everyone → wait (not failed, the attempt given
 * back); a shutdown or a lost lease → as it is (the job is released, nothing recorded); a request the model refused
 * for good, or the last attempt → an error outcome.
 */
async function failure(d: ProcessDeps, ctx: Ctx, file: FileRow, err: unknown, credit: CreditProbe): Promise<unknown> {
  if (err instanceof QuotaExhaustedError) {
    credit.exhausted();
    return new RetryAfter(QUOTA_WAIT_S, `waiting for OpenAI credit: ${err.message}`);
  }
  if (err instanceof ProviderOutageError) return new RetryAfter(OUTAGE_WAIT_S, err.message);
  // An outage of the store is not the file's fault: no error outcome; the queue gives the job back.
  if (
    err instanceof RetryAfter ||
    err instanceof PermanentError ||
    err instanceof NotHere ||
    ctx.signal.aborted ||
    isStoreUnavailable(err)
  )
    return err;
  const permanent = err instanceof OpenAIRequestError && !err.retryable;
  if (!permanent && ctx.job.attempts < ctx.job.maxAttempts) return err;
  const reason = err instanceof Error ? err.message : String(err);
  const tokens: Tokens | undefined =
    err instanceof InvalidOutputError && err.usage
      ? { input: err.usage.prompt, output: err.usage.completion }
      : undefined;
  // The error's own text (an OpenAI message, a parser's) stays for the admins, behind a lead in the reader's language.
  await d.outcomes.put({
    fileId: file.id,
    item: WHOLE_FILE,
    outcome: 'error',
    reason: storeTexts([{ key: 'invoice-unreadable', vars: { detail: reason } }]),
    tokens,
  });
  ctx.log.warn(
    { file_id: file.id, reason },
    'invoice could not be read: recorded as an error (centinela retry runs it again)',
  );
  return permanent ? new PermanentError(reason, { cause: err }) : err;
}

/** How long a file that is not on this machine is left to other workers before its attempts count. */
export const NOT_HERE_FOR_MS = 15 * 60_000;

/**
 * A file this machine cannot read was received by another machine into its paths.data: while the job is young it
 * goes to another worker without using an attempt (paths.data must be one folder every worker shares, README);
 * after NOT_HERE_FOR_MS it is an ordinary failure, so a file deleted for good still ends with an outcome.
 */
function notHere(err: NodeJS.ErrnoException, path: string, createdAt: number, now: number): Error {
  if (!['ENOENT', 'EACCES', 'ENOTDIR', 'EPERM'].includes(err.code ?? '') || now - createdAt >= NOT_HERE_FOR_MS)
    return err;
  return new NotHere(
    `${path} cannot be read on this machine (${err.code}): paths.data must be the folder every worker shares`,
    { cause: err },
  );
}

interface CreditProbe {
  exhausted(): void;
  beforeUse(): void;
}

/**
 * The client stops sending when the account is out of credit. After QUOTA_WAIT_S the next job lets it try again:
 * if credit was added the work goes on by itself; if not, that one request fails and everyone waits again.
 */
function creditProbe(openai: OpenAIClient | null, now: () => number): CreditProbe {
  let since = 0;
  return {
    exhausted() {
      since ||= now();
    },
    beforeUse() {
      if (openai?.quotaExhausted && since && now() - since >= QUOTA_WAIT_S * 1000) {
        since = 0;
        openai.resume();
      }
    },
  };
}

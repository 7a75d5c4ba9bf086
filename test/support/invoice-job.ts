// Runs the invoice.process handler on files as the queue would: each file recorded as an upload on a real store,
// then the handler run once for it (no queue, no timers), so a test reads what each file became.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HandlerContext, Job } from '../../src/core/queue/index.ts';
import type { Store } from '../../src/core/store/index.ts';
import { IntakeRecords } from '../../src/pipeline/intake/index.ts';
import type { FileKind, FileRow } from '../../src/pipeline/intake/index.ts';
import { InvoiceRecords, OutcomeRecords, processHandler } from '../../src/pipeline/invoices/index.ts';
import type { OutcomeRow } from '../../src/pipeline/invoices/index.ts';
import type { OpenAIClient } from '../../src/pipeline/invoices/openai/index.ts';
import { englishOutcomes } from './english.ts';
import { quietLog } from './stores.ts';

export interface InvoiceRunner {
  files: IntakeRecords;
  invoices: InvoiceRecords;
  outcomes: OutcomeRecords;
  /**
   * Records `bytes` as an uploaded file named `name` and runs its job once; its outcomes (a rejected file throws),
   * their reasons in English (they are kept as messages, read in each reader's language).
   */
  run(name: string, bytes: Buffer | string, kind?: FileKind): Promise<{ file: FileRow; outcomes: OutcomeRow[] }>;
  /** Runs the job of a file already recorded again (a retry). */
  rerun(fileId: number): Promise<OutcomeRow[]>;
}

export async function invoiceRunner(
  store: Store,
  dataDir: string,
  openai: OpenAIClient | null = null,
): Promise<InvoiceRunner> {
  const log = await quietLog();
  const files = new IntakeRecords(store);
  const invoices = new InvoiceRecords(store);
  const outcomes = new OutcomeRecords(store);
  const handler = processHandler({
    dataDir,
    maxBytes: 1024 * 1024,
    openai,
    intakeRecords: files,
    invoices,
    outcomes,
    csvColumns: { total: 'total' },
  });
  const incoming = join(dataDir, 'incoming');
  mkdirSync(incoming, { recursive: true });
  let n = 0;
  const ctx = (fileId: number): HandlerContext<{ fileId: number }> => ({
    job: job(fileId),
    signal: new AbortController().signal,
    heartbeat: async () => {},
    leaseMs: 60_000,
    log,
  });
  return {
    files,
    invoices,
    outcomes,
    async run(name, bytes, kind = 'document') {
      const content = Buffer.from(bytes);
      const path = join(incoming, `${++n}_${name}`);
      writeFileSync(path, content);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const [file] = (
        await files.recordUpload({ source: 'http', purpose: 'invoice', tags: {} }, [
          { kind, fileName: name, mimeType: null, size: content.length, path, sha256 },
        ])
      ).files as [FileRow];
      await handler(ctx(file.id));
      return { file, outcomes: englishOutcomes(await outcomes.forFile(file.id)) };
    },
    async rerun(fileId) {
      await handler(ctx(fileId));
      return englishOutcomes(await outcomes.forFile(fileId));
    },
  };
}

function job(fileId: number): Job<{ fileId: number }> {
  const t = Date.now();
  return {
    id: fileId,
    queue: 'invoice.process',
    payload: { fileId },
    key: `invoice.process:${fileId}`,
    state: 'active',
    priority: 0,
    runAt: t,
    attempts: 1,
    maxAttempts: 5,
    backoff: { baseMs: 10, capMs: 40 },
    leaseUntil: t + 60_000,
    worker: 'test',
    lastError: null,
    createdAt: t,
    updatedAt: t,
    finishedAt: null,
  };
}

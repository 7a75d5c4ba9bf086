// The invoice pipeline as a module: works the invoice.process queue in whatever process runs it.
import type { Config } from '../../core/config.ts';
import { parseSize } from '../../core/config.ts';
import type { Secrets } from '../../core/config.ts';
import { alertAdmins, escapeHtml } from '../../bot/index.ts';
import type { OpenAIClient } from './openai/index.ts';
import type { Module, ModuleStatus } from '../../core/module.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { IntakeRecords } from '../intake/index.ts';
import { INVOICE_QUEUE, processHandler } from './process-job.ts';
import { InvoiceRecords } from './records.ts';
import { InboxSource } from '../sources/index.ts';
import type { BatchReport } from '../sources/index.ts';
import type { Logger } from '../../core/log.ts';

export class InvoicesModule implements Module {
  readonly name = 'invoices';
  readonly records: InvoiceRecords;
  readonly #config: Config;
  readonly #store: Store;
  readonly #queue: Queue;
  readonly #log: Logger;
  #inbox: InboxSource | null = null;
  #state: ModuleStatus = { state: 'starting' };

  readonly #secrets: Secrets;
  readonly #files: IntakeRecords;
  #openai: OpenAIClient | null = null;

  constructor(config: Config, secrets: Secrets, store: Store, queue: Queue, log: Logger) {
    this.#config = config;
    this.#store = store;
    this.#queue = queue;
    this.#log = log;
    this.records = new InvoiceRecords(store);
    this.#files = new IntakeRecords(store);
    this.#secrets = secrets;
  }

  async start(): Promise<void> {
    await this.#startOpenAI();
    const deps = {
      dataDir: this.#config.paths.data,
      maxBytes: parseSize(this.#config.intake.max_bytes.document),
      files: this.#files,
      invoices: this.records,
      openai: this.#openai,
    };
    // With OpenAI, enough jobs in flight to use the whole rate limit; the client's throttle paces them.
    this.#queue.work(INVOICE_QUEUE, processHandler(deps), { concurrency: this.#openai ? this.#config.invoices.openai.concurrency : 4 });
    if (this.#config.invoices.inbox) {
      this.#inbox = new InboxSource({ config: this.#config, intake: deps.files, queue: this.#queue, log: this.#log }, this.#config.invoices.inbox);
      await this.#inbox.start();
    }
    this.#state = { state: 'running', detail: this.#openai ? `CFDI XML; PDFs and photos with ${this.#config.invoices.openai.model}; CSV to review` : 'CFDI XML, PDF text (heuristic); photos and CSV to review (no OPENAI_API_KEY)' };
  }

  /** The OpenAI client (and its SDK) loads only when OPENAI_API_KEY is set. */
  async #startOpenAI(): Promise<void> {
    const key = this.#secrets.OPENAI_API_KEY;
    if (!key) return;
    const { OpenAIClient } = await import('./openai/index.ts');
    const o = this.#config.invoices.openai;
    const { admin_chats } = this.#config.telegram;
    const store = this.#store;
    const log = this.#log;
    this.#openai = new OpenAIClient({
      apiKey: key,
      baseURL: o.base_url || undefined,
      model: o.model,
      requestsPerMinute: o.requests_per_minute,
      tokensPerMinute: o.tokens_per_minute,
      concurrency: o.concurrency,
      timeoutMs: o.timeout_seconds * 1000,
      log,
      onQuotaExhausted: (message) =>
        void alertAdmins(
          store,
          log,
          admin_chats,
          `🔴 <b>OpenAI: out of credit</b>\n${escapeHtml(message)}\nInvoices wait (none is failed) and go on by themselves within 10 minutes of adding credit.`,
          `openai-quota:${new Date().toISOString().slice(0, 13)}`,
        ).catch((err: unknown) => log.error({ err }, 'could not queue the out-of-credit alert')),
    });
  }

  async stop(): Promise<void> {
    await this.#inbox?.stop();
    this.#state = { state: 'stopped' };
  }

  /** Where each file of a batch stands, for GET /batches/:id and the compatibility route. */
  async batchReport(batchId: string): Promise<BatchReport | null> {
    const batch = await this.#files.batch(batchId);
    if (!batch) return null;
    const rows = await this.#files.batchFiles(batchId);
    const invoices = await this.records.forFiles(rows.filter((f) => f.state === 'stored').map((f) => f.id));
    const report: BatchReport = { batch_id: batchId, total: rows.length, completed: 0, failed: 0, review: 0, duplicates: 0, pending: 0, progress_percentage: 0, is_complete: false, files: [] };
    for (const f of rows) {
      const invoice = invoices.get(f.id);
      let status: 'completed' | 'failed' | 'review' | 'duplicate' | 'pending';
      if (f.state === 'duplicate') status = 'duplicate';
      else if (f.state === 'failed' || f.state === 'rejected' || (f.error && !invoice)) status = 'failed';
      else if (!invoice) status = 'pending';
      else status = invoice.status === 'review' ? 'review' : 'completed';
      report[status === 'duplicate' ? 'duplicates' : status]++;
      report.files.push({ file_id: f.id, name: f.file_name, status, reason: f.error, invoice_id: invoice?.id ?? null });
    }
    const done = report.total - report.pending;
    report.progress_percentage = report.total ? Math.round((done / report.total) * 1000) / 10 : 100;
    report.is_complete = report.pending === 0;
    return report;
  }

  status(): ModuleStatus {
    return this.#state;
  }
}

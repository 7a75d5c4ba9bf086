// The invoice pipeline as a module: works the invoice.process queue in whatever process runs it.
import type { Config } from '../../core/config.ts';
import type { Secrets } from '../../core/config.ts';
import { html, queueAdminMessage } from '../../outbox/index.ts';
import type { OpenAIClient } from './openai/index.ts';
import type { Module, ModuleStatus } from '../../core/module.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { IntakeRecords } from '../intake/index.ts';
import { OutcomeRecords, loadBatchProgress, pricesFrom } from './outcomes/index.ts';
import { invoiceFollower } from './follower.ts';
import { batchReport } from './batch-report.ts';
import { processHandler } from './process-job.ts';
import { INVOICE_QUEUE } from './queue.ts';
import { InvoiceRecords } from './records.ts';
import { openAIFromConfig } from './openai-from-config.ts';
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
  readonly #intakeRecords: IntakeRecords;
  #openai: OpenAIClient | null = null;

  constructor(config: Config, secrets: Secrets, store: Store, queue: Queue, log: Logger) {
    this.#config = config;
    this.#store = store;
    this.#queue = queue;
    this.#log = log;
    this.records = new InvoiceRecords(store);
    this.#intakeRecords = new IntakeRecords(store);
    this.#secrets = secrets;
  }

  async start(): Promise<void> {
    // Checked against the invoice fields with the rest of the configuration (config-schema.ts).
    const csvColumns = this.#config.invoices.csv_columns;
    await this.#startOpenAI();
    const outcomes = new OutcomeRecords(this.#store);
    const deps = {
      dataDir: this.#config.paths.data,
      maxBytes: this.#config.intake.max_bytes.document,
      intakeRecords: this.#intakeRecords,
      invoices: this.records,
      outcomes,
      csvColumns,
      openai: this.#openai,
      pdfTimeoutMs: this.#config.invoices.pdf_timeout_seconds * 1000,
    };
    // With OpenAI, enough jobs in flight to use the whole rate limit; the client's throttle paces them.
    this.#queue.work(INVOICE_QUEUE, processHandler(deps), {
      concurrency: this.#openai ? this.#config.invoices.openai.concurrency : 4,
    });
    if (this.#config.invoices.inbox) {
      const followers = { invoice: invoiceFollower(this.#store, pricesFrom(this.#config)) };
      this.#inbox = new InboxSource(
        { config: this.#config, intakeRecords: deps.intakeRecords, queue: this.#queue, followers, log: this.#log },
        this.#config.invoices.inbox,
      );
      await this.#inbox.start();
    }
    const csv = `CSV one invoice per row (${Object.keys(csvColumns).length} columns mapped)`;
    this.#state = {
      state: 'running',
      detail: this.#openai
        ? `CFDI XML; PDFs and photos with ${this.#config.invoices.openai.model}; ${csv}`
        : `CFDI XML, PDF text (heuristic), ${csv}; photos to review (no OPENAI_API_KEY)`,
    };
  }

  /** The OpenAI client (and its SDK) loads only when OPENAI_API_KEY is set. */
  async #startOpenAI(): Promise<void> {
    const key = this.#secrets.OPENAI_API_KEY;
    if (!key) return;
    const { admin_chats } = this.#config.telegram;
    const store = this.#store;
    const log = this.#log;
    this.#openai = await openAIFromConfig(
      this.#config,
      key,
      log,
      (message) =>
        void queueAdminMessage(store, admin_chats, {
          text: html`🔴 <b>OpenAI: out of credit</b> ${message} Invoices wait (none is failed) and go on by themselves
            within 10 minutes of adding credit.`,
          dedupKey: `openai-quota:${new Date().toISOString().slice(0, 13)}`,
        }).catch((err: unknown) => log.error({ err }, 'could not queue the out-of-credit alert')),
    );
  }

  async stop(): Promise<void> {
    await this.#inbox?.stop();
    this.#state = { state: 'stopped' };
  }

  /** Where each file of a batch stands, for GET /batches/:id and the compatibility route. */
  async batchReport(batchId: string): Promise<BatchReport | null> {
    return invoiceBatchReport(this.#store, this.#config, batchId);
  }

  status(): ModuleStatus {
    return this.#state;
  }
}

/** A batch's report read from the store alone: what `--only http` serves while workers elsewhere do the work. */
export async function invoiceBatchReport(store: Store, config: Config, batchId: string): Promise<BatchReport | null> {
  const progress = await loadBatchProgress(store, batchId);
  return progress ? batchReport(progress, pricesFrom(config)) : null;
}

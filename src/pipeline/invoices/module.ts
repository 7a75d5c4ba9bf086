// The invoice pipeline as a module: works the invoice.process queue in whatever process runs it.
import type { Config } from '../../core/config.ts';
import type { Module, ModuleStatus } from '../../core/module.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { IntakeRecords } from '../intake/index.ts';
import { INVOICE_QUEUE, processHandler } from './process-job.ts';
import { InvoiceRecords } from './records.ts';

export class InvoicesModule implements Module {
  readonly name = 'invoices';
  readonly records: InvoiceRecords;
  readonly #config: Config;
  readonly #store: Store;
  readonly #queue: Queue;
  #state: ModuleStatus = { state: 'starting' };

  constructor(config: Config, store: Store, queue: Queue) {
    this.#config = config;
    this.#store = store;
    this.#queue = queue;
    this.records = new InvoiceRecords(store);
  }

  async start(): Promise<void> {
    const deps = { dataDir: this.#config.paths.data, files: new IntakeRecords(this.#store), invoices: this.records };
    this.#queue.work(INVOICE_QUEUE, processHandler(deps), { concurrency: 4 });
    this.#state = { state: 'running', detail: 'CFDI XML; PDF, photo and CSV extraction not yet: those go to review' };
  }

  async stop(): Promise<void> {
    this.#state = { state: 'stopped' };
  }

  status(): ModuleStatus {
    return this.#state;
  }
}

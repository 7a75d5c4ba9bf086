// The `invoice.process` job: turns a stored file into an invoice. CFDI XML is read deterministically; other
// kinds wait for their extractors (PDF text, vision) and go to review meanwhile, saying why.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PermanentError } from '../../core/queue/index.ts';
import type { HandlerContext } from '../../core/queue/index.ts';
import { NEXT_QUEUE } from '../intake/index.ts';
import type { FileRow, IntakeRecords } from '../intake/index.ts';
import type { Logger } from '../../core/log.ts';
import { checkInvoiceFile } from './check/index.ts';
import { emptyInvoice } from './empty.ts';
import { invoiceFromPdf } from './from-pdf.ts';
import { CfdiError, parseCfdi } from './cfdi/index.ts';
import type { CfdiResult } from './cfdi/index.ts';
import { quarantine, quarantineDir } from './quarantine.ts';
import type { InvoiceRecords, InvoiceRow, NewInvoice } from './records.ts';

export const INVOICE_QUEUE = NEXT_QUEUE.invoice;

export interface ProcessDeps {
  dataDir: string;
  /** intake.max_bytes.document, in bytes. */
  maxBytes: number;
  files: IntakeRecords;
  invoices: InvoiceRecords;
}

export function processHandler(d: ProcessDeps) {
  return async ({ job, log }: HandlerContext<{ fileId: number }>): Promise<void> => {
    const file = await d.files.file(job.payload.fileId);
    if (!file?.path) throw new PermanentError(`file ${job.payload.fileId} has no stored path`);
    if (await d.invoices.forFile(file.id)) return; // done by an earlier attempt
    let path = file.path;
    const bytes = await readFile(path);
    // A retried file comes back out of quarantine.
    if (dirname(path) === quarantineDir(d.dataDir)) {
      const back = join(d.dataDir, 'incoming', 'retried', basename(path));
      await mkdir(dirname(back), { recursive: true });
      await rename(path, back);
      path = back;
      await d.files.updateFile(file.id, { path });
    }

    const checked = await checkInvoiceFile({ bytes, fileName: file.file_name ?? basename(path), maxBytes: d.maxBytes });
    if (!checked.ok) return reject(d, file, path, checked.reason, log);
    if (checked.type === 'pdf') {
      let read;
      try {
        read = await invoiceFromPdf(bytes, new Date());
      } catch (err) {
        return reject(d, file, path, (err as Error).message, log); // a damaged PDF
      }
      const { invoice } = await d.invoices.add(read, file.id, 'pdf');
      log.info({ file_id: file.id, invoice_id: invoice.id, status: invoice.status }, 'invoice read from the PDF text');
      await keepForReview(d.dataDir, invoice, file);
      return;
    }
    if (checked.type !== 'xml') {
      const why = checked.type === 'csv' ? 'CSV invoices are not read yet' : 'reading photos needs vision (OpenAI), which is not wired yet';
      const { invoice } = await d.invoices.add({ ...emptyInvoice(), problems: JSON.stringify([`${why}; a person must read it`]) }, file.id, 'source');
      log.info({ file_id: file.id, invoice_id: invoice.id }, 'invoice waits for review');
      await keepForReview(d.dataDir, invoice, file);
      return;
    }
    let result: CfdiResult;
    try {
      result = parseCfdi(bytes);
    } catch (err) {
      if (!(err instanceof CfdiError)) throw err;
      return reject(d, file, path, err.message, log);
    }
    const { invoice, existing } = await d.invoices.add(fromCfdi(result), file.id, 'xml');
    log.info({ file_id: file.id, invoice_id: invoice.id, uuid: invoice.uuid, existing }, existing ? 'file joins an invoice already recorded' : 'invoice recorded');
  };
}

/** An invoice in review also gets a JSON copy in data/pending/<id>.json, for people working from files. */
async function keepForReview(dataDir: string, invoice: InvoiceRow, file: FileRow): Promise<void> {
  if (invoice.status !== 'review') return;
  const dir = join(dataDir, 'pending');
  await mkdir(dir, { recursive: true });
  const copy = { ...invoice, problems: JSON.parse(invoice.problems) as unknown, data: JSON.parse(invoice.data) as unknown, file: { id: file.id, name: file.file_name, path: file.path } };
  await writeFile(join(dir, `${invoice.id}.json`), `${JSON.stringify(copy, null, 2)}\n`);
}

/** Quarantines the file with the reason and fails the job for good (`jobs retry` or /retry runs it again). */
async function reject(d: ProcessDeps, file: FileRow, path: string, reason: string, log: Logger): Promise<never> {
  const moved = await quarantine(d.dataDir, { fileId: file.id, originalPath: path, fileName: file.file_name, sender: file.sender_name, sha256: file.sha256, error: reason });
  await d.files.updateFile(file.id, { path: moved, error: reason });
  log.warn({ file_id: file.id, quarantined: moved, reason }, 'invoice file quarantined');
  throw new PermanentError(`quarantined: ${reason}`);
}

/** Payment, payroll and transfer documents are recorded as such, not as invoices; so are Retenciones. */
export function fromCfdi(result: CfdiResult): NewInvoice {
  if (result.kind === 'retenciones') {
    const r = result.document;
    return {
      ...emptyInvoice(),
      kind: 'retenciones',
      status: 'ok',
      source: 'cfdi',
      issuer_rfc: r.issuer.rfc,
      issuer_name: r.issuer.name,
      receiver_rfc: r.receiver.rfc,
      receiver_name: r.receiver.name,
      uuid: r.uuid,
      issued_at: r.issuedAt,
      total: r.totals.operationAmount,
      withheld: r.totals.withheldTotal,
      problems: JSON.stringify(r.warnings),
      data: JSON.stringify(r),
    };
  }
  const c = result.document;
  return {
    kind: c.category,
    status: c.warnings.length ? 'review' : 'ok',
    source: 'cfdi',
    issuer_rfc: c.issuer.rfc,
    issuer_name: c.issuer.name,
    receiver_rfc: c.receiver.rfc,
    receiver_name: c.receiver.name,
    uuid: c.uuid,
    series: c.series,
    number: c.folio,
    issued_at: c.issuedAt,
    currency: c.currency,
    subtotal: c.subtotal,
    discount: c.discount,
    transferred: c.taxes.transferred.total,
    withheld: c.taxes.withheld.total,
    total: c.total,
    problems: JSON.stringify(c.warnings),
    data: JSON.stringify(c),
  };
}

// The `invoice.process` job: turns a stored file into an invoice. CFDI XML is read deterministically; other
// kinds wait for their extractors (PDF text, vision) and go to review meanwhile, saying why.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PermanentError, RetryAfter } from '../../core/queue/index.ts';
import type { HandlerContext } from '../../core/queue/index.ts';
import { NEXT_QUEUE } from '../intake/index.ts';
import type { FileRow, IntakeRecords } from '../intake/index.ts';
import type { Logger } from '../../core/log.ts';
import { checkInvoiceFile } from './check/index.ts';
import { emptyInvoice } from './empty.ts';
import { invoiceFromPdf } from './from-pdf.ts';
import { invoiceFromLlm } from './from-llm.ts';
import { pdfText } from './extract/index.ts';
// The errors only: the client (and the OpenAI SDK) loads when a key is set.
import { InvalidOutputError, OpenAIRequestError, QuotaExhaustedError } from './openai/errors.ts';
import type { OpenAIClient } from './openai/index.ts';
import { CfdiError, parseCfdi } from './cfdi/index.ts';
import type { CfdiResult } from './cfdi/index.ts';
import { quarantine, quarantineDir } from './quarantine.ts';
import type { InvoiceRecords, InvoiceRow, NewInvoice } from './records.ts';

export const INVOICE_QUEUE = NEXT_QUEUE.invoice;

export interface ProcessDeps {
  dataDir: string;
  /** intake.max_bytes.document, in bytes. */
  maxBytes: number;
  /** Set when OPENAI_API_KEY is: photos by vision, PDF text by structured outputs. */
  openai: OpenAIClient | null;
  files: IntakeRecords;
  invoices: InvoiceRecords;
}

export function processHandler(d: ProcessDeps) {
  return async ({ job, signal, log }: HandlerContext<{ fileId: number }>): Promise<void> => {
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
      let read: NewInvoice;
      try {
        read = await readPdf(d, bytes, signal);
      } catch (err) {
        if (err instanceof QuotaExhaustedError) throw quotaWait(err);
        if (err instanceof InvalidOutputError || err instanceof OpenAIRequestError) throw err;
        return reject(d, file, path, (err as Error).message, log); // a damaged PDF
      }
      const { invoice } = await d.invoices.add(read, file.id, 'pdf');
      log.info({ file_id: file.id, invoice_id: invoice.id, status: invoice.status, source: invoice.source }, 'invoice read from the PDF');
      await keepForReview(d.dataDir, invoice, file);
      return;
    }
    if (checked.type !== 'xml') {
      let read: NewInvoice;
      if (checked.type !== 'csv' && d.openai) {
        try {
          read = (await invoiceFromLlm(d.openai, { images: [{ mime: `image/${checked.type}`, bytes }] }, new Date(), signal)).invoice;
        } catch (err) {
          if (err instanceof QuotaExhaustedError) throw quotaWait(err);
          throw err;
        }
      } else {
        const why = checked.type === 'csv' ? 'CSV invoices are not read yet' : 'no extractor is configured for photos: set OPENAI_API_KEY';
        read = { ...emptyInvoice(), problems: JSON.stringify([`${why}; a person must read it`]) };
      }
      const { invoice } = await d.invoices.add(read, file.id, checked.type === 'csv' ? 'csv' : 'image');
      log.info({ file_id: file.id, invoice_id: invoice.id, status: invoice.status }, 'invoice from an image or CSV');
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

/** With an OpenAI key, the PDF's text goes to the model and is cross-checked against it; without, the heuristic reads it. */
async function readPdf(d: ProcessDeps, bytes: Buffer, signal: AbortSignal): Promise<NewInvoice> {
  if (!d.openai) return invoiceFromPdf(bytes, new Date());
  const text = await pdfText(bytes);
  if (!text.hasText) return invoiceFromPdf(bytes, new Date()); // a scan: review, saying no renderer is available
  return (await invoiceFromLlm(d.openai, { text: text.pages.join('\n') }, new Date(), signal)).invoice;
}

/** Out of credit: the invoice waits (not failed) and is tried again later; the admins were told once. */
function quotaWait(err: QuotaExhaustedError): RetryAfter {
  return new RetryAfter(600, `waiting for OpenAI credit: ${err.message}`);
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

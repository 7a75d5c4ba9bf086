// CSV invoices: the column mapping checked at start, one invoice per row with its own outcome (ok, review,
// duplicate, error with the row), a crash half way resumed without doing a row twice, a file that cannot be read
// quarantined; on SQLite and PostgreSQL, then end to end over HTTP.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { englishOutcomes } from '../../support/english.ts';
import { CSV_FIELDS, ConfigError, loadConfig } from '../../../src/core/config.ts';
import { PermanentError } from '../../../src/core/queue/index.ts';
import type { HandlerContext, Job } from '../../../src/core/queue/index.ts';
import type { Store } from '../../../src/core/store/index.ts';
import { startService } from '../../../src/main.ts';
import type { Service } from '../../../src/main.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { OutcomeRecords } from '../../../src/pipeline/invoices/index.ts';
import type { FileRow } from '../../../src/pipeline/intake/index.ts';
import { InvoiceRecords, processHandler } from '../../../src/pipeline/invoices/index.ts';
import { INVOICE_FIELD_NAMES } from '../../../src/pipeline/invoices/extract/index.ts';
import type { ProcessDeps } from '../../../src/pipeline/invoices/index.ts';
import { runCli, tempDir } from '../../support/service.ts';
import { STORE_KINDS, createTestStore, eventually, quietLog } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const MAPPING = {
  number: 'Folio',
  issuedAt: 'Fecha',
  issuerRfc: 'RFC Emisor',
  issuerName: 'Emisor',
  uuid: 'UUID',
  subtotal: 'Subtotal',
  transferredTaxes: 'IVA',
  total: 'Total',
  currency: 'Moneda',
};
const uuid = (n: number): string => `6f9619ff-8b86-4011-b42d-00c04fc9${String(n).padStart(4, '0')}`;

/** Rows 2–6: ok, review (does not add up), duplicate of row 2, error (too few columns), ok. */
const CSV = [
  'Folio;Fecha;RFC Emisor;Emisor;UUID;Subtotal;IVA;Total;Moneda',
  `A-1;12/05/2024;eku9003173c9;"Proveedor; Norte";${uuid(1)};"1.000,00";160,00;"1.160,00";mxn`,
  `A-2;13/05/2024;EKU9003173C9;Proveedor;${uuid(2)};500;80;600;MXN`,
  `A-1;12/05/2024;EKU9003173C9;Proveedor;${uuid(1)};1000;160;1160;MXN`,
  'A-4;14/05/2024;EKU9003173C9;Falta columna;500',
  `A-5;15/05/2024;EKU9003173C9;Proveedor;${uuid(3)};200;32;232;MXN`,
].join('\r\n');

describe('invoices.csv_columns', () => {
  it('is checked against the invoice fields with the rest of the configuration, naming each bad key, the closest field and all of them', () => {
    const cwd = tempDir('centinela-csv-config-');
    const check = (columns: string): string[] => {
      try {
        loadConfig({ cwd, env: { CENTINELA_INVOICES_CSV_COLUMNS: columns } });
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
    };
    expect(
      loadConfig({ cwd, env: { CENTINELA_INVOICES_CSV_COLUMNS: JSON.stringify(MAPPING) } }).config.invoices.csv_columns,
    ).toEqual(MAPPING);
    const problems = check('{folio: Folio, totl: Total, total: Total}');
    expect(problems).toHaveLength(2);
    expect(problems[1]).toBe(
      'invoices.csv_columns.totl: not an invoice field (did you mean total?); the fields are number, series, issuedAt, currency, issuerRfc, issuerName, receiverRfc, receiverName, uuid, subtotal, discount, transferredTaxes, withheldTaxes, total, paymentForm, paymentMethod (from CENTINELA_INVOICES_CSV_COLUMNS)',
    );
    expect(problems[0]).toMatch(/^invoices\.csv_columns\.folio: not an invoice field/);
    expect(check('{}')).toEqual([expect.stringMatching(/^invoices\.csv_columns: maps no field/)]);
  });

  it('names the same fields as the pipeline reads', () => {
    expect([...CSV_FIELDS].sort()).toEqual([...INVOICE_FIELD_NAMES].sort());
  });

  it('stops the service at start when a key is not a field, with exit code 78 from the command', async () => {
    const cwd = tempDir('centinela-csv-config-');
    const env = {
      CENTINELA_INVOICES_CSV_COLUMNS: '{totl: Total, number: Folio}',
      CENTINELA_LOG_STDOUT: 'false',
      CENTINELA_HTTP_PORT: '0',
    };
    await expect(startService({ cwd, env, only: ['invoices'] })).rejects.toThrow(
      /invoices\.csv_columns\.totl: not an invoice field \(did you mean total\?\)/,
    );
    const res = await runCli(['start', '--only', 'invoices'], { cwd, env });
    expect(res.code, res.stderr).toBe(78);
    expect(res.stderr).toContain(
      'invoices.csv_columns.totl: not an invoice field (did you mean total?); the fields are number, series',
    );
  });
});

function jobFor(fileId: number): Job<{ fileId: number }> {
  const now = Date.now();
  return {
    id: fileId,
    queue: 'invoice.process',
    payload: { fileId },
    key: `invoice.process:${fileId}`,
    state: 'active',
    priority: 0,
    runAt: now,
    attempts: 1,
    maxAttempts: 5,
    backoff: { baseMs: 10, capMs: 40 },
    leaseUntil: now + 60_000,
    worker: 'test',
    lastError: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
}

async function context(
  fileId: number,
  signal = new AbortController().signal,
): Promise<HandlerContext<{ fileId: number }>> {
  return { job: jobFor(fileId), signal, heartbeat: async () => {}, leaseMs: 60_000, log: await quietLog() };
}

describe.each(STORE_KINDS)('CSV invoices on %s', (kind) => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  async function setup(
    makeInvoices = (store: Store): InvoiceRecords => new InvoiceRecords(store),
  ): Promise<{ deps: ProcessDeps; upload(name: string, text: string): Promise<FileRow> }> {
    t = await createTestStore(kind);
    const store = t.store;
    const dataDir = t.spec.dataDir;
    const files = new IntakeRecords(store);
    const deps: ProcessDeps = {
      dataDir,
      maxBytes: 1024 * 1024,
      openai: null,
      intakeRecords: files,
      invoices: makeInvoices(store),
      outcomes: new OutcomeRecords(store),
      csvColumns: MAPPING,
    };
    return {
      deps,
      async upload(name, text) {
        mkdirSync(join(dataDir, 'incoming'), { recursive: true });
        const path = join(dataDir, 'incoming', name);
        writeFileSync(path, text);
        const sha256 = createHash('sha256').update(text).digest('hex');
        const { files: rows } = await files.recordUpload({ source: 'http', purpose: 'invoice', tags: {} }, [
          { kind: 'document', fileName: name, mimeType: 'text/csv', size: text.length, path, sha256 },
        ]);
        return rows[0] as FileRow;
      },
    };
  }

  it('makes one invoice per row, each with its outcome and row, and does nothing twice when run again', async () => {
    const { deps, upload } = await setup();
    const file = await upload('lista.csv', CSV);
    await processHandler(deps)(await context(file.id));

    const outcomes = englishOutcomes(await deps.outcomes.forFile(file.id));
    expect(outcomes.map((o) => [o.item, o.outcome])).toEqual([
      [2, 'ok'],
      [3, 'review'],
      [4, 'duplicate'],
      [5, 'error'],
      [6, 'ok'],
    ]);
    expect(outcomes[1]?.reason).toMatch(/^the amounts do not add up: subtotal 500\.00 .* but the total is 600\.00/);
    expect(outcomes[2]?.reason).toBe(
      `the same as invoice #${outcomes[0]?.record_id} (issuer EKU9003173C9, UUID ${uuid(1).toUpperCase()}), recorded before`,
    );
    expect(outcomes[3]).toMatchObject({
      record_id: null,
      reason: 'the row has 5 columns but the header has 9: check for a ";" inside a value that is not quoted',
    });
    const rows = await deps.invoices.db.selectFrom('invoices').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.number, r.status, r.source, r.uuid, r.total, r.issuer_name])).toEqual([
      ['A-1', 'ok', 'csv', uuid(1).toUpperCase(), '1160.00', 'Proveedor; Norte'],
      ['A-2', 'review', 'csv', uuid(2).toUpperCase(), '600.00', 'Proveedor'],
      ['A-5', 'ok', 'csv', uuid(3).toUpperCase(), '232.00', 'Proveedor'],
    ]);
    expect((JSON.parse(rows[1]?.data ?? '{}') as { row: number }).row).toBe(3);
    expect(
      await deps.invoices.db.selectFrom('invoice_files').select('invoice_id').where('file_id', '=', file.id).execute(),
    ).toHaveLength(3);
    // The row in review has its JSON copy for people working from files.
    expect(JSON.parse(readFileSync(join(deps.dataDir, 'pending', `${rows[1]?.id}.json`), 'utf8'))).toMatchObject({
      number: 'A-2',
      file: { name: 'lista.csv' },
    });

    // Delivered again (at least once): nothing new, nothing changed.
    await processHandler(deps)(await context(file.id));
    expect(englishOutcomes(await deps.outcomes.forFile(file.id))).toEqual(outcomes);
    expect(await deps.invoices.db.selectFrom('invoices').select('id').execute()).toHaveLength(3);
  });

  it('resumes a CSV cut off half way at the first row without an outcome', async () => {
    const stop = new AbortController();
    let adds = 0;
    class Counting extends InvoiceRecords {
      override async add(...args: Parameters<InvoiceRecords['add']>): ReturnType<InvoiceRecords['add']> {
        const added = await super.add(...args);
        if (++adds === 2) stop.abort(new Error('killed half way'));
        return added;
      }
    }
    const { deps, upload } = await setup((store) => new Counting(store));
    const csv = [
      'Folio;Fecha;RFC Emisor;Emisor;UUID;Subtotal;IVA;Total;Moneda',
      ...[11, 12, 13, 14].map((n) => `B-${n};12/05/2024;EKU9003173C9;Proveedor;${uuid(n)};100;16;116;MXN`),
    ].join('\n');
    const file = await upload('parcial.csv', csv);
    await expect(processHandler(deps)(await context(file.id, stop.signal))).rejects.toThrow('killed half way');
    expect(englishOutcomes(await deps.outcomes.forFile(file.id)).map((o) => o.item)).toEqual([2, 3]);

    await processHandler(deps)(await context(file.id));
    expect(adds).toBe(4); // rows 4 and 5 only, the second time
    expect(englishOutcomes(await deps.outcomes.forFile(file.id)).map((o) => [o.item, o.outcome])).toEqual([
      [2, 'ok'],
      [3, 'ok'],
      [4, 'ok'],
      [5, 'ok'],
    ]);
    const numbers = (await deps.invoices.db.selectFrom('invoices').select('number').orderBy('number').execute()).map(
      (r) => r.number,
    );
    expect(numbers).toEqual(['B-11', 'B-12', 'B-13', 'B-14']);
  });

  it("quarantines a CSV whose header lacks a mapped column, with the reason as the file's error outcome", async () => {
    const { deps, upload } = await setup();
    const file = await upload(
      'sin-uuid.csv',
      'Folio;Fecha;RFC Emisor;Emisor;Subtotal;IVA;Total;Moneda\nA-1;12/05/2024;EKU9003173C9;P;100;16;116;MXN\n',
    );
    const run = processHandler(deps)(await context(file.id));
    await expect(run).rejects.toBeInstanceOf(PermanentError);
    const [outcome] = englishOutcomes(await deps.outcomes.forFile(file.id));
    expect(outcome).toMatchObject({ item: 0, outcome: 'error' });
    expect(outcome?.reason).toContain(
      'line 1: the header has no column "UUID" (for uuid); its columns are: "Folio", "Fecha"',
    );
    const quarantined = readdirSync(join(deps.dataDir, 'quarantine'));
    expect(quarantined.filter((f) => f.endsWith('.meta.json'))).toHaveLength(1);
    expect(
      JSON.parse(
        readFileSync(
          join(deps.dataDir, 'quarantine', quarantined.find((f) => f.endsWith('.meta.json')) as string),
          'utf8',
        ),
      ),
    ).toMatchObject({
      fileName: 'sin-uuid.csv',
      retry: `fix the cause (or the file, here), then: centinela retry --invoices ${file.id}`,
    });
    expect(await deps.invoices.db.selectFrom('invoices').select('id').execute()).toHaveLength(0);
  });
});

describe('CSV invoices over HTTP', () => {
  let service: Service | null = null;
  afterEach(async () => {
    await service?.stop('test over');
    service = null;
  });

  it('reports each row of an uploaded CSV in GET /batches/:id, and counts invoices per row', async () => {
    service = await startService({
      cwd: tempDir('centinela-csv-http-'),
      only: ['http', 'invoices'],
      env: {
        CENTINELA_HTTP_PORT: '0',
        CENTINELA_LOG_STDOUT: 'false',
        CENTINELA_QUEUE_POLL_MS: '100',
        CENTINELA_API_TOKEN: 'test-token-0123456789',
        CENTINELA_INVOICES_CSV_COLUMNS: JSON.stringify(MAPPING),
      },
    });
    const url = service.http?.url ?? '';
    const headers = { authorization: 'Bearer test-token-0123456789' };
    const body = new FormData();
    body.append('files', new Blob([CSV], { type: 'text/csv' }), 'lista.csv');
    const { batch_id } = (await (await fetch(`${url}/batches`, { method: 'POST', headers, body })).json()) as {
      batch_id: string;
    };
    let report: Record<string, unknown> = {};
    await eventually(async () => {
      report = (await (await fetch(`${url}/batches/${batch_id}`, { headers })).json()) as Record<string, unknown>;
      return report.is_complete === true;
    }, 'CSV processed');
    expect(report).toMatchObject({
      total: 1,
      review: 1,
      pending: 0,
      invoices: { ok: 2, review: 1, duplicate: 1, error: 1 },
      cost: { input_tokens: 0, output_tokens: 0, amount: '0.000000', currency: 'USD' },
    });
    const [file] = report.files as Array<{
      status: string;
      reason: string;
      rows: Array<{ row: number; status: string; invoice_id: number | null }>;
    }>;
    expect(file?.status).toBe('review');
    expect(file?.reason).toBe(
      'row 5: the row has 5 columns but the header has 9: check for a ";" inside a value that is not quoted',
    );
    expect(file?.rows.map((r) => [r.row, r.status])).toEqual([
      [2, 'ok'],
      [3, 'review'],
      [4, 'duplicate'],
      [5, 'error'],
      [6, 'ok'],
    ]);
    expect(file?.rows[2]?.invoice_id).toBe(file?.rows[0]?.invoice_id);
    expect(existsSync(join(service.config.paths.data, 'quarantine'))).toBe(false);
  });
});

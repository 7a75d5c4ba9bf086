// `centinela extract` and `centinela invoices review|export`, run as a user runs them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvoiceRecords, fromCfdi, parseCfdi } from '../src/pipeline/invoices/index.ts';
import { REPO, runCli, tempDir } from './support/service.ts';
import { openSpec } from './support/store-spec.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');

describe('invoice commands', () => {
  it('extracts CFDI files without storing anything, and says what is wrong with a bad one', async () => {
    const cwd = tempDir('centinela-extract-');
    const ok = await runCli(['extract', join(FIXTURES, 'cfdi33-real.xml'), '--json'], { cwd });
    expect(ok.code).toBe(0);
    const [result] = JSON.parse(ok.stdout) as Array<{ ok: boolean; kind: string; invoice: { uuid: string; total: string } }>;
    const expected = parseCfdi(readFileSync(join(FIXTURES, 'cfdi33-real.xml')));
    if (expected.kind !== 'cfdi') throw new Error('fixture is a CFDI');
    expect(result).toMatchObject({ ok: true, kind: 'invoice', invoice: { uuid: expected.document.uuid, total: expected.document.total } });

    const bad = await runCli(['extract', join(REPO, 'package.json')], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✗ .*package\.json: unsupported type: .json text: send PDF, XML, CSV/m);
    expect((await runCli(['extract'], { cwd })).code).toBe(2);
  });

  it('exports invoices as CSV and JSON, and lists those waiting for review', async () => {
    const cwd = tempDir('centinela-export-');
    const store = await openSpec({ kind: 'sqlite', dataDir: join(cwd, 'data') });
    const records = new InvoiceRecords(store);
    const row = fromCfdi(parseCfdi(readFileSync(join(FIXTURES, 'cfdi40-real.xml'))));
    await records.add(row, 1, 'xml');
    await records.add({ ...row, uuid: null, number: 'B-7', status: 'review', problems: JSON.stringify(['no extractor for this kind of file yet']) }, 2, 'source');
    await store.close();

    const csv = await runCli(['invoices', 'export'], { cwd });
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,status,kind,source,issued_at,series,number,uuid,issuer_rfc,issuer_name,receiver_rfc,receiver_name,currency,subtotal,discount,transferred,withheld,total,problems');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(row.uuid as string);

    const json = JSON.parse((await runCli(['invoices', 'export', '--format', 'json', '--since', '2020-01-01'], { cwd })).stdout) as Array<{ total: string }>;
    expect(json.map((j) => j.total)).toEqual([row.total, row.total]);
    const review = await runCli(['invoices', 'review'], { cwd });
    expect(review.stdout.trim()).toMatch(/^#2 invoice .*: no extractor for this kind of file yet$/);
    expect((await runCli(['invoices', 'export', '--since', 'yesterday'], { cwd })).code).toBe(2);
  });
});

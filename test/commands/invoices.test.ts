// `centinela extract` and `centinela invoices review|export`, run as a user runs them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvoiceRecords, fromCfdi, parseCfdi } from '../../src/pipeline/invoices/index.ts';
import { REPO, runCli, tempDir } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');

describe('invoice commands', () => {
  it('extracts CFDI files without storing anything, and says what is wrong with a bad one', async () => {
    const cwd = tempDir('centinela-extract-');
    const ok = await runCli(['extract', join(FIXTURES, 'cfdi33-real.xml'), '--json'], { cwd });
    expect(ok.code).toBe(0);
    const [result] = JSON.parse(ok.stdout) as Array<{
      ok: boolean;
      kind: string;
      invoice: { uuid: string; total: string };
    }>;
    const expected = parseCfdi(readFileSync(join(FIXTURES, 'cfdi33-real.xml')));
    if (expected.kind !== 'cfdi') throw new Error('fixture is a CFDI');
    expect(result).toMatchObject({
      ok: true,
      kind: 'invoice',
      invoice: { uuid: expected.document.uuid, total: expected.document.total },
    });

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
    await records.add(
      {
        ...row,
        uuid: null,
        number: 'B-7',
        status: 'review',
        problems: JSON.stringify(['no extractor for this kind of file yet']),
      },
      2,
      'source',
    );
    await store.close();

    const csv = await runCli(['invoices', 'export'], { cwd });
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'id,status,kind,source,issued_at,series,number,uuid,issuer_rfc,issuer_name,receiver_rfc,receiver_name,currency,subtotal,discount,transferred,withheld,total,problems',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(row.uuid as string);

    const json = JSON.parse(
      (await runCli(['invoices', 'export', '--format', 'json', '--since', '2020-01-01'], { cwd })).stdout,
    ) as Array<{ total: string }>;
    expect(json.map((j) => j.total)).toEqual([row.total, row.total]);
    const review = await runCli(['invoices', 'review'], { cwd });
    expect(review.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^invoice #2 · file #2 · invoice .*: no extractor for this kind of file yet$/),
      'decide: centinela invoices approve ID [--field total=1160.00 ...] | centinela invoices reject ID [--reason TEXT]',
    ]);
    expect((await runCli(['invoices', 'export', '--since', 'yesterday'], { cwd })).code).toBe(2);
  });

  it('neutralises cells a spreadsheet would run as formulas, keeping numbers numbers (issue 9 item 5)', async () => {
    const cwd = tempDir('centinela-export-formula-');
    const store = await openSpec({ kind: 'sqlite', dataDir: join(cwd, 'data') });
    const records = new InvoiceRecords(store);
    const row = fromCfdi(parseCfdi(readFileSync(join(FIXTURES, 'cfdi40-real.xml'))));
    await records.add(
      {
        ...row,
        uuid: null,
        number: '+52 1',
        issuer_name: '=HYPERLINK("http://evil.example/","click")',
        receiver_name: '@SUM(A1:A9)',
        series: '\tx',
        currency: '\rcmd',
        total: '-116.00',
        subtotal: '-100.00',
        problems: JSON.stringify(['-1+1']),
      },
      1,
      'xml',
    );
    await store.close();
    const csv = await runCli(['invoices', 'export'], { cwd });
    expect(csv.code).toBe(0);
    const line = csv.stdout.split('\n')[1] ?? '';
    expect(line).toContain(`,"'=HYPERLINK(""http://evil.example/"",""click"")",`);
    expect(line).toContain(",'@SUM(A1:A9),");
    expect(line).toContain(",'+52 1,");
    expect(line).toContain(",'\tx,");
    expect(line).toContain(`,"'\rcmd",`);
    expect(line).toMatch(/,-100\.00,.*,-116\.00,'-1\+1$/);
    expect(line).not.toMatch(/,[=+@\t]/);
  });

  it('refuses an --since that is not a calendar date, saying how to write one (issue 9 item 11)', async () => {
    const cwd = tempDir('centinela-export-since-');
    for (const since of ['2026-13-45', '2026-02-30', '2026-1-5']) {
      const result = await runCli(['invoices', 'export', '--since', since], { cwd });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `--since ${since}: not a calendar date; write YYYY-MM-DD, e.g. --since 2026-01-31`,
      );
    }
  });
});

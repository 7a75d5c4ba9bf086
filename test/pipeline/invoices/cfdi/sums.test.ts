// A CFDI's sums checked to the cent against the SAT's rules (issue 9 item 4): every fixture that adds up stays ok
// (payments, discounts, local taxes, 3.2 and 4.0 with six-decimal concepts), a document that does not goes to review
// with the figures and the difference, in the pipeline's reading and in `centinela extract`; unstamped documents go
// to review whatever their kind, Retenciones included.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfdiProblems, parseCfdi } from '../../../../src/pipeline/invoices/cfdi/index.ts';
import type { CfdiDocument } from '../../../../src/pipeline/invoices/cfdi/index.ts';
import { fromCfdi } from '../../../../src/pipeline/invoices/index.ts';
import { englishProblems } from '../../../support/english.ts';
import { invoiceRunner } from '../../../support/invoice-job.ts';
import { REPO, runCli, tempDir } from '../../../support/service.ts';
import { createTestStore } from '../../../support/stores.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
const text = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const problemsOf = (xml: string): string[] => englishProblems(fromCfdi(parseCfdi(xml)).problems);
const cfdi = (xml: string): CfdiDocument => {
  const parsed = parseCfdi(xml);
  if (parsed.kind !== 'cfdi') throw new Error('not a CFDI');
  return parsed.document;
};

function allFixtures(dir = FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return allFixtures(path);
    return name.endsWith('.xml') ? [path.slice(FIXTURES.length + 1)] : [];
  });
}

describe('CFDI sums', () => {
  it('finds nothing wrong in any real or created fixture', () => {
    const names = allFixtures();
    expect(names.length).toBeGreaterThanOrEqual(19);
    for (const name of names) {
      const parsed = parseCfdi(readFileSync(join(FIXTURES, name)));
      if (parsed.kind === 'cfdi')
        expect({ name, problems: cfdiProblems(parsed.document) }).toEqual({ name, problems: [] });
    }
    // cfdi33-real adds up only with its ImpuestosLocales (27.43 of local tax), read from the complement.
    expect(cfdi(text('cfdi33-real.xml')).localTaxes).toEqual({ transferred: '27.43', withheld: '0.00' });
    expect(fromCfdi(parseCfdi(text('cfdi33-real.xml'))).status).toBe('ok');
  });

  it('sends a Total that does not add up to review, with the figures and the difference', () => {
    const xml = text('cfdi40-valid.xml').replace('Total="3327.01"', 'Total="3427.01"');
    const row = fromCfdi(parseCfdi(xml));
    expect(row.status).toBe('review');
    expect(englishProblems(row.problems)).toEqual([
      'the amounts do not add up: SubTotal 3,824.15 − Descuento 956.04 + transferred taxes 458.90 − withheld taxes 0.00 = 3,327.01, but Total is 3,427.01 (off by 100.00)',
    ]);
    // One cent is a difference too.
    expect(problemsOf(text('cfdi40-valid.xml').replace('Total="3327.01"', 'Total="3327.00"'))).toEqual([
      expect.stringContaining('(off by 0.01)'),
    ]);
    // The local taxes count: without them cfdi33-real is 27.43 short.
    expect(problemsOf(text('cfdi33-real.xml').replace('Total="2010.01"', 'Total="1982.58"'))).toEqual([
      'the amounts do not add up: SubTotal 1,709.12 − Descuento 0.00 + transferred taxes 273.46 − withheld taxes 0.00 + local taxes 27.43 − local withholdings 0.00 = 2,010.01, but Total is 1,982.58 (off by 27.43)',
    ]);
  });

  it('checks the concepts against SubTotal and Descuento, and each Importe within the SAT rounding', () => {
    // The case: Total 1200.00 and SubTotal 1000.00 while the concepts add up to 1000.00 + 200.00 more.
    const concepts = text('cfdi40-valid.xml')
      .replace('SubTotal="3824.15"', 'SubTotal="3924.15"')
      .replace('Total="3327.01"', 'Total="3427.01"');
    expect(problemsOf(concepts)).toEqual(['the concepts add up to 3,824.15 but SubTotal is 3,924.15 (off by 100.00)']);
    const discount = text('created-with-discounts-40.xml').replace(
      'Importe="2000" Descuento="500"',
      'Importe="2000" Descuento="400"',
    );
    expect(problemsOf(discount)).toContain(
      "the concepts' discounts add up to 400.00 but Descuento is 500.00 (off by 100.00)",
    );
    // 4 × 956.04 = 3824.16, written 3824.15: inside the bounds the SAT allows (Cantidad "4" has no decimals).
    expect(cfdiProblems(cfdi(text('cfdi40-valid.xml')))).toEqual([]);
    // 2.00 × 677.83 = 1355.66; the bounds are 1.995 × 677.825 = 1352.26 and 2.005 × 677.835 = 1359.06.
    const importe = text('cfdi33-real.xml').replaceAll('Importe="1355.67"', 'Importe="1360.67"');
    expect(problemsOf(importe)).toContain(
      'concept 1 ("Paquete"): Importe 1,360.67 is not Cantidad 2.00 × ValorUnitario 677.83 = 1,355.66 (off by 5.01)',
    );
  });

  it('checks MetodoPago and FormaPago against the SAT catalogues, naming the wrong value', () => {
    const xml = text('cfdi40-valid.xml')
      .replace('MetodoPago="PUE"', 'MetodoPago="texto"')
      .replace('FormaPago="01"', 'FormaPago="1"');
    expect(problemsOf(xml)).toEqual([
      'MetodoPago "texto" is not in the SAT catalogue: it must be PUE (one payment) or PPD (instalments or deferred)',
      expect.stringMatching(/^FormaPago "1" is not in the SAT catalogue: it must be a c_FormaPago code: 01, 02, 03/),
    ]);
  });

  it('treats an unstamped document alike whatever its kind: Retenciones go to review like the rest', () => {
    for (const name of [
      'retenciones/retenciones20.xml',
      'created-with-discounts-40.xml',
      'pagos20-calculator/001.xml',
    ]) {
      const row = fromCfdi(parseCfdi(text(name)));
      expect({ name, status: row.status, problems: englishProblems(row.problems) }).toEqual({
        name,
        status: 'review',
        problems: ['No TimbreFiscalDigital: the document is not stamped, so uuid is null.'],
      });
    }
  });

  it('says so in `centinela extract`: status review and the difference', async () => {
    const cwd = tempDir('centinela-extract-sums-');
    const file = join(cwd, 'suma-mal.xml');
    writeFileSync(file, text('cfdi40-valid.xml').replace('Total="3327.01"', 'Total="3427.01"'));
    const json = await runCli(['extract', file, '--json'], { cwd });
    const [result] = JSON.parse(json.stdout) as Array<{ invoice: { status: string; problems: string[] } }>;
    expect(result?.invoice.status).toBe('review');
    expect(result?.invoice.problems).toEqual([expect.stringContaining('but Total is 3,427.01 (off by 100.00)')]);
    const human = await runCli(['extract', file], { cwd });
    expect(human.stdout).toContain('review: the amounts do not add up');
  });

  it("records the mismatch in the pipeline: the file's outcome is review with the difference", async () => {
    const testStore = await createTestStore('sqlite');
    try {
      const run = await invoiceRunner(testStore.store, testStore.spec.dataDir);
      const { outcomes } = await run.run(
        'factura.xml',
        text('cfdi40-valid.xml').replace('Total="3327.01"', 'Total="3427.01"'),
      );
      expect(outcomes).toMatchObject([
        { outcome: 'review', reason: expect.stringContaining('= 3,327.01, but Total is 3,427.01 (off by 100.00)') },
      ]);
      expect((await run.run('buena.xml', text('cfdi40-real.xml'))).outcomes).toMatchObject([
        { outcome: 'ok', reason: null },
      ]);
    } finally {
      await testStore.cleanup();
    }
  });
});

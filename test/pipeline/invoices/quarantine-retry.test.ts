// A quarantined invoice retried while still bad goes back under the same name with one meta file counting the
// retries (issue 9 item 11: each retry added 17 characters to the name and left the old meta behind); once read,
// nothing of it stays in quarantine.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../../src/core/queue/index.ts';
import { invoiceRunner } from '../../support/invoice-job.ts';
import { REPO } from '../../support/service.ts';
import { createTestStore } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

let testStore: TestStore | null = null;
afterEach(async () => {
  await testStore?.cleanup();
  testStore = null;
});

describe('retrying a quarantined invoice', () => {
  it('keeps one name and one meta file with a retry count, and leaves nothing once the file is read', async () => {
    testStore = await createTestStore('sqlite');
    const { dataDir } = testStore.spec;
    const run = await invoiceRunner(testStore.store, dataDir);
    const broken = '<?xml version="1.0"?><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">';
    const qdir = join(dataDir, 'quarantine');
    await expect(run.run('rota.xml', broken)).rejects.toBeInstanceOf(PermanentError);
    const [name, metaName, ...more] = readdirSync(qdir).sort();
    expect(more).toEqual([]);
    expect(metaName).toBe(`${name}.meta.json`);
    const fileId = (await run.files.db.selectFrom('files').select('id').executeTakeFirstOrThrow()).id;
    const meta = () =>
      JSON.parse(readFileSync(join(qdir, metaName as string), 'utf8')) as {
        retries?: number;
        quarantinedPath: string;
        error: string;
      };
    expect(meta().retries).toBeUndefined();

    for (const retries of [1, 2, 3]) {
      await expect(run.rerun(fileId)).rejects.toBeInstanceOf(PermanentError);
      expect(readdirSync(qdir).sort()).toEqual([name, metaName]);
      expect(meta()).toMatchObject({ retries, quarantinedPath: join(qdir, name as string) });
    }
    expect(readdirSync(join(dataDir, 'incoming', 'retried'))).toEqual([]);

    // Fixed where it lies, then retried: read, and quarantine is empty.
    writeFileSync(join(qdir, name as string), readFileSync(join(REPO, 'test/fixtures/cfdi/cfdi40-valid.xml')));
    expect((await run.rerun(fileId)).map((o) => o.outcome)).toEqual(['ok']);
    expect(readdirSync(qdir)).toEqual([]);
  });
});

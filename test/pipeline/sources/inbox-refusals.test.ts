// What the inbox folder does not take, it refuses once: a symbolic link out of the folder (never followed), a file
// of another type, an empty file. And a file whose 250-character name is already in the archive is archived under
// a name that fits, instead of failing at every rescan. Scans are run by hand, three times each, to show nothing
// repeats.
import {
  existsSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config.ts';
import { createLog } from '../../../src/core/log.ts';
import { pipelineFollowers } from '../../../src/followers.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import { InboxSource } from '../../../src/pipeline/sources/index.ts';
import { REPO, tempDir } from '../../support/service.ts';
import { createTestStore, eventually, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
const today = (): string => new Date().toISOString().slice(0, 10);
let t: TestStore | null = null;
let started: InboxSource | null = null;
afterEach(async () => {
  await started?.stop();
  started = null;
  await t?.cleanup();
  t = null;
});

interface Line {
  level: string;
  msg: string;
  file?: string;
  reason?: string;
}

async function inbox(
  after: 'move' | 'keep',
  linkedRoot = false,
): Promise<{ dir: string; inboxDir: string; source: InboxSource; lines: Line[]; taken: () => Promise<string[]> }> {
  const dir = tempDir('centinela-inbox-');
  let inboxDir = join(dir, 'inbox');
  mkdirSync(inboxDir);
  if (linkedRoot) {
    symlinkSync(inboxDir, join(dir, 'inbox-link'));
    inboxDir = join(dir, 'inbox-link'); // the configured folder is itself a link
  }
  t = await createTestStore('sqlite');
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const log = await createLog({
    level: 'info',
    dir: null,
    stdout: true,
    rotate: { size: 2 ** 20, keep: 1 },
    stdoutStream: sink,
  });
  const config = configSchema.parse({
    paths: { data: join(dir, 'data') },
    invoices: { inbox: inboxDir, inbox_after: after, inbox_stable_seconds: 1, inbox_rescan_seconds: 600 },
  });
  const intake = new IntakeRecords(t.store);
  const source = new InboxSource(
    {
      config,
      intakeRecords: intake,
      queue: await testQueue(t.store),
      followers: pipelineFollowers(config, t.store),
      log: log.for('invoices'),
    },
    inboxDir,
  );
  const taken = async (): Promise<string[]> =>
    (await intake.db.selectFrom('files').select('file_name').where('source', '=', 'inbox').execute()).map(
      (f) => f.file_name ?? '',
    );
  return { dir, inboxDir, source, lines, taken };
}

/** Writes (or links) an entry in the inbox with a time past the stability window, as if dropped a while ago. */
function drop(path: string, content: Buffer | string | { linkTo: string }): void {
  if (typeof content === 'object' && 'linkTo' in content) symlinkSync(content.linkTo, path);
  else writeFileSync(path, content);
  const past = new Date(Date.now() - 60_000);
  lutimesSync(path, past, past);
}

const cfdi = (name: string): Buffer => readFileSync(join(FIXTURES, name));

describe('inbox refusals', () => {
  it('refuses a link out of the inbox, other types and empty files once, moved to rejected/, and takes a link inside it', async () => {
    const { dir, inboxDir, source, lines, taken } = await inbox('move');
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere/secret.xml'), cfdi('cfdi40-real.xml'));
    drop(join(inboxDir, 'secret.xml'), { linkTo: join(dir, 'elsewhere/secret.xml') });
    drop(join(inboxDir, '.llegando.xml'), cfdi('cfdi33-real.xml')); // a hidden file the scan skips
    drop(join(inboxDir, 'dentro.xml'), { linkTo: join(inboxDir, '.llegando.xml') });
    drop(join(inboxDir, 'notas.txt'), 'hola');
    drop(join(inboxDir, 'vacia.pdf'), '');
    for (let i = 0; i < 3; i++) await source.scan();

    expect(await taken()).toEqual(['dentro.xml']); // the link inside; never the file outside
    expect(readdirSync(join(inboxDir, 'rejected', today())).sort()).toEqual(['notas.txt', 'secret.xml', 'vacia.pdf']);
    expect(lstatSync(join(inboxDir, 'rejected', today(), 'secret.xml')).isSymbolicLink()).toBe(true); // the link moved, not its target
    expect(existsSync(join(dir, 'elsewhere/secret.xml'))).toBe(true);
    expect(readdirSync(join(inboxDir, 'archive', today()))).toEqual(['dentro.xml']);
    const warned = lines.filter((l) => l.level === 'WARN');
    expect(warned.map((l) => l.file).sort()).toEqual(['notas.txt', 'secret.xml', 'vacia.pdf']); // once each
    expect(warned.find((l) => l.file === 'secret.xml')?.reason).toBe(
      `it is a symbolic link to ${join(dir, 'elsewhere/secret.xml')}, outside the inbox: links are taken only when they point inside the inbox; copy the file in instead`,
    );
    expect(warned.find((l) => l.file === 'vacia.pdf')?.reason).toMatch(/^the file is empty/);
    expect(warned.find((l) => l.file === 'notas.txt')?.reason).toMatch(/^not an invoice file type \(\.txt\)/);
    expect(lines.filter((l) => l.level === 'ERROR')).toEqual([]);
  });

  it('archives a 250-character name dropped twice under a name that fits, with no error at any rescan', async () => {
    const { inboxDir, source, lines, taken } = await inbox('move');
    const long = `${'factura-proveedor-'.repeat(13)}${'x'.repeat(250 - 18 * 13 - 4)}.xml`;
    expect(long).toHaveLength(250);
    drop(join(inboxDir, long), cfdi('cfdi40-real.xml'));
    await source.scan();
    drop(join(inboxDir, long), cfdi('cfdi33-real.xml'));
    for (let i = 0; i < 3; i++) await source.scan();
    expect(await taken()).toHaveLength(2);
    const archived = readdirSync(join(inboxDir, 'archive', today()));
    expect(archived).toHaveLength(2);
    for (const name of archived) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(archived.every((n) => n.endsWith('.xml'))).toBe(true);
    expect(readdirSync(inboxDir).filter((n) => n !== 'archive')).toEqual([]);
    expect(lines.filter((l) => l.level === 'ERROR' || l.level === 'WARN')).toEqual([]);
  });

  it('with inbox_after: keep, leaves refused files in place and says so once, until they change', async () => {
    const { dir, inboxDir, source, lines, taken } = await inbox('keep');
    writeFileSync(join(dir, 'outside.xml'), cfdi('cfdi40-real.xml'));
    drop(join(inboxDir, 'fuera.xml'), { linkTo: join(dir, 'outside.xml') });
    drop(join(inboxDir, 'notas.txt'), 'hola');
    drop(join(inboxDir, 'vacia.xml'), '');
    for (let i = 0; i < 3; i++) await source.scan();
    expect(await taken()).toEqual([]);
    expect(readdirSync(inboxDir).sort()).toEqual(['fuera.xml', 'notas.txt', 'vacia.xml']);
    expect(
      lines
        .filter((l) => l.level === 'WARN')
        .map((l) => l.file)
        .sort(),
    ).toEqual(['fuera.xml', 'notas.txt', 'vacia.xml']);
    // The empty file is written at last: now it is taken.
    drop(join(inboxDir, 'vacia.xml'), cfdi('cfdi33-real.xml'));
    await source.scan();
    expect(await taken()).toEqual(['vacia.xml']);
  });

  it('watches an inbox folder that is itself a symbolic link (links inside are not followed, the folder is)', async () => {
    const { inboxDir, source, taken } = await inbox('move', true);
    started = source;
    await source.start();
    // No rescan for 10 minutes: only the watcher can see this file.
    writeFileSync(join(inboxDir, 'nueva.xml'), cfdi('cfdi40-valid.xml'));
    await eventually(async () => (await taken()).length === 1, 'file seen by the watcher', 15_000);
    expect(await taken()).toEqual(['nueva.xml']);
  });
});

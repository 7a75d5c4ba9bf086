// `npm run bench -- drive`: the Drive source against the fake Drive on SQLite. A tree of BENCH_FILES (10,000) files
// in 20 folders: the first run's pace; a second run with no changes (Drive calls, seconds); 50 changes (calls per
// change); then moves, a folder moved in, trash and restore, new content and unsharing, after which every file
// in the tree must have been taken with its current content (missed_files). Pauses off and no request cap
// (drive.requests_per_second 0, sleep_between_batch_seconds 0), page_size 1000, batch_size 50.
import { performance } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../src/core/config.ts';
import { createLog } from '../src/core/log.ts';
import { Queue } from '../src/core/queue/index.ts';
import { pipelineFollowers } from '../src/followers.ts';
import { IntakeRecords } from '../src/pipeline/intake/index.ts';
import { loadDrive } from '../src/pipeline/sources/index.ts';
import { startFakeDrive } from '../test/fakes/drive/index.ts';
import { tempDir } from '../test/support/service.ts';
import { openSpec } from '../test/support/store-spec.ts';
import { figure, note } from './support.ts';

const FILES = Number(process.env['BENCH_FILES'] ?? 10_000);
const FOLDERS = 20;

const fake = await startFakeDrive();
const dir = tempDir('centinela-bench-drive-');
const store = await openSpec({ kind: 'sqlite', dataDir: dir });
const keyPath = join(dir, 'key.json');
writeFileSync(keyPath, JSON.stringify(fake.serviceAccountKey));
const root = fake.addFolder({ name: 'Facturas' });
const folders = Array.from({ length: FOLDERS }, (_, i) => fake.addFolder({ name: `p${i}`, parent: root }));
for (let i = 0; i < FILES; i++)
  fake.addFile({ name: `f${i}.pdf`, parent: folders[i % FOLDERS], content: `%PDF-1.4 invoice ${i}` });
const config = configSchema.parse({
  paths: { data: dir },
  drive: {
    folders: [root],
    api_root: fake.rootUrl,
    requests_per_second: 0,
    sleep_between_batch_seconds: 0,
    page_size: 1000,
    batch_size: 50,
    max_pages_per_run: 1000,
  },
});
const log = (await createLog({ level: 'error', dir: null, stdout: false, rotate: { size: 2 ** 20, keep: 1 } })).root;
const queue = new Queue({
  store,
  log,
  pollMs: 1000,
  leaseMs: 60_000,
  maxAttempts: 3,
  backoff: { baseMs: 100, capMs: 1000 },
});
const { runSync, syncOptionsFrom } = await loadDrive();
const deps = {
  config,
  credentials: keyPath,
  store,
  queue,
  followers: pipelineFollowers(config, store),
  intakeRecords: new IntakeRecords(store),
  log,
};
const sync = async () => {
  const t0 = performance.now();
  const r = await runSync(deps, syncOptionsFrom(config, 'bench'));
  if (r.exitCode !== 0) throw new Error(`the run failed: ${JSON.stringify(r.metrics)}`);
  return { ...r, seconds: (performance.now() - t0) / 1000 };
};

const first = await sync();
note(
  `first run: ${first.metrics.files_downloaded} files in ${first.seconds.toFixed(1)} s, ${first.metrics.drive_api_calls_total} Drive calls`,
);
const noop = await sync();
note(
  `no-change run: ${noop.metrics.drive_api_calls_total} Drive calls (plus one token request: each run is a new process)`,
);

const outside = fake.addFolder({ name: 'Otros' });
const ids = [...Array(FILES).keys()];
let changes = 0;
// The fake's items by name (the bench reads its state; tests use the control API).
const fileIds = (fake as unknown as { items: Map<string, { id: string; name: string }> }).items;
const byName = new Map([...fileIds.values()].map((i) => [i.name, i.id]));
for (const i of ids.slice(0, 20)) {
  fake.modify(byName.get(`f${i}.pdf`) as string, `new content ${i}`);
  changes++;
}
for (let i = 0; i < 20; i++) {
  fake.addFile({ name: `new${i}.pdf`, parent: folders[i % FOLDERS], content: `new ${i}` });
  changes++;
}
for (let i = 0; i < 10; i++) {
  const id = fake.addFile({
    name: `moved${i}.pdf`,
    parent: outside,
    content: `moved ${i}`,
    modifiedTime: '2019-01-01T00:00:00.000Z',
  });
  fake.move(id, folders[i] as string);
  changes++;
}
const fifty = await sync();
note(
  `50 changes: ${fifty.metrics.files_downloaded} files taken with ${fifty.metrics.drive_api_calls_total} Drive calls`,
);

// The scenarios of the tests, all at once.
const movedFolder = fake.addFolder({ name: 'Proveedor', parent: outside });
for (let i = 0; i < 5; i++)
  fake.addFile({
    name: `inside${i}.pdf`,
    parent: movedFolder,
    content: `inside ${i}`,
    modifiedTime: '2018-01-01T00:00:00.000Z',
  });
fake.move(movedFolder, root);
const trashed = byName.get('f100.pdf') as string;
fake.trash(trashed);
await sync();
fake.restore(trashed);
fake.modify(byName.get('f101.pdf') as string, 'changed again');
fake.unshare(byName.get('f102.pdf') as string);
const tNew = performance.now();
fake.addFile({ name: 'latest.pdf', parent: root, content: 'the newest invoice' });
await sync();
const newInvoiceSeconds = (performance.now() - tNew) / 1000;

// Every file now in the tree (visible, not trashed) must have been taken with its current content.
const { createHash } = await import('node:crypto');
const items = [
  ...(
    fake as unknown as {
      items: Map<
        string,
        {
          id: string;
          content: Buffer | null;
          parents: string[];
          shared: boolean;
          explicitlyTrashed: boolean;
          mimeType: string;
        }
      >;
    }
  ).items.values(),
];
const inTree = new Set<string>([root]);
for (let grew = true; grew; ) {
  grew = false;
  for (const it of items)
    if (
      it.mimeType.endsWith('folder') &&
      !inTree.has(it.id) &&
      it.parents.some((p) => inTree.has(p)) &&
      !it.explicitlyTrashed
    ) {
      inTree.add(it.id);
      grew = true;
    }
}
const expected = items.filter(
  (it) => it.content && it.shared && !it.explicitlyTrashed && it.parents.some((p) => inTree.has(p)),
);
const rows = await store.db
  .selectFrom('drive_files' as never)
  .select(['id' as never, 'checksum' as never, 'take' as never])
  .execute();
const taken = new Map(rows.map((r) => [r['id' as never] as string, r]));
let missed = 0;
for (const it of expected) {
  const r = taken.get(it.id);
  const md5 = createHash('md5')
    .update(it.content as Buffer)
    .digest('hex');
  if (!r || r['take' as never] !== 'taken' || r['checksum' as never] !== md5) missed++;
}
const intake = await store.db
  .selectFrom('files' as never)
  .select((eb) => eb.fn.countAll().as('n'))
  .executeTakeFirst();
note(`${expected.length} files in the tree; ${Number(intake?.n)} intake files recorded from Drive`);

await queue.stop(1000);
await store.close();
await fake.close();
figure('first_run_files_per_s', first.metrics.files_downloaded / first.seconds, 'files/s');
figure('noop_api_calls', noop.metrics.drive_api_calls_total, 'calls');
figure('noop_seconds', noop.seconds, 's');
figure('calls_per_change', fifty.metrics.drive_api_calls_total / changes, 'calls');
figure('new_invoice_seconds', newInvoiceSeconds, 's');
figure('missed_files', missed, 'files');

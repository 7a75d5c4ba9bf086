// Child of bench/monitor.ts: reads FILE from its beginning through the tailer and the shipped rules, then prints
// `records=N matched=M ms=T`. Runs alone (pinned to one core by the parent) so the figure is one core's.
import { createLog } from '../src/core/log.ts';
import { coreMigration, migrateToLatest, openStore } from '../src/core/store/index.ts';
import { SHIPPED_RULES, loadRules } from '../src/monitor/rules/index.ts';
import { Tailer, tailMigration } from '../src/monitor/tail/index.ts';

const [file, dataDir] = process.argv.slice(2) as [string, string];
const store = openStore({ dataDir, sqliteSynchronous: 'normal', busyTimeoutMs: 5000, poolSize: 1 });
await migrateToLatest(store.db as never, store.kind, [coreMigration, tailMigration]);
const log = (
  await createLog({
    level: 'error',
    dir: null,
    stdout: false,
    rotate: { size: 2 ** 20, keep: 1 },
    stdoutStream: process.stderr,
  })
).root;
const rules = loadRules(SHIPPED_RULES);
let records = 0;
let matched = 0;
const tailer = new Tailer({
  store,
  log,
  files: [file],
  from: 'beginning',
  maxLineBytes: 65536,
  multilineStart: /^\S/,
  onRecords: async (batch) => {
    records += batch.length;
    for (const r of batch) if (rules.match(r)) matched++;
  },
});
const t0 = performance.now();
await tailer.start();
await tailer.drain();
const ms = performance.now() - t0;
await tailer.stop();
await store.close();
process.stdout.write(`records=${records} matched=${matched} ms=${ms.toFixed(1)}\n`);

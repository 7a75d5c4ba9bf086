// Child of bench/monitor.ts (tail figures): follows FILE (a plain path) from its beginning with the tailer and its
// checkpoints in DATA, appending the number of every line it is handed to OUT (synchronously: what a SIGKILL cuts
// off is what the tailer would read again). Runs until killed.
import { appendFileSync } from 'node:fs';
import { createLog } from '../src/core/log.ts';
import { coreMigration, migrateToLatest, openStore } from '../src/core/store/index.ts';
import { Tailer, tailMigration } from '../src/monitor/tail/index.ts';

const [file, dataDir, out] = process.argv.slice(2) as [string, string, string];
const store = openStore({ dataDir, sqliteSynchronous: 'normal', busyTimeoutMs: 5000, poolSize: 1 });
await migrateToLatest(store.db as never, store.kind, [coreMigration, tailMigration]);
const log = (
  await createLog({
    level: 'warn',
    dir: null,
    stdout: true,
    rotate: { size: 2 ** 20, keep: 1 },
    stdoutStream: process.stderr,
  })
).root;
const tailer = new Tailer({
  store,
  log,
  files: [file],
  from: 'beginning',
  maxLineBytes: 65536,
  multilineStart: /^\S/,
  pollMs: 100,
  onRecords: async (batch) => {
    appendFileSync(out, batch.map((r) => r.text.slice(0, 7)).join('\n') + '\n');
  },
});
await tailer.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void tailer.stop().then(() => process.exit(0));
});

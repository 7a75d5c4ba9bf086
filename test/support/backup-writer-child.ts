// A writer for the backup test: inserts rows into load_rows one transaction each, as fast as the store takes them,
// and prints each id once its insert has committed, so the parent knows which rows were durable at any moment.
import { sql } from 'kysely';
import { openSpec } from './store-spec.ts';
import type { StoreSpec } from './store-spec.ts';

const spec = JSON.parse(process.env.WRITER_SPEC ?? '{}') as StoreSpec;
const store = await openSpec(spec);
const payload = 'x'.repeat(2000);
let stop = false;
process.on('SIGTERM', () => (stop = true));
for (let id = 1; !stop; id++) {
  await sql`insert into load_rows (id, payload) values (${id}, ${payload})`.execute(store.db);
  process.stdout.write(`${id}\n`);
  // node:sqlite answers synchronously: without a turn of the event loop, stdout and SIGTERM would wait forever.
  await new Promise((r) => setImmediate(r));
}
await store.close();
process.exit(0);

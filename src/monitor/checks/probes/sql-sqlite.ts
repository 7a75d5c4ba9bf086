// A probe's query on a SQLite file (a loader that writes SQLite): opened read-only in a worker thread, so that a
// slow query neither blocks the service's event loop nor outlives its timeout (the worker is terminated).
import { Worker } from 'node:worker_threads';
import { oneValue, probeError } from './sql-source.ts';
import type { SqlSource, SqlSourceOptions } from './sql-source.ts';

// Plain JavaScript, evaluated in the worker: one read-only connection, one statement, one answer, exit.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let db;
try {
  db = new DatabaseSync(workerData.path, { readOnly: true });
} catch (err) {
  parentPort.postMessage({ connect: true, error: String(err && err.message || err) });
  return;
}
try {
  const rows = db.prepare(workerData.sql).all().map((row) => Object.values(row));
  parentPort.postMessage({ rows });
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message || err) });
} finally {
  db.close();
}
`;

interface Answer {
  rows?: unknown[][];
  error?: string;
  connect?: boolean;
}

export class SqliteSource implements SqlSource {
  readonly #o: SqlSourceOptions;
  readonly #path: string;

  constructor(o: SqlSourceOptions) {
    this.#o = o;
    // sqlite:/srv/loader.db, sqlite:///srv/loader.db, file:/srv/loader.db, sqlite:relative/loader.db
    this.#path = decodeURIComponent(o.url.replace(/^(sqlite|file):(\/\/(?=\/))?/i, ''));
  }

  async value(): Promise<unknown> {
    const { probe, url, timeoutMs } = this.#o;
    const answer = await new Promise<Answer>((resolve, reject) => {
      const worker = new Worker(`(function () {${WORKER}})()`, {
        eval: true,
        workerData: { path: this.#path, sql: this.#o.sql },
      });
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`canceling statement due to statement timeout (${timeoutMs} ms)`));
      }, timeoutMs);
      worker.once('message', (m: Answer) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        reject(new Error('the query ended without an answer'));
      });
    }).catch((err: unknown) => {
      throw probeError(probe, url, 'query', err);
    });
    if (answer.error !== undefined)
      throw probeError(probe, url, answer.connect ? 'connect' : 'query', new Error(answer.error));
    return oneValue(probe, answer.rows ?? []);
  }

  async close(): Promise<void> {}
}

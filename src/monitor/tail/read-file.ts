// A whole file through the tailer's reader, without a store or a watcher: for the benchmark and one-off checks
// (e.g. feeding a sample log to the rules). Records come in batches, exactly as the tailer would cut them.
import { open } from 'node:fs/promises';
import type { LogRecord } from '../types.ts';
import { TailFile } from './file-reader.ts';
import { identityOf, readHead } from './identity.ts';
import type { Emitted } from './records.ts';

export interface ReadFileOptions {
  maxLineBytes: number;
  multilineStart: RegExp;
  onRecords(records: LogRecord[]): Promise<void> | void;
}

/** Reads `path` from its start to its end (its last line too, with or without a newline). */
export async function readRecordsFromFile(path: string, options: ReadFileOptions): Promise<{ records: number; bytes: number }> {
  const fh = await open(path, 'r');
  try {
    const id = identityOf(await fh.stat({ bigint: true }));
    const file = new TailFile(id, fh, path, 0, await readHead(fh), options);
    file.status = 'draining'; // read as it is, without the truncation check of a live file
    const queue: Emitted<TailFile>[] = [];
    const buf = Buffer.allocUnsafe(64 * 1024);
    let records = 0;
    let bytes = 0;
    const deliver = async (all: boolean): Promise<void> => {
      while (queue.length >= 1000 || (all && queue.length > 0)) {
        const batch = queue.splice(0, 1000);
        await options.onRecords(batch.map((e) => e.record));
        records += batch.length;
      }
    };
    for (;;) {
      const n = await file.read(queue, buf, Date.now(), 256 * 1024);
      bytes += n;
      await deliver(false);
      if (n === 0) break;
    }
    file.finish(queue);
    await deliver(true);
    return { records, bytes };
  } finally {
    await fh.close();
  }
}

// A whole file through the tailer's reader, without a store or a watcher: for the benchmark and one-off checks
// (`centinela rules test --log` feeding a log to the rules). Records come exactly as the tailer would cut them.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { LogRecord } from '../types.ts';
import { TailFile } from './file-reader.ts';
import { identityOf, readHead } from './identity.ts';
import { LineSplitter } from './lines.ts';
import type { LineSink } from './lines.ts';
import { RecordAssembler } from './records.ts';
import type { Emitted } from './records.ts';

export interface ReadFileOptions {
  maxLineBytes: number;
  multilineStart: RegExp;
  onRecords(records: LogRecord[]): Promise<void> | void;
}

/** Reads `path` from its start to its end (its last line too, with or without a newline). */
export async function readRecordsFromFile(
  path: string,
  options: ReadFileOptions,
): Promise<{ records: number; bytes: number }> {
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

export interface NumberedRecordOptions {
  maxLineBytes: number;
  multilineStart: RegExp;
  /** What rules see as the records' source (the path, or docker:NAME for a container's log). */
  source: string;
}

/**
 * Reads `path` from start to end as the tailer reads a log (the same line splitting, cutting and joining), and
 * hands on each record with the number of its first line (from 1): what `centinela rules test --log` shows.
 */
export async function readNumberedRecords(
  path: string,
  options: NumberedRecordOptions,
  onRecord: (record: LogRecord, line: number) => void,
): Promise<void> {
  const splitter = new LineSplitter(options.maxLineBytes, 0);
  const assembler = new RecordAssembler(null, options.source, options.multilineStart, options.maxLineBytes);
  // Lines go to the assembler numbered instead of by byte offsets, so that a record's start is its first line.
  let lineNo = 0;
  const numbered: LineSink = {
    line: (text) => {
      lineNo++;
      assembler.line(text, lineNo, lineNo + 1);
    },
  };
  const handOn = (): void => {
    for (const e of assembler.out.splice(0)) onRecord(e.record, e.start);
  };
  let pos = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    splitter.push(chunk, chunk.length, pos, numbered);
    pos += chunk.length;
    handOn();
  }
  splitter.flush(pos, numbered);
  assembler.flush();
  handOn();
}

// What a Tailer is given, checked once at construction: a wrong value fails with its name and what to give instead.
import { z } from 'zod';
import type { Logger } from '../../core/log.ts';
import type { Store } from '../../core/store/index.ts';
import type { LogRecord } from '../types.ts';

export interface TailOptions {
  store: Store;
  log: Logger;
  /** Paths or globs (absolute or relative to cwd); symlinks are followed. */
  files: string[];
  /** Where relative paths in `files` start from; default process.cwd(). */
  cwd?: string;
  /** Where to start in a file seen for the first time at start (files that appear later are read whole). */
  from: 'end' | 'beginning';
  maxLineBytes: number;
  multilineStart: RegExp;
  /** Safety poll (stat only), default 2000. */
  pollMs?: number;
  /** A pending multi-line record is flushed after this, default 50: a stack trace comes in the same write as its
   * first line, and detection should not wait for continuation lines that will not come. */
  idleFlushMs?: number;
  /** The clock (epoch ms) for the idle flush; tests pass their own. */
  now?: () => number;
  /** Called serially, never concurrently, with each batch of records in file order; the batch's checkpoints are saved only after it resolves. */
  onRecords(records: LogRecord[]): Promise<void>;
}

const schema = z.object({
  files: z.array(z.string().min(1, 'an empty path; remove it or give a file path or glob')),
  cwd: z.string().min(1, 'an empty folder; leave cwd out to use the working directory').optional(),
  from: z.enum(['end', 'beginning']),
  maxLineBytes: z.number().int().min(16, 'must be at least 16 bytes (monitor.max_line_bytes)'),
  multilineStart: z.instanceof(RegExp, { message: 'must be a RegExp (monitor.multiline_start)' }),
  pollMs: z.number().int().min(10, 'must be at least 10 ms').default(2000),
  idleFlushMs: z.number().int().min(0, 'must be 0 ms or more').default(50),
});

export type CheckedOptions = z.infer<typeof schema>;

export function checkOptions(options: TailOptions): CheckedOptions {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`invalid tail options: ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`);
}

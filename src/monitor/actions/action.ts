// The shape of one repair action: its parameter schema, the paths it touches, its time limit, what it would do
// (dry run), an optional look before acting (skip or give up without spending the breaker's budget), and one try
// that does the repair and checks that it held.
import type { z } from 'zod';
import type { Logger } from '../../core/log.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { DockerApi, Finding } from '../types.ts';
import type { Confined } from './confine.ts';

export interface ActionContext {
  store: Store;
  queue: Queue;
  log: Logger;
  /** monitor.owner: 'uid:gid' or a user name; '' when not set. */
  owner: string;
  dataDir: string;
  docker: DockerApi | null;
  botApi: { apiRoot: string; token: string | null };
  finding: Finding;
  /** The waits a person configured (backoff, check intervals): injectable so tests need no sleeps. */
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Aborted when the try runs out of time. */
  signal: AbortSignal;
  /** The confined real path of a path parameter (checked against the allowed roots before anything ran). */
  real(path: string): string;
  /** What one try leaves for the next tries of the same run (a file already moved, say). */
  memo: Map<string, string>;
  /** Checks another path against the allowed roots (a symlink's target, say). */
  confine(path: string, followFinal: boolean): Promise<Confined>;
  /** Whether a watched disk is under disk.critical_free now (what the disk check would say). */
  diskLow(): Promise<boolean>;
}

/** A try's verdict. `final`: another try cannot help (say why), so the remaining attempts are not spent. */
export interface TryResult {
  ok: boolean;
  detail: string;
  final?: boolean;
  /** The remedy holds only while its cause lasts (intake paused for a full disk): the incident stays open. */
  holding?: boolean;
}

export type Precheck = { result: 'skipped' | 'failed'; detail: string } | null;

export interface Action<P> {
  readonly type: string;
  /** Validates `{...finding.fields, ...plan.params}`; unknown keys (other captured fields) are ignored. */
  readonly schema: z.ZodType<P>;
  /** The parameter that names a path, confined to the allowed roots; `followFinal: false` keeps a final symlink itself. */
  readonly path?: { key: string; followFinal: boolean };
  timeoutMs(params: P): number;
  /** One line: what a try would do (dry run, logs). */
  describe(params: P, ctx: Pick<ActionContext, 'real'>): string;
  precheck?(params: P, ctx: ActionContext): Promise<Precheck>;
  attempt(params: P, ctx: ActionContext): Promise<TryResult>;
}

/** What the registry holds: each action's schema produces the parameters its own methods take. */
export type AnyAction = Action<unknown>;

export function ok(detail: string): TryResult {
  return { ok: true, detail };
}

/** A remedy that holds while the cause lasts: the incident stays open until its check clears it. */
export function holding(detail: string): TryResult {
  return { ok: true, detail, holding: true };
}

export function fail(detail: string, final = false): TryResult {
  return { ok: false, detail, final };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

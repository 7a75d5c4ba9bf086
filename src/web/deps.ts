// What the web page needs from the service: built in main.ts from the modules it already has.
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Queue } from '../core/queue/index.ts';
import type { Store } from '../core/store/index.ts';
import type { Followers } from '../pipeline/intake/index.ts';
import type { UploadDeps } from '../pipeline/sources/index.ts';

/** The facts of /status the Now page shows (src/status.ts's StatusReport has them). */
export interface NowFacts {
  version: string;
  running: boolean;
  uptime_seconds: number | null;
  store: { kind: string; location: string; ok: boolean; error?: string };
  modules: Array<{ name: string; state: string; detail?: string }>;
  queues: Array<{ queue: string; counts: Record<string, number>; oldestWaitingSeconds: number }>;
  disk: Array<{ path: string; free_bytes: number; total_bytes: number }>;
  batches?: Array<{ batch_id: string; source: string; total: number; done: number }>;
  recent_errors: Array<{ job_id: number; queue: string; state: string; error: string | null; at: number | null }>;
}

export interface WebDeps {
  config: Config;
  store: Store;
  queue: Queue;
  followers: Followers;
  status(): Promise<NowFacts>;
  /** The same deps as POST /batches: an upload from the page is a batch like any other. */
  upload: UploadDeps;
  log: Logger;
}

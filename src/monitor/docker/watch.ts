// The Docker side of the monitor: the event stream (problems at once), the periodic check (what the stream missed,
// crash loops, an unreachable daemon) and the logs of containers marked `logs: true`. dockerode is loaded on first
// use, and only when containers are configured.
import type { Logger } from '../../core/log.ts';
import type { Store } from '../../core/store/index.ts';
import type { Check, CheckResult, ContainerState, DockerApi, LogRecord } from '../types.ts';
import { LogCheckpoints } from './checkpoints.ts';
import { ContainerCheck } from './container-check.ts';
import { openDocker } from './engine.ts';
import type { DockerEngine } from './engine.ts';
import { followEvents } from './events-follow.ts';
import type { WatchedContainer } from './findings.ts';
import { followLogs } from './logs-follow.ts';
import { DEFAULT_RETRY } from './reconnect.ts';
import type { RetryOptions } from './reconnect.ts';

export interface DockerWatchOptions {
  socket: string;
  containers: WatchedContainer[];
  store: Store;
  log: Logger;
  intervalMs: number;
  /** Problems seen on the event stream (at once) and the daemon going away or coming back. */
  onResults(results: CheckResult[]): Promise<void>;
  /** Container log lines, source `docker:<name>`. */
  onRecords(records: LogRecord[]): Promise<void>;
  /** Waits between reconnects of the streams; default 0.5 s doubling to 30 s. */
  retry?: RetryOptions;
  /** Joins container log lines into records (a container's own multiline_start wins); default ^\S. */
  multilineStart?: RegExp;
  /** Records are cut at this length; default 65536. */
  maxLineBytes?: number;
}

export class DockerWatch {
  /** null when no containers are configured; usable before start() (dockerode loads on the first call). */
  readonly api: DockerApi | null;
  readonly check: Check;
  readonly #o: DockerWatchOptions;
  #engine: Promise<DockerApi & DockerEngine> | null = null;
  #abort: AbortController | null = null;
  #loops: Promise<void>[] = [];
  /** One client for the check, the streams and the restart action; dockerode is imported on the first call. */
  readonly #openEngine = (): Promise<DockerApi & DockerEngine> => (this.#engine ??= openDocker(this.#o.socket));

  constructor(o: DockerWatchOptions) {
    const containers = checkContainers(o.containers);
    this.#o = { ...o, containers };
    const check = new ContainerCheck({ engine: this.#openEngine, socket: o.socket, containers, log: o.log });
    this.check = { id: 'docker', intervalMs: o.intervalMs, run: () => check.run() };
    this.api =
      containers.length === 0
        ? null
        : {
            inspect: async (name: string): Promise<ContainerState> => (await this.#openEngine()).inspect(name),
            restart: async (name: string): Promise<void> => (await this.#openEngine()).restart(name),
          };
  }

  /** Opens the streams; returns at once even when Docker is unreachable (the streams keep trying). */
  async start(): Promise<void> {
    if (this.#o.containers.length === 0 || this.#abort) return;
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    const engine = this.#openEngine;
    await engine(); // a broken dockerode install or an empty socket setting fails the start here, not in a loop
    const retry = this.#o.retry ?? DEFAULT_RETRY;
    const { log, socket, containers, onResults, onRecords } = this.#o;
    this.#loops.push(followEvents({ engine, socket, containers, log, retry, onResults }, signal));
    const checkpoints = new LogCheckpoints(this.#o.store);
    for (const c of containers.filter((x) => x.logs)) {
      const multilineStart = c.multiline_start ? new RegExp(c.multiline_start) : (this.#o.multilineStart ?? /^\S/);
      const maxRecordChars = this.#o.maxLineBytes ?? 65_536;
      this.#loops.push(
        followLogs(
          { engine, container: c.name, checkpoints, log, retry, multilineStart, maxRecordChars, onRecords },
          signal,
        ),
      );
    }
  }

  /** Closes the streams and waits for the loops to end (a batch being handed on finishes first). */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await Promise.allSettled(this.#loops);
    this.#loops = [];
    this.#abort = null;
  }
}

/** The containers as the watch takes them (Docker's leading / dropped); throws what start refuses, and why. */
export function checkContainers(list: readonly WatchedContainer[]): WatchedContainer[] {
  const containers = list.map((c) => ({ ...c, name: c.name.replace(/^\//, '') }));
  const names = new Set<string>();
  for (const c of containers) {
    const { name } = c;
    if (!name.trim()) throw new Error('monitor.containers: a container has an empty name; give its docker name');
    if (names.has(name)) throw new Error(`monitor.containers: ${name} is listed twice; list each container once`);
    names.add(name);
    try {
      if (c.multiline_start) new RegExp(c.multiline_start);
    } catch (err) {
      throw new Error(
        `monitor.containers: ${name}: multiline_start is not a regex (${(err as Error).message}); fix it or leave it empty`,
      );
    }
  }
  return containers;
}

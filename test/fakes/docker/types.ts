// Public types of the fake Docker Engine API (see index.ts).

export type FakeHealth = 'starting' | 'healthy' | 'unhealthy';

export interface FakeContainerSpec {
  name: string;
  image?: string;
  /** Default 'running'. */
  state?: 'running' | 'exited' | 'created' | 'paused';
  /** The image has a HEALTHCHECK: State.Health is present (starting after each start, unless `health` is given). */
  healthcheck?: boolean;
  health?: FakeHealth;
  /** Started with a terminal: logs are a raw stream instead of a multiplexed one. */
  tty?: boolean;
  restartPolicy?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  labels?: Record<string, string>;
}

/** The routes the fake serves, for recorded requests and fault injection. */
export type FakeRoute = 'ping' | 'version' | 'list' | 'inspect' | 'restart' | 'logs' | 'events';

export type FakeFault = { status: 500 | 503; message?: string } | { hang: true };

export interface FakeDockerRequest {
  method: string;
  /** Path without the /v1.xx prefix, e.g. /containers/web/json. */
  path: string;
  route: FakeRoute | null;
  query: Record<string, string>;
  at: number;
}

export interface FakeDockerOptions {
  /** Where to listen; default a socket in a temp folder removed by close(). */
  socketPath?: string;
  /** ApiVersion reported by /_ping and /version; default 1.52. */
  apiVersion?: string;
}

export interface FakeDocker {
  readonly socketPath: string;
  /** Every request, in order of arrival. */
  readonly requests: FakeDockerRequest[];
  /** Names of containers restarted through the API, in order. */
  readonly restarts: string[];

  /** Creates a container (running unless said otherwise) and returns its 64-hex id. */
  add(spec: FakeContainerSpec): string;
  /** The process exits by itself: `die` with this exit code, no `kill` before it. */
  exit(name: string, exitCode?: number): void;
  /** The kernel kills it for memory: `oom`, then `die` with 137, State.OOMKilled. */
  oom(name: string): void;
  /** Someone runs `docker stop`: `kill` (signal 15), `die`, `stop`. */
  stop(name: string): void;
  /** `docker start`: `start`; health back to starting. */
  start(name: string): void;
  /**
   * The restart policy keeps restarting a crashing process: `times` × (`die` exit 1, RestartCount + 1, `start`).
   * It ends 'restarting' (Docker waits before the next try) unless `end` says 'running'.
   */
  crashLoop(name: string, times: number, end?: 'restarting' | 'running'): void;
  /** The health check's verdict changes: `health_status: <status>` event, State.Health.Status. */
  setHealth(name: string, status: FakeHealth): void;
  /** Writes lines (split at \n) to the container's stdout or stderr, stamped now. */
  log(name: string, text: string, stream?: 'stdout' | 'stderr'): void;
  remove(name: string): void;
  /** The next `times` (default 1) requests of `route` get `fault` instead of their answer. */
  fail(route: FakeRoute, fault: FakeFault, times?: number): void;
  /** Follow streams (events, logs) open now, optionally of one route. */
  openStreams(route?: 'events' | 'logs'): number;
  /** true: the daemon goes away (socket removed, every connection dropped); false: it listens again. */
  offline(on: boolean): Promise<void>;
  close(): Promise<void>;
}

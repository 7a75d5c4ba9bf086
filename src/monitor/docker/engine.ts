// The monitor's Docker client: dockerode over the Engine API socket, loaded only when containers are configured
// (an idle service without Docker must stay small). Plain calls have a time limit; streams end on the signal.
import type Dockerode from 'dockerode';
import type { ContainerState, DockerApi } from '../types.ts';
import { statusOf } from './errors.ts';
import { LogDecoder } from './frames.ts';
import type { ContainerLogLine } from './frames.ts';
import { sinceParam } from './timestamps.ts';
import { inspectSchema, toEvent, versionSchema } from './wire.ts';
import type { DockerEvent } from './wire.ts';

/** A container as the monitor sees it: what DockerApi gives, plus what the checks and the log tail need. */
export interface ContainerInfo extends ContainerState {
  id: string;
  exitCode: number;
  oomKilled: boolean;
  tty: boolean;
}

/** What the Docker watch needs beyond DockerApi: reachability, details, and the two streams. */
export interface DockerEngine {
  readonly socket: string;
  ping(): Promise<void>;
  /** The daemon's version and its Engine API version (GET /version). */
  version(): Promise<{ version: string; apiVersion: string }>;
  describe(name: string): Promise<ContainerInfo>;
  /**
   * Opens the event stream of these containers from `sinceMs` (null: from now); it resolves once Docker answered,
   * and the iterable ends when the signal aborts or Docker closes it.
   */
  events(o: { sinceMs: number | null; containers: string[]; signal: AbortSignal }): Promise<AsyncIterable<DockerEvent>>;
  /** Opens the container's log from `sinceNs` on, followed while it runs; lines come in batches as they arrive. */
  logs(
    name: string,
    o: { sinceNs: bigint; tty: boolean; signal: AbortSignal },
  ): Promise<AsyncIterable<ContainerLogLine[]>>;
}

const CALL_TIMEOUT_MS = 10_000;
/** docker restart waits up to 10 s for the process to stop, then kills it; the start comes after. */
const RESTART_TIMEOUT_MS = 60_000;
// kill is asked for only to tell a deliberate stop's die from a crash.
const WATCHED_EVENTS = ['die', 'oom', 'kill', 'health_status'];

// dockerode forwards these options to the daemon (and takes abortSignal itself); its types omit them for ping.
type PingWithOptions = (o: { abortSignal: AbortSignal }) => Promise<unknown>;
type VersionWithOptions = PingWithOptions;

export async function openDocker(socket: string): Promise<DockerApi & DockerEngine> {
  if (!socket)
    throw new Error(
      'monitor.docker_socket is empty: set it to the Docker Engine API socket, such as /var/run/docker.sock',
    );
  const { default: Docker } = await import('dockerode');
  const docker = new Docker({ socketPath: socket });

  const describe = async (name: string): Promise<ContainerInfo> => {
    let raw: unknown;
    try {
      raw = await docker.getContainer(name).inspect({ abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    } catch (err) {
      if (statusOf(err) === 404)
        return {
          name,
          id: '',
          status: 'missing',
          health: null,
          restartCount: 0,
          exitCode: 0,
          oomKilled: false,
          tty: false,
        };
      throw err;
    }
    const parsed = inspectSchema.safeParse(raw);
    if (!parsed.success)
      throw new Error(
        `Docker answered an inspect of ${name} in an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    const c = parsed.data;
    return {
      name,
      id: c.Id,
      status: c.State.Status,
      health: c.State.Health?.Status ?? null,
      restartCount: c.RestartCount,
      exitCode: c.State.ExitCode,
      oomKilled: c.State.OOMKilled,
      tty: c.Config?.Tty ?? false,
    };
  };

  return {
    socket,
    async ping() {
      await (docker.ping.bind(docker) as unknown as PingWithOptions)({
        abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    },
    async version() {
      const raw: unknown = await (docker.version.bind(docker) as unknown as VersionWithOptions)({
        abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const parsed = versionSchema.safeParse(raw);
      if (!parsed.success) throw new Error('Docker answered /version in an unexpected shape');
      return { version: parsed.data.Version, apiVersion: parsed.data.ApiVersion };
    },
    describe,
    async inspect(name) {
      const { status, health, restartCount } = await describe(name);
      return { name, status, health, restartCount };
    },
    async restart(name) {
      await docker.getContainer(name).restart({ t: 10, abortSignal: AbortSignal.timeout(RESTART_TIMEOUT_MS) });
    },
    events: (o) => events(docker, o),
    logs: (name, o) => logs(docker, name, o),
  };
}

async function events(
  docker: Dockerode,
  o: { sinceMs: number | null; containers: string[]; signal: AbortSignal },
): Promise<AsyncIterable<DockerEvent>> {
  const stream = await docker.getEvents({
    ...(o.sinceMs === null ? {} : { since: Math.floor(o.sinceMs / 1000) }),
    filters: { type: ['container'], event: WATCHED_EVENTS, container: o.containers },
    abortSignal: o.signal,
  } as Dockerode.GetEventsOptions);
  return parseEvents(stream);
}

/** Docker writes one JSON message per line. */
async function* parseEvents(stream: NodeJS.ReadableStream): AsyncIterable<DockerEvent> {
  let rest = '';
  const utf8 = new TextDecoder();
  for await (const chunk of stream) {
    const parts = (rest + (typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true }))).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(part);
      } catch {
        continue; // a torn message on a dropped connection: the periodic check covers what it said
      }
      const ev = toEvent(raw);
      if (ev) yield ev;
    }
  }
}

async function logs(
  docker: Dockerode,
  name: string,
  o: { sinceNs: bigint; tty: boolean; signal: AbortSignal },
): Promise<AsyncIterable<ContainerLogLine[]>> {
  const stream = await docker.getContainer(name).logs({
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
    since: sinceParam(o.sinceNs),
    abortSignal: o.signal,
  });
  return decodeLogs(stream, o.tty);
}

async function* decodeLogs(stream: NodeJS.ReadableStream, tty: boolean): AsyncIterable<ContainerLogLine[]> {
  const decoder = new LogDecoder(tty);
  for await (const chunk of stream) {
    const lines = decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (lines.length > 0) yield lines;
  }
  const last = decoder.end();
  if (last.length > 0) yield last;
}

// One fake container: its state as Docker keeps it, and the JSON shapes of GET /containers/{id}/json (inspect)
// and GET /containers/json (summary), as the Engine API (v1.52) writes them.
import { createHash, randomBytes } from 'node:crypto';
import { nowNs, rfc3339Nano } from './time.ts';
import type { FakeContainerSpec, FakeHealth } from './types.ts';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface LogLine {
  ns: bigint;
  /** 1 stdout, 2 stderr (the multiplexed stream's header byte). */
  stream: 1 | 2;
  text: string;
}

export class FakeContainer {
  readonly id = randomBytes(32).toString('hex');
  readonly name: string;
  readonly image: string;
  readonly imageId = `sha256:${createHash('sha256').update(randomBytes(8)).digest('hex')}`;
  readonly created = nowNs();
  readonly tty: boolean;
  readonly healthcheck: boolean;
  readonly restartPolicy: string;
  readonly labels: Record<string, string>;
  status: 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';
  health: FakeHealth;
  failingStreak = 0;
  exitCode = 0;
  oomKilled = false;
  restartCount = 0;
  pid = 0;
  startedAt: bigint | null = null;
  finishedAt: bigint | null = null;
  readonly logs: LogLine[] = [];

  constructor(spec: FakeContainerSpec) {
    this.name = spec.name.replace(/^\//, '');
    this.image = spec.image ?? 'busybox:latest';
    this.tty = spec.tty ?? false;
    this.healthcheck = spec.healthcheck ?? spec.health !== undefined;
    this.health = spec.health ?? 'starting';
    this.restartPolicy = spec.restartPolicy ?? 'no';
    this.labels = spec.labels ?? {};
    this.status = spec.state ?? 'running';
    if (this.status === 'running' || this.status === 'paused') this.markStarted();
    if (spec.health) this.health = spec.health;
  }

  markStarted(): void {
    this.status = 'running';
    this.pid = 1000 + Math.floor(Math.random() * 30000);
    this.startedAt = nowNs();
    this.exitCode = 0;
    this.oomKilled = false;
    if (this.healthcheck) {
      this.health = 'starting';
      this.failingStreak = 0;
    }
  }

  markExited(exitCode: number): void {
    this.status = 'exited';
    this.pid = 0;
    this.exitCode = exitCode;
    this.finishedAt = nowNs();
  }

  /** Attributes Docker puts on a container event: the image, the name, and the labels. */
  attributes(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.labels, image: this.image, name: this.name, ...extra };
  }

  inspect(): Record<string, unknown> {
    const running = this.status === 'running' || this.status === 'paused';
    const state: Record<string, unknown> = {
      Status: this.status,
      Running: running,
      Paused: this.status === 'paused',
      Restarting: this.status === 'restarting',
      OOMKilled: this.oomKilled,
      Dead: this.status === 'dead',
      Pid: this.pid,
      ExitCode: this.exitCode,
      Error: '',
      StartedAt: this.startedAt === null ? ZERO_TIME : rfc3339Nano(this.startedAt),
      FinishedAt: this.finishedAt === null ? ZERO_TIME : rfc3339Nano(this.finishedAt),
    };
    if (this.healthcheck) state.Health = { Status: this.health, FailingStreak: this.failingStreak, Log: [] };
    return {
      Id: this.id,
      Created: rfc3339Nano(this.created),
      Path: 'sh',
      Args: ['-c', 'run'],
      State: state,
      Image: this.imageId,
      ResolvConfPath: `/var/lib/docker/containers/${this.id}/resolv.conf`,
      HostnamePath: `/var/lib/docker/containers/${this.id}/hostname`,
      HostsPath: `/var/lib/docker/containers/${this.id}/hosts`,
      LogPath: `/var/lib/docker/containers/${this.id}/${this.id}-json.log`,
      Name: `/${this.name}`,
      RestartCount: this.restartCount,
      Driver: 'overlay2',
      Platform: 'linux',
      MountLabel: '',
      ProcessLabel: '',
      AppArmorProfile: '',
      ExecIDs: null,
      HostConfig: {
        NetworkMode: 'bridge',
        RestartPolicy: { Name: this.restartPolicy, MaximumRetryCount: 0 },
        LogConfig: { Type: 'json-file', Config: {} },
      },
      Mounts: [],
      Config: {
        Hostname: this.id.slice(0, 12),
        Domainname: '',
        User: '',
        Tty: this.tty,
        OpenStdin: false,
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['sh', '-c', 'run'],
        Image: this.image,
        Labels: this.labels,
        ...(this.healthcheck
          ? { Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 30_000_000_000, Retries: 3 } }
          : {}),
      },
      NetworkSettings: {
        Networks: { bridge: { IPAddress: '172.17.0.2', Gateway: '172.17.0.1', NetworkID: '' } },
        Ports: {},
      },
    };
  }

  summary(): Record<string, unknown> {
    return {
      Id: this.id,
      Names: [`/${this.name}`],
      Image: this.image,
      ImageID: this.imageId,
      Command: 'sh -c run',
      Created: Number(this.created / 1_000_000_000n),
      Ports: [],
      Labels: this.labels,
      State: this.status,
      Status: this.statusText(),
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } },
      Mounts: [],
    };
  }

  /** "Up 5 seconds (healthy)", "Exited (1) 3 seconds ago", "Restarting (1) 2 seconds ago": what `docker ps` shows. */
  statusText(): string {
    const ago = (ns: bigint | null): string =>
      `${Math.max(0, Math.round((Date.now() - Number((ns ?? 0n) / 1_000_000n)) / 1000))} seconds`;
    if (this.status === 'running' || this.status === 'paused') {
      const health = this.healthcheck ? ` (${this.health === 'starting' ? 'health: starting' : this.health})` : '';
      return `Up ${ago(this.startedAt)}${this.status === 'paused' ? ' (Paused)' : health}`;
    }
    if (this.status === 'restarting') return `Restarting (${this.exitCode}) ${ago(this.finishedAt)} ago`;
    if (this.status === 'exited') return `Exited (${this.exitCode}) ${ago(this.finishedAt)} ago`;
    if (this.status === 'created') return 'Created';
    return 'Dead';
  }
}

// The periodic Docker check: the daemon answers, and each configured container runs (and is not unhealthy). It
// catches what the event stream missed, and a crash loop: Docker's own restart count grew since the last look.
import type { Logger } from '../../core/log.ts';
import type { CheckResult } from '../types.ts';
import type { DockerEngine } from './engine.ts';
import { describeError, unreachableReason } from './errors.ts';
import { containerDown, containerOk, containerUnhealthy, dockerReachable, dockerUnreachable } from './findings.ts';
import type { WatchedContainer } from './findings.ts';

export class ContainerCheck {
  readonly #engine: () => Promise<DockerEngine>;
  readonly #socket: string;
  readonly #containers: WatchedContainer[];
  readonly #log: Logger;
  readonly #restartCounts = new Map<string, number>();

  constructor(o: { engine: () => Promise<DockerEngine>; socket: string; containers: WatchedContainer[]; log: Logger }) {
    this.#engine = o.engine;
    this.#socket = o.socket;
    this.#containers = o.containers;
    this.#log = o.log;
  }

  async run(): Promise<CheckResult[]> {
    if (this.#containers.length === 0) return [];
    const engine = await this.#engine();
    try {
      await engine.ping();
    } catch (err) {
      return [dockerUnreachable(this.#socket, unreachableReason(err) ?? describeError(err))];
    }
    const results: CheckResult[] = [dockerReachable(this.#socket)];
    for (const c of this.#containers) {
      try {
        results.push(await this.#one(engine, c));
      } catch (err) {
        const why = unreachableReason(err);
        if (why) return [dockerUnreachable(this.#socket, why)];
        // Docker answered, but not about this container (a 500): no verdict this time rather than a wrong one.
        this.#log.warn({ container: c.name, error: describeError(err) }, 'could not inspect a container');
      }
    }
    return results;
  }

  async #one(engine: DockerEngine, c: WatchedContainer): Promise<CheckResult> {
    const info = await engine.describe(c.name);
    const before = this.#restartCounts.get(c.name);
    this.#restartCounts.set(c.name, info.restartCount);
    if (info.status === 'missing')
      return containerDown(
        c,
        'does not exist: create it, or remove it from monitor.containers',
        { status: 'missing' },
        false,
      );
    const fields = { status: info.status, restart_count: String(info.restartCount) };
    if (info.status !== 'running') {
      const how =
        info.status === 'exited' || info.status === 'dead'
          ? ` (exit code ${info.exitCode}${info.oomKilled ? ', killed for lack of memory' : ''})`
          : '';
      return containerDown(c, `is ${info.status}${how}, not running`, { ...fields, exit_code: String(info.exitCode) });
    }
    if (before !== undefined && info.restartCount > before) {
      const n = info.restartCount - before;
      return containerDown(
        c,
        `was restarted ${n} time(s) by Docker since the last check: it keeps crashing (see its log)`,
        fields,
      );
    }
    if (info.health === 'unhealthy')
      return containerUnhealthy(c, 'is unhealthy: its health check fails', { ...fields, health: 'unhealthy' });
    return containerOk(c);
  }
}

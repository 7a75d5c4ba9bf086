// doctor's monitor lines: the Docker socket (there, allowed, answering _ping) and each configured container; each
// probe (its glob matches, its variable is set, its query runs within its timeout). What start refuses (the same
// validation, by the same code: checkContainers, Probes) is a required ✗ here too.
import { accessSync, constants, statSync } from 'node:fs';
import type { Config } from '../core/config.ts';
import { pino } from 'pino';
import type * as MonitorIndex from '../monitor/index.ts';
import type { Probes } from '../monitor/index.ts';
import { versionCheck } from './doctor-docker.ts';

export interface DoctorCheck {
  ok: boolean;
  /** Optional checks print ! and do not fail the run. */
  optional?: boolean;
  text: string;
  fix?: string;
}

export async function monitorChecks(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<DoctorCheck[]> {
  const m = config.monitor;
  if (m.containers.length === 0 && m.probes.length === 0) return [];
  // Loaded only when there is something to check: doctor stays light for the common case.
  const monitor = await import('../monitor/index.ts');
  return [...(await dockerChecks(m, monitor)), ...(await probeChecks(m, env, monitor))];
}

type MonitorApi = typeof MonitorIndex;

async function dockerChecks(
  m: Config['monitor'],
  { checkContainers, describeDockerError, openDocker }: MonitorApi,
): Promise<DoctorCheck[]> {
  if (m.containers.length === 0) return [];
  let containers;
  try {
    containers = checkContainers(m.containers);
  } catch (err) {
    return [{ ok: false, text: (err as Error).message, fix: 'fix monitor.containers; start refuses it as it is' }];
  }
  const socket = m.docker_socket;
  const fixSocket = 'start Docker, or set monitor.docker_socket to its socket (docker context inspect shows it)';
  if (!socket)
    return [
      { ok: false, text: 'monitor.docker_socket is empty but monitor.containers lists containers', fix: fixSocket },
    ];
  try {
    if (!statSync(socket).isSocket())
      return [{ ok: false, text: `Docker socket ${socket} is not a socket`, fix: fixSocket }];
  } catch (err) {
    return [
      {
        ok: false,
        text: `Docker socket ${socket} does not exist (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        fix: fixSocket,
      },
    ];
  }
  try {
    accessSync(socket, constants.R_OK | constants.W_OK);
  } catch {
    return [
      {
        ok: false,
        text: `Docker socket ${socket}: permission denied for this user`,
        fix: 'add the service user to the docker group (usermod -aG docker USER), then log in again',
      },
    ];
  }
  const docker = await openDocker(socket);
  try {
    await docker.ping();
  } catch (err) {
    return [
      {
        ok: false,
        text: `Docker at ${socket} does not answer _ping: ${describeDockerError(err)}`,
        fix: 'check that the Docker daemon runs (systemctl status docker)',
      },
    ];
  }
  const checks: DoctorCheck[] = [{ ok: true, text: `Docker at ${socket} answers` }];
  checks.push(await versionCheck(docker, socket));
  for (const c of containers) {
    try {
      const info = await docker.describe(c.name);
      if (info.status === 'missing') {
        checks.push({
          ok: false,
          text: `container ${c.name} does not exist`,
          fix: 'create it, or remove it from monitor.containers (docker ps -a lists the names)',
        });
      } else if (info.status !== 'running') {
        checks.push({
          ok: false,
          optional: true,
          text: `container ${c.name} is ${info.status}`,
          fix: `docker start ${c.name}, or /maintenance ${c.name} <duration> while it is down on purpose`,
        });
      } else {
        checks.push({ ok: true, text: `container ${c.name} running${info.health ? ` (${info.health})` : ''}` });
      }
    } catch (err) {
      checks.push({ ok: false, text: `container ${c.name}: ${describeDockerError(err)}` });
    }
  }
  return checks;
}

async function probeChecks(
  m: Config['monitor'],
  env: NodeJS.ProcessEnv,
  { Probes, unitOf }: MonitorApi,
): Promise<DoctorCheck[]> {
  if (m.probes.length === 0) return [];
  let probes: Probes;
  try {
    // Measured once, quietly: each line below says what went wrong.
    probes = new Probes({ probes: m.probes, env, intervalMs: 30_000, log: pino({ level: 'silent' }), store: null });
  } catch (err) {
    return [
      {
        ok: false,
        text: (err as Error).message,
        fix: 'fix monitor.probes or the environment; start refuses them as they are',
      },
    ];
  }
  try {
    return (await probes.tryEach()).map(({ probe, error, count, newestAt }): DoctorCheck => {
      const name = `probe ${probe.name} (${probe.kind})`;
      if (error)
        return {
          ok: false,
          text: `${name}: ${error.replace(`probe ${probe.name}: `, '')}`,
          fix: probe.glob
            ? "check the glob and the folder's permissions"
            : `check the query and the database in ${probe.database_url_env}`,
        };
      if (probe.glob && count === 0)
        return {
          ok: false,
          optional: true,
          text: `${name}: ${probe.glob} matches no file`,
          fix: "check the glob (relative paths start at the service's working folder)",
        };
      const value = count === null ? '' : `${count} ${unitOf(probe)}`;
      const newest = newestAt === null ? '' : `${value ? ', ' : ''}newest ${new Date(newestAt).toISOString()}`;
      return { ok: true, text: `${name}: ${value}${newest || (value ? '' : 'nothing yet')}` };
    });
  } finally {
    await probes.close();
  }
}

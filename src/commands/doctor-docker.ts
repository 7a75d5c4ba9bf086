// doctor's Docker Engine lines beyond the monitor's containers: the daemon's version (GET /version) after _ping,
// and, with no monitor.containers, whether a socket at monitor.docker_socket answers at all (a ! at most: nothing
// needs it then). Through the monitor's own client (openDocker), loaded only when a socket is there.
import { accessSync, constants, statSync } from 'node:fs';
import type { Config } from '../core/config.ts';
import type * as MonitorIndex from '../monitor/index.ts';
import type { DoctorCheck } from './doctor-monitor.ts';

type Engine = Awaited<ReturnType<typeof MonitorIndex.openDocker>>;

/** The daemon's version line; the daemon already answered _ping. */
export async function versionCheck(docker: Engine, socket: string, optional = false): Promise<DoctorCheck> {
  const { describeDockerError } = await import('../monitor/index.ts');
  try {
    const v = await docker.version();
    return { ok: true, text: `Docker Engine ${v.version} (API ${v.apiVersion}) at ${socket}` };
  } catch (err) {
    return {
      ok: false,
      optional,
      text: `Docker at ${socket} answers _ping but not /version: ${describeDockerError(err)}`,
      fix: 'check the Docker daemon (systemctl status docker) and any proxy in front of its socket',
    };
  }
}

/** With no containers to watch: a socket that is there is tried, and a problem with it is only a !. */
export async function idleDockerChecks(config: Config): Promise<DoctorCheck[]> {
  const socket = config.monitor.docker_socket;
  if (config.monitor.containers.length > 0 || !socket) return []; // the monitor's lines cover it
  if (!statSync(socket, { throwIfNoEntry: false })?.isSocket()) return [];
  const note = '(no monitor.containers: nothing is watched)';
  try {
    accessSync(socket, constants.R_OK | constants.W_OK);
  } catch {
    return [
      {
        ok: false,
        optional: true,
        text: `Docker socket ${socket}: permission denied for this user ${note}`,
        fix: 'add the service user to the docker group before listing containers in monitor.containers',
      },
    ];
  }
  const { describeDockerError, openDocker } = await import('../monitor/index.ts');
  const docker = await openDocker(socket);
  try {
    await docker.ping();
  } catch (err) {
    return [
      {
        ok: false,
        optional: true,
        text: `Docker at ${socket} does not answer _ping: ${describeDockerError(err)} ${note}`,
        fix: 'check that the Docker daemon runs (systemctl status docker)',
      },
    ];
  }
  return [{ ok: true, text: `Docker at ${socket} answers ${note}` }, await versionCheck(docker, socket, true)];
}

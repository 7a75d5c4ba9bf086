// The Docker findings, in one place so that the event stream and the periodic check word them alike: rule `docker`
// for a container (target its name), `docker_unreachable` for the daemon (target the socket).
import type { CheckResult } from '../types.ts';
import { healthy, once, problem } from '../checks/result.ts';

export interface WatchedContainer {
  name: string;
  logs: boolean;
  restart: boolean;
  /** Its log's record start, overriding monitor.multiline_start; empty or absent: that one. */
  multiline_start?: string;
}

export function dockerUnreachable(socket: string, why: string): CheckResult {
  return problem({
    rule: 'docker_unreachable',
    errorType: 'docker_unreachable',
    severity: 'critical',
    target: socket,
    message: `Docker cannot be reached at ${socket}: ${why}`,
    fields: { socket },
  });
}

export function dockerReachable(socket: string): CheckResult {
  return healthy('docker_unreachable', socket);
}

/** A container that is not running (or crash-loops); a restart is attached when the config allows one and it exists. */
export function containerDown(
  c: WatchedContainer,
  why: string,
  fields: Record<string, string> = {},
  exists = true,
): CheckResult {
  return problem({
    rule: 'docker',
    errorType: 'container_down',
    severity: 'critical',
    target: c.name,
    message: `container ${c.name} ${why}`,
    fields: { container: c.name, ...fields },
    action: c.restart && exists ? once('restart_container', { container: c.name }) : null,
  });
}

export function containerUnhealthy(c: WatchedContainer, why: string, fields: Record<string, string> = {}): CheckResult {
  return problem({
    rule: 'docker',
    errorType: 'container_unhealthy',
    severity: 'warning',
    target: c.name,
    message: `container ${c.name} ${why}`,
    fields: { container: c.name, ...fields },
    action: c.restart ? once('restart_container', { container: c.name }) : null,
  });
}

export function containerOk(c: WatchedContainer): CheckResult {
  return healthy('docker', c.name);
}

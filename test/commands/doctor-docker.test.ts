// doctor's Docker Engine lines against the fake Docker: after _ping, the daemon's version from /version (a daemon
// that answers _ping but not /version is ✗); with no monitor.containers a socket that is there is still tried, and
// a problem with it is only a ! (nothing needs Docker then).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idleDockerChecks } from '../../src/commands/doctor-docker.ts';
import { monitorChecks } from '../../src/commands/doctor-monitor.ts';
import type { DoctorCheck } from '../../src/commands/doctor-monitor.ts';
import { configSchema } from '../../src/core/config.ts';
import { startFakeDocker } from '../fakes/docker/index.ts';
import type { FakeDocker } from '../fakes/docker/index.ts';
import { tempDir } from '../support/service.ts';

const shown = (checks: DoctorCheck[]): string[] =>
  checks.map((c) => `${c.ok ? '✓' : c.optional ? '!' : '✗'} ${c.text}`);

describe('centinela doctor: the Docker socket', () => {
  let fake: FakeDocker;
  const config = (socket: string, containers: Array<{ name: string }> = []) =>
    configSchema.parse({ monitor: { docker_socket: socket, containers } });

  beforeAll(async () => {
    fake = await startFakeDocker();
    fake.add({ name: 'loader' });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('with containers: _ping, then the version from /version; a /version that fails is ✗', async () => {
    const c = config(fake.socketPath, [{ name: 'loader' }]);
    expect(shown(await monitorChecks(c))).toEqual([
      `✓ Docker at ${fake.socketPath} answers`,
      `✓ Docker Engine 29.0.0 (API 1.52) at ${fake.socketPath}`,
      '✓ container loader running',
    ]);
    expect(fake.requests.some((r) => r.path.endsWith('/version'))).toBe(true);
    expect(await idleDockerChecks(c)).toEqual([]); // the monitor's lines cover it

    fake.fail('version', { status: 500 });
    const lines = shown(await monitorChecks(c));
    expect(lines[1]).toMatch(new RegExp(`^✗ Docker at ${fake.socketPath} answers _ping but not /version: `));
  });

  it('no containers, a socket there: tried, ! at worst; no socket: no line', async () => {
    const c = config(fake.socketPath);
    expect(shown(await idleDockerChecks(c))).toEqual([
      `✓ Docker at ${fake.socketPath} answers (no monitor.containers: nothing is watched)`,
      `✓ Docker Engine 29.0.0 (API 1.52) at ${fake.socketPath}`,
    ]);
    fake.fail('ping', { status: 500 });
    const [ping] = shown(await idleDockerChecks(c));
    expect(ping).toMatch(
      new RegExp(`^! Docker at ${fake.socketPath} does not answer _ping: .* \\(no monitor.containers`),
    );
    expect(await idleDockerChecks(config(join(tempDir('centinela-nodocker-'), 'docker.sock')))).toEqual([]);
  });
});

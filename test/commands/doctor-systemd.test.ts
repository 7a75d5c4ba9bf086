// doctor's systemd lines, against a stub systemctl that answers as systemd 252 does: a unit installed and enabled,
// installed and disabled, failed, not installed (and the monitor's unit reported only when installed); systemd not
// running (a container) and no systemctl at all are one ✓ line each, not an error.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemdChecks } from '../../src/commands/doctor-systemd.ts';
import type { DoctorCheck } from '../../src/commands/doctor-monitor.ts';
import { tempDir } from '../support/service.ts';

interface Unit {
  enabled: string;
  active: string;
}

/** A systemctl that knows these units; it logs its arguments, one call a line. */
function stubSystemctl(
  system: string,
  units: Record<string, Unit>,
  before = '',
): { path: string; calls: () => string[] } {
  const dir = tempDir('centinela-systemctl-');
  const log = join(dir, 'calls');
  const cases = Object.entries(units)
    .map(
      ([name, u]) => `    "is-enabled ${name}") echo ${u.enabled}; [ ${u.enabled} = enabled ] && exit 0; exit 1 ;;
    "is-active ${name}") echo ${u.active}; [ ${u.active} = active ] && exit 0; exit 3 ;;`,
    )
    .join('\n');
  const path = join(dir, 'systemctl');
  writeFileSync(
    path,
    `#!/bin/sh
echo "$*" >> ${log}
${before}
case "$*" in
    "is-system-running") echo ${system}; [ ${system} = running ] && exit 0; exit 1 ;;
${cases}
    is-enabled*) echo "Failed to get unit file state for $2: No such file or directory" >&2; exit 1 ;;
    is-active*) echo inactive; exit 3 ;;
esac
exit 2
`,
  );
  chmodSync(path, 0o755);
  return { path, calls: () => readFileSync(log, 'utf8').trim().split('\n') };
}

const shown = (checks: DoctorCheck[]): string[] =>
  checks.map((c) => `${c.ok ? '✓' : c.optional ? '!' : '✗'} ${c.text}${!c.ok && c.fix ? ` | fix: ${c.fix}` : ''}`);

describe('centinela doctor: the systemd units', () => {
  it('installed, enabled and active: ✓; the monitor unit is not installed: no line', async () => {
    const stub = stubSystemctl('running', { 'centinela.service': { enabled: 'enabled', active: 'active' } });
    expect(shown(await systemdChecks({ systemctl: stub.path }))).toEqual([
      '✓ centinela.service installed, enabled, active',
    ]);
    expect(stub.calls()).toEqual([
      'is-system-running',
      'is-enabled centinela.service',
      'is-active centinela.service',
      'is-enabled centinela-monitor.service',
    ]);
  });

  it('installed but disabled: ! (does not start at boot), with the command that enables it', async () => {
    const stub = stubSystemctl('degraded', {
      'centinela.service': { enabled: 'disabled', active: 'inactive' },
      'centinela-monitor.service': { enabled: 'enabled', active: 'active' },
    });
    expect(shown(await systemdChecks({ systemctl: stub.path }))).toEqual([
      '! centinela.service installed, disabled, inactive: it does not start at boot | fix: systemctl enable --now centinela',
      '✓ centinela-monitor.service installed, enabled, active',
    ]);
  });

  it('enabled but failed is ✗ (doctor exits 1); enabled but stopped is !', async () => {
    const stub = stubSystemctl('degraded', {
      'centinela.service': { enabled: 'enabled', active: 'failed' },
      'centinela-monitor.service': { enabled: 'enabled', active: 'inactive' },
    });
    expect(shown(await systemdChecks({ systemctl: stub.path }))).toEqual([
      '✗ centinela.service installed, enabled, failed | fix: journalctl -u centinela -e shows why; systemctl restart centinela once fixed',
      '! centinela-monitor.service installed, enabled, inactive | fix: systemctl start centinela-monitor',
    ]);
  });

  it('not installed: ! with how to install it', async () => {
    const stub = stubSystemctl('running', {});
    expect(shown(await systemdChecks({ systemctl: stub.path }))).toEqual([
      '! centinela.service is not installed (Failed to get unit file state for centinela.service: No such file or directory) | fix: sudo centinela install-service, then systemctl enable --now centinela (not needed under docker compose)',
    ]);
  });

  it('systemd not running (a container) and no systemctl: one ✓ line, nothing else asked', async () => {
    const stub = stubSystemctl('offline', { 'centinela.service': { enabled: 'enabled', active: 'active' } });
    expect(shown(await systemdChecks({ systemctl: stub.path }))).toEqual([
      '✓ systemd is not running here (offline): the systemd units are not checked',
    ]);
    expect(stub.calls()).toEqual(['is-system-running']);
    expect(shown(await systemdChecks({ systemctl: join(tempDir('centinela-none-'), 'systemctl') }))).toEqual([
      '✓ systemd: no systemctl here, the systemd units are not checked',
    ]);
  });

  it('a systemctl that hangs is cut off within the time bound: a ! line, doctor goes on', async () => {
    const stub = stubSystemctl('running', {}, 'exec sleep 30');
    const started = Date.now();
    expect(shown(await systemdChecks({ systemctl: stub.path, timeoutMs: 300 }))).toEqual([
      '! systemd: `systemctl is-system-running` did not answer within 300ms | fix: systemd is busy or stuck: see `systemctl list-jobs`, and try doctor again',
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

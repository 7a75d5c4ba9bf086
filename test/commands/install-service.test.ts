// `centinela install-service`: units with this checkout's real paths that systemd accepts (systemd-analyze verify),
// the folders created and owned by the service's user, a dry run that changes nothing, and config/*.service kept
// equal to what the command writes for /opt/centinela.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { describe, expect, test } from 'vitest';
import { MODULE_NAMES } from '../../src/main.ts';
import {
  MAIN_WITHOUT_MONITOR,
  SHIPPED_UNIT_SETTINGS,
  renderUnits,
  shippedUnits,
} from '../../src/commands/systemd-units.ts';
import { REPO, runCli, tempDir } from '../support/service.ts';

const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const root = process.getuid?.() === 0;

/** [Section] → key → values (a key may repeat: Environment=). */
function parseUnit(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1] as string;
      continue;
    }
    const eq = line.indexOf('=');
    expect(eq, `a unit line is KEY=value: ${line}`).toBeGreaterThan(0);
    const key = `${section}.${line.slice(0, eq)}`;
    keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1)]);
  }
  return keys;
}

const one = (unit: Map<string, string[]>, key: string): string => {
  const values = unit.get(key);
  expect(values, key).toHaveLength(1);
  return (values as string[])[0] as string;
};

function expectSupervised(text: string, shutdownSeconds: number, writable: string[]): Map<string, string[]> {
  const unit = parseUnit(text);
  expect(one(unit, 'Service.Type')).toBe('notify');
  expect(one(unit, 'Service.NotifyAccess')).toBe('all');
  expect(Number(one(unit, 'Service.WatchdogSec'))).toBeGreaterThan(0);
  expect(one(unit, 'Service.Restart')).toBe('on-failure');
  expect(one(unit, 'Service.RestartPreventExitStatus')).toBe('78 75');
  expect(one(unit, 'Unit.StartLimitIntervalSec')).toMatch(/^\d+(min|s)?$/);
  expect(Number(one(unit, 'Unit.StartLimitBurst'))).toBeGreaterThan(0);
  expect(Number(one(unit, 'Service.TimeoutStopSec'))).toBeGreaterThan(shutdownSeconds);
  expect(one(unit, 'Service.NoNewPrivileges')).toBe('yes');
  expect(one(unit, 'Service.ProtectSystem')).toBe('strict');
  expect(one(unit, 'Service.PrivateTmp')).toBe('yes');
  expect(one(unit, 'Service.ProtectHome')).toBe('yes');
  expect(one(unit, 'Service.UMask')).toBe('0027');
  expect(one(unit, 'Service.ReadWritePaths').split(' ')).toEqual(expect.arrayContaining(writable));
  return unit;
}

function verify(files: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

function configIn(dir: string, extra = ''): string {
  const file = join(dir, 'centinela.yaml');
  writeFileSync(
    file,
    `paths:\n  data: ${dir}/data\n  logs: ${dir}/logs\n  media: ${dir}/media\nshutdown:\n  timeout_seconds: 50\n${extra}`,
  );
  return file;
}

describe('centinela install-service', () => {
  test('--dry-run prints the user, folders and units it would write, and changes nothing', async () => {
    const dir = tempDir('centinela-install-');
    const config = configIn(dir);
    const r = await runCli(
      [
        'install-service',
        '--dry-run',
        '--user',
        'centinela-no-such-user',
        '--unit-dir',
        join(dir, 'units'),
        '--config',
        config,
      ],
      { cwd: dir },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('useradd --system --user-group');
    expect(r.stdout).toContain(`chown -R centinela-no-such-user:centinela-no-such-user ${dir}/data`);
    expect(r.stdout).toContain(`--- ${dir}/units/centinela.service`);
    expect(r.stdout).toContain('systemctl daemon-reload');
    expect(r.stdout).toContain('systemctl enable --now centinela');
    for (const name of ['units', 'data', 'logs', 'media']) expect(existsSync(join(dir, name))).toBe(false);
  });

  test('refuses a user name useradd would not take', async () => {
    const dir = tempDir('centinela-install-');
    const bad = await runCli(['install-service', '--dry-run', '--user', 'Bad Name'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a valid user name');
  });

  test.runIf(root)(
    'writes units with the real paths, owned folders, and units systemd-analyze verify accepts',
    async () => {
      const dir = tempDir('centinela-install-');
      // Folders the service may also write, which install-service does not create: they are optional (-path).
      const config = configIn(
        dir,
        `monitor:\n  allowed_roots: [${dir}/repairs]\ntelegram:\n  local_mode: true\n  delete_after_copy: true\n  local_path_remap:\n    from: /var/lib/telegram-bot-api\n    to: ${dir}/bot-api\n`,
      );
      const user = userInfo().username;
      const units = join(dir, 'units');
      const r = await runCli(['install-service', '--user', user, '--unit-dir', units, '--config', config], {
        cwd: dir,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('useradd'); // the user exists
      for (const name of ['data', 'logs', 'media']) {
        expect(statSync(join(dir, name)).isDirectory()).toBe(true);
        expect(statSync(join(dir, name)).uid).toBe(userInfo().uid);
      }
      const writable = ['data', 'logs', 'media'].map((n) => join(dir, n));
      const main = expectSupervised(readFileSync(join(units, 'centinela.service'), 'utf8'), 50, writable);
      expect(one(main, 'Service.ExecStart')).toBe(
        `${REPO}/node_modules/node/bin/node --v8-pool-size=1 ${REPO}/bin/centinela.js start --config ${config}`,
      );
      expect(one(main, 'Service.WorkingDirectory')).toBe(REPO);
      expect(one(main, 'Service.ReadWritePaths').split(' ')).toEqual([
        ...writable,
        `-${dir}/repairs`,
        `-${dir}/bot-api`,
      ]);
      expect(existsSync(join(dir, 'repairs'))).toBe(false);
      expect(one(main, 'Service.User')).toBe(user);
      const monitor = expectSupervised(readFileSync(join(units, 'centinela-monitor.service'), 'utf8'), 50, writable);
      expect(one(monitor, 'Service.ExecStart')).toMatch(/ start --config \S+ --only monitor$/);
      expect(monitor.get('Service.Environment')).toContain('CENTINELA_MONITOR_WATCH_URL=http://127.0.0.1:8787/healthz');
      if (analyze) {
        expect(verify([join(units, 'centinela.service'), join(units, 'centinela-monitor.service')])).toEqual({
          status: 0,
          stderr: '',
        });
      } else {
        console.warn('systemd-analyze is missing (apt-get install systemd): the units were parsed, not verified');
      }
    },
  );

  test.runIf(analyze)('systemd-analyze verify catches a broken unit (the check above can fail)', () => {
    const dir = tempDir('centinela-install-');
    const text = renderUnits({ ...SHIPPED_UNIT_SETTINGS, node: process.execPath, workdir: REPO })['centinela.service'];
    writeFileSync(join(dir, 'good.service'), text);
    expect(verify([join(dir, 'good.service')])).toEqual({ status: 0, stderr: '' });
    // The variants: the monitor apart, an install under /home, optional writable folders.
    const variant = renderUnits({
      ...SHIPPED_UNIT_SETTINGS,
      node: process.execPath,
      workdir: '/home/ops/centinela',
      alsoWritable: ['/srv/repairs'],
      monitorApart: true,
    });
    for (const [name, unit] of Object.entries(variant)) writeFileSync(join(dir, name), unit);
    expect(verify(Object.keys(variant).map((name) => join(dir, name)))).toEqual({ status: 0, stderr: '' });
    writeFileSync(join(dir, 'bad.service'), text.replace('Type=notify', 'Type=notifyy'));
    expect(verify([join(dir, 'bad.service')]).stderr).toContain('Failed to parse service type');
  });

  test('--monitor-apart: the main unit runs every module but the monitor, which has its own unit', () => {
    const units = renderUnits({ ...SHIPPED_UNIT_SETTINGS, monitorApart: true });
    const exec = one(parseUnit(units['centinela.service']), 'Service.ExecStart');
    expect(exec).toMatch(new RegExp(` start --only ${MAIN_WITHOUT_MONITOR}$`));
    const modules = MAIN_WITHOUT_MONITOR.split(',');
    for (const m of modules) expect(MODULE_NAMES).toContain(m);
    expect(modules).not.toContain('monitor');
    expect(modules).toEqual(expect.arrayContaining(['http', 'bot', 'invoices', 'maintenance']));
    expect(one(parseUnit(units['centinela-monitor.service']), 'Service.ExecStart')).toMatch(/ --only monitor$/);
  });

  test('a path a unit cannot hold as it is (a space, %, $) is refused with the fix', () => {
    expect(() => renderUnits({ ...SHIPPED_UNIT_SETTINGS, workdir: '/opt/my centinela' })).toThrow(
      /cannot name this path.*\/opt\/centinela/,
    );
    expect(() => renderUnits({ ...SHIPPED_UNIT_SETTINGS, writable: ['/srv/100%'] })).toThrow(/cannot name this path/);
  });

  test('an install under /home keeps it read-only instead of hidden, so its folders can be written', () => {
    const units = renderUnits({ ...SHIPPED_UNIT_SETTINGS, workdir: '/home/ops/centinela' });
    expect(one(parseUnit(units['centinela.service']), 'Service.ProtectHome')).toBe('read-only');
  });

  test('config/centinela.service and config/centinela-monitor.service are what install-service writes for /opt/centinela', () => {
    for (const [name, text] of Object.entries(shippedUnits())) {
      expect(readFileSync(join(REPO, 'config', name), 'utf8'), `config/${name} is stale`).toBe(text);
      expectSupervised(text, 30, ['/opt/centinela/data', '/opt/centinela/logs', '/opt/centinela/media']);
    }
  });
});

// `centinela install-service [--user NAME] [--monitor-apart] [--unit-dir DIR] [--dry-run]`: writes the systemd
// units with this install's real paths, creates the service's user and folders (owned by it), and says what to
// run next. --dry-run does nothing and prints all of it, the units included.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { UsageError } from '../usage-error.ts';
import { renderUnits } from './systemd-units.ts';
import type { UnitSettings } from './systemd-units.ts';

const run = promisify(execFile);
/** The checkout this command runs from: bin/centinela.js, node_modules, README. */
const CHECKOUT = resolve(import.meta.dirname, '../..');

interface Step {
  text: string;
  act: () => Promise<void>;
}

export async function installService(args: string[], configFile: string | undefined): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string', default: 'centinela' },
      'dry-run': { type: 'boolean', default: false },
      'monitor-apart': { type: 'boolean', default: false },
      'unit-dir': { type: 'string', default: '/etc/systemd/system' },
      config: { type: 'string' },
    },
    allowPositionals: false,
  });
  const dryRun = values['dry-run'];
  const user = values.user;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user))
    throw new UsageError(`--user ${user}: not a valid user name (lower-case letters, digits, _ and -)`);
  if (!dryRun && process.getuid?.() !== 0)
    throw new UsageError(
      'install-service creates a user and writes to /etc/systemd/system: run it as root (sudo), or with --dry-run to see what it would do',
    );

  // Read as the service will: from the checkout, with the same file.
  const file = configFile ? resolve(configFile) : undefined;
  const { config, file: readFile } = loadConfig({ file, cwd: CHECKOUT });
  const node = existsSync(join(CHECKOUT, 'node_modules/node/bin/node'))
    ? join(CHECKOUT, 'node_modules/node/bin/node')
    : process.execPath;
  const { data, logs, media } = config.paths;
  const writable = [...new Set([data, logs, media, ...(config.invoices.inbox ? [config.invoices.inbox] : [])])];
  const existing = await account(user);
  // Deleting the local Bot API server's copies writes to its folder, as this process sees it.
  const { local_mode: localMode, delete_after_copy: deletes, local_path_remap: remap } = config.telegram;
  const botApiFiles = localMode && deletes && remap.to ? resolve(CHECKOUT, remap.to) : null;
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const settings: UnitSettings = {
    workdir: CHECKOUT,
    node,
    user,
    group: existing?.group ?? user,
    configFile: readFile,
    writable,
    alsoWritable: [
      ...config.monitor.allowed_roots.map((p) => resolve(CHECKOUT, p)),
      ...(botApiFiles ? [botApiFiles] : []),
    ],
    shutdownSeconds: config.shutdown.timeout_seconds,
    healthzUrl: `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}/healthz`,
    monitorApart: values['monitor-apart'],
  };
  const units = renderUnits(settings);
  const unitDir = resolve(values['unit-dir']);

  const steps: Step[] = [];
  if (!existing) {
    const useradd = [
      '--system',
      '--user-group',
      '--home-dir',
      data,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ];
    steps.push({ text: `useradd ${useradd.join(' ')}`, act: async () => void (await run('useradd', useradd)) });
  }
  for (const dir of settings.writable) {
    steps.push({
      text: `mkdir -p ${dir} && chown -R ${user}:${settings.group} ${dir}`,
      act: async () => {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const owner = await account(user);
        if (!owner) throw new Error(`user ${user} does not exist`);
        chownTree(dir, owner.uid, owner.gid);
      },
    });
  }
  for (const [name, text] of Object.entries(units)) {
    steps.push({
      text: `write ${join(unitDir, name)}`,
      act: async () => {
        mkdirSync(unitDir, { recursive: true });
        writeFileSync(join(unitDir, name), text, { mode: 0o644 });
      },
    });
  }

  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  if (dryRun) {
    out('dry run: nothing is changed. It would:');
    for (const step of steps) out(`  ${step.text}`);
    for (const [name, text] of Object.entries(units)) out(`\n--- ${join(unitDir, name)}\n${text}`);
  } else {
    for (const step of steps) {
      await step.act();
      out(`✓ ${step.text}`);
    }
  }
  if (localMode && deletes && !botApiFiles)
    out(
      "note: telegram.delete_after_copy deletes the Bot API server's files: add its folder to ReadWritePaths (`systemctl edit centinela`), or set telegram.local_path_remap",
    );
  const enable = settings.monitorApart ? 'centinela centinela-monitor' : 'centinela';
  out(`
next:
  put the secrets in /etc/centinela/env (one NAME=value a line; chmod 600): TELEGRAM_BOT_TOKEN, ...
  systemctl daemon-reload
  systemctl enable --now ${enable}
  systemctl status centinela         # active (running) once start-up is complete
  journalctl -u centinela -f         # its log
${
  settings.monitorApart
    ? ''
    : '(centinela-monitor.service runs the monitor alone, watching the service from outside: run this again with\n --monitor-apart to use it, so that the main service runs without its own monitor)\n'
}`);
  return 0;
}

/** The user's uid, gid and group name, or null when there is no such user. */
async function account(user: string): Promise<{ uid: number; gid: number; group: string } | null> {
  try {
    const [uid, gid, group] = await Promise.all(
      [['-u'], ['-g'], ['-gn']].map(async (flag) => (await run('id', [...flag, user])).stdout.trim()),
    );
    return { uid: Number(uid), gid: Number(gid), group: group as string };
  } catch {
    return null;
  }
}

/** chown -R, without following symlinks (a link in media must not hand its target to the service). */
function chownTree(path: string, uid: number, gid: number): void {
  const stat = lstatSync(path);
  if (stat.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
  if (stat.isSymbolicLink()) return;
  chownSync(path, uid, gid);
}

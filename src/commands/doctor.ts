// `centinela doctor`: one line per check, ✓ or ✗, and for each ✗ the fix. Exit 1 if a required check fails.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkConfiguration, rulesFile } from '../config-check.ts';
import type { Config, LoadedConfig } from '../core/config.ts';
import { formatBytes } from '../core/format.ts';
import { readFreeSpace } from '../core/free-space.ts';
import { MIGRATIONS, storeOptions } from '../store-setup.ts';
import {
  SchemaTooNewError,
  describeUrl,
  openStore,
  pendingMigrations,
  storeConfigProblem,
} from '../core/store/index.ts';
import type { Store } from '../core/store/index.ts';
// The token file alone: http/index.ts would load fastify, which doctor never needs (test/cli/startup.test.ts).
// eslint-disable-next-line no-restricted-imports
import { readApiToken } from '../http/token.ts';
// The video check alone: content/index.ts would load the poster and grammY, which doctor never needs.
// eslint-disable-next-line no-restricted-imports
import { describeVideoTools } from '../pipeline/content/video-check/index.ts';
import { serviceUrl } from './service-url.ts';
import { monitorChecks } from './doctor-monitor.ts';
import { sharedDataCheck } from './doctor-shared-data.ts';
import { geminiCheck } from './doctor-gemini.ts';
import { opsChecks } from './doctor-ops.ts';
import { systemdChecks } from './doctor-systemd.ts';
import { idleDockerChecks } from './doctor-docker.ts';
import { driveChecks } from './doctor-drive.ts';

interface Check {
  ok: boolean;
  /** Optional checks print ✗ but do not fail the run. */
  optional?: boolean;
  text: string;
  fix?: string;
}

export async function doctor(_args: string[], configFile: string | undefined): Promise<number> {
  const checks: Check[] = [];
  let loaded: LoadedConfig;
  try {
    // The same check `centinela start` runs first: what it refuses, doctor refuses.
    loaded = checkConfiguration({ file: configFile });
    const rules = loaded.config.monitor.rules ? rulesFile(loaded) : 'the shipped rules';
    checks.push({
      ok: true,
      text: `configuration valid (${loaded.file ?? 'defaults and environment; no config file'}; monitor rules: ${rules})`,
    });
  } catch (err) {
    const fix =
      (err as Error).name === 'RulesError'
        ? 'fix the rules named above; `centinela rules test` shows each'
        : 'fix the keys named above; config/centinela.example.yaml lists them all';
    print([{ ok: false, text: (err as Error).message, fix }]);
    return 1;
  }
  const { config, secrets } = loaded;
  checks.push(nodeVersion());
  const { data, logs, media } = config.paths;
  for (const [name, dir] of Object.entries({ data, logs, media })) checks.push(writable(`paths.${name}`, dir));
  for (const dir of new Set([data, logs, media])) checks.push(await freeDisk(dir, config.disk));
  checks.push(await storeCheck(loaded));
  const shared = await sharedDataCheck(loaded);
  if (shared) checks.push(shared);
  checks.push(await serviceCheck(config.http.host, config.http.port));
  checks.push({
    ok: Boolean(secrets.CENTINELA_API_TOKEN ?? readApiToken(config.paths.data)),
    optional: true,
    text: secrets.CENTINELA_API_TOKEN ? 'API token from CENTINELA_API_TOKEN' : 'API token in data/api-token',
    fix: 'start the service once to generate data/api-token, or set CENTINELA_API_TOKEN',
  });
  checks.push({
    ok: Boolean(secrets.TELEGRAM_BOT_TOKEN),
    optional: true,
    text: secrets.TELEGRAM_BOT_TOKEN
      ? 'TELEGRAM_BOT_TOKEN is set'
      : 'TELEGRAM_BOT_TOKEN is not set: Telegram intake is off',
    fix: 'create a bot with @BotFather and set TELEGRAM_BOT_TOKEN',
  });
  checks.push(await videoToolsCheck(config));
  checks.push(geminiCheck(config, secrets));
  checks.push(...(await monitorChecks(config)));
  checks.push(...(await opsChecks(config, secrets)));
  checks.push(...(await systemdChecks()));
  checks.push(...(await idleDockerChecks(config)));
  checks.push(...(await driveChecks(config, secrets)));
  print(checks);
  return checks.some((c) => !c.ok && !c.optional) ? 1 : 0;
}

function print(checks: Check[]): void {
  for (const c of checks) {
    process.stdout.write(
      `${c.ok ? '✓' : c.optional ? '!' : '✗'} ${c.text}${!c.ok && c.fix ? `\n    fix: ${c.fix}` : ''}\n`,
    );
  }
}

function nodeVersion(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  // The same floor as bin/centinela.js and package.json's engines: type stripping without a flag.
  const ok = major > 22 || (major === 22 && minor >= 18);
  return {
    ok,
    text: `Node.js ${process.version}`,
    fix: 'install Node.js 22 LTS or run through npm, which uses the Node 22 in node_modules',
  };
}

function writable(name: string, dir: string): Check {
  // A folder that does not exist yet is fine if the service can create it.
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  try {
    if (!statSync(probe).isDirectory()) throw new Error(`${probe} is not a folder`);
    accessSync(probe, constants.W_OK | constants.X_OK);
    return { ok: true, text: `${name} ${dir} ${probe === dir ? 'is writable' : 'will be created at start'}` };
  } catch (err) {
    return {
      ok: false,
      text: `${name} ${dir}: ${(err as Error).message}`,
      fix: `create it and give the service's user write access (chown) or set ${name} elsewhere`,
    };
  }
}

/** Free space against the disk thresholds the service itself uses (disk.warn_free, disk.critical_free). */
async function freeDisk(dir: string, disk: Config['disk']): Promise<Check> {
  try {
    const { free } = await readFreeSpace(dir);
    const { warn_free: warn, critical_free: critical } = disk;
    const text = `free disk at ${dir}: ${formatBytes(free)}`;
    if (free < critical)
      return {
        ok: false,
        text: `${text} (below ${formatBytes(critical)}: intake would pause)`,
        fix: 'free space or move the folder to a larger disk',
      };
    if (free < warn)
      return { ok: false, optional: true, text: `${text} (below ${formatBytes(warn)})`, fix: 'free space soon' };
    return { ok: true, text };
  } catch (err) {
    return { ok: false, optional: true, text: `free disk at ${dir}: ${(err as Error).message}` };
  }
}

async function storeCheck({ config, secrets }: LoadedConfig): Promise<Check> {
  if (!secrets.DATABASE_URL) {
    // Before the first start there is no SQLite file yet; opening one here would create it (and its folder) as a
    // side effect, and then report the migrations that `start` is about to run as a failure.
    const file = join(config.paths.data, 'centinela.db');
    if (!existsSync(file)) {
      const folder = writable('paths.data', config.paths.data);
      return folder.ok
        ? { ok: true, text: `store sqlite ${file} does not exist yet: it is created and migrated at start` }
        : { ok: false, text: `store sqlite ${file} cannot be created: ${folder.text}`, fix: folder.fix };
    }
  }
  let store: Store | null = null;
  try {
    // Inside the try: opening SQLite creates its folder and file, which throws when paths.data is not usable.
    store = openStore({ ...storeOptions(config, secrets), poolSize: 1 });
    await store.ping();
    const pending = await pendingMigrations(store.db as never, store.kind, MIGRATIONS);
    if (pending.length) {
      return {
        ok: false,
        text: `store ${store.kind} ${store.location} is reachable but ${pending.length} migration(s) have not run: ${pending.join(', ')}`,
        fix: 'run `centinela start` (migrations run at start)',
      };
    }
    return { ok: true, text: `store ${store.kind} ${store.location} reachable and migrated` };
  } catch (err) {
    if (err instanceof SchemaTooNewError)
      return { ok: false, text: err.message, fix: 'install the newer Centinela, or `centinela restore` a backup' };
    const kind = secrets.DATABASE_URL ? 'postgres' : 'sqlite';
    // A login, database or TLS problem: the same one line start-up gives (password masked).
    const problem = storeConfigProblem(err, secrets.DATABASE_URL);
    if (problem) return { ok: false, text: problem, fix: 'fix DATABASE_URL as the line says' };
    return {
      ok: false,
      text: `store ${kind} ${store?.location ?? (secrets.DATABASE_URL ? describeUrl(secrets.DATABASE_URL) : config.paths.data)} unreachable: ${(err as Error).message}`,
      fix:
        kind === 'postgres'
          ? 'check DATABASE_URL, that the server runs and accepts this host'
          : 'check that paths.data is writable',
    };
  } finally {
    await store?.close();
  }
}

async function serviceCheck(host: string, port: number): Promise<Check> {
  const url = `${serviceUrl(host, port)}/healthz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { status?: string; problems?: string[] };
    return {
      ok: res.ok,
      optional: true,
      text: `service at ${url}: ${body.status}${body.problems ? ` (${body.problems.join('; ')})` : ''}`,
      fix: 'see the service log (logs/centinela.log)',
    };
  } catch {
    return { ok: true, optional: true, text: `no service answers at ${url} (not running, or another host/port)` };
  }
}

/** ffprobe and ffmpeg (content.video.ffprobe, .ffmpeg): without them videos get only the first-bytes check. */
async function videoToolsCheck(config: Config): Promise<Check> {
  const { ok, text } = await describeVideoTools(config.content.video);
  return {
    ok,
    optional: true,
    text,
    fix: "apt-get install ffmpeg (Debian's package has both), or set content.video.ffprobe and content.video.ffmpeg",
  };
}

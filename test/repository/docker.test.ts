// The Dockerfile, docker-compose.yml and .env.example agree with the config's defaults, with each other and with
// the code, read as files (no Docker engine needed): services, named volumes at the paths the service writes,
// ports, healthchecks, the volume shared with the local Bot API server, and every variable the code reads.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, test } from 'vitest';
import { SECRET_ENV, configSchema, describeSettings, loadConfig } from '../../src/core/config.ts';
import { REPO, tempDir } from '../support/service.ts';

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's stages, each a list of instructions (continuation lines joined, comments dropped). */
function dockerStages(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    pending += raw.replace(/\\$/, ' ');
    if (raw.endsWith('\\')) continue;
    const line = pending.trim();
    pending = '';
    if (!line) continue;
    const [op = '', ...rest] = line.split(/\s+/);
    const instruction = { op: op.toUpperCase(), args: rest.join(' ') };
    if (instruction.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const dockerfile = dockerStages(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
const final = dockerfile.at(-1) as Instruction[];
const finalOf = (op: string): Instruction[] => final.filter((i) => i.op === op);
const compose = parseYaml(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const envExample = readFileSync(join(REPO, '.env.example'), 'utf8');
const envExampleNames = [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string);

interface Service {
  build?: { context: string; args?: Record<string, string> };
  image?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  init?: boolean;
}

const centinela = compose.services.centinela as Service;
const botApi = compose.services['telegram-bot-api'] as Service;
/** ${NAME:-default} and ${NAME:?message} as compose would see them with an empty .env. */
const interpolate = (value: string): string =>
  String(value).replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_, _name: string, fallback?: string) => fallback ?? '');
const env = Object.fromEntries(Object.entries(centinela.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
const mounts = (s: Service): Map<string, string> =>
  new Map((s.volumes ?? []).map((v) => v.split(':')).map(([from, to]) => [to as string, from as string]));
const workdir = (finalOf('WORKDIR').at(-1) as Instruction).args;
const defaults = configSchema.parse({});
const seconds = (d: string): number => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);

describe('Dockerfile', () => {
  test('multi-stage on node:22-slim, with ffmpeg, running as a user that is not root', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile) expect((stage[0] as Instruction).args).toMatch(/^node:22-slim\b/);
    expect(finalOf('RUN').some((r) => /apt-get install .*\bffmpeg\b/.test(r.args))).toBe(true);
    const user = finalOf('USER').at(-1)?.args;
    expect(user).toBeTruthy();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // The production dependencies come from the first stage; npm's cache and the devDependencies stay there.
    expect(finalOf('COPY').some((c) => c.args.startsWith('--from=deps') && c.args.includes('node_modules'))).toBe(true);
    expect((dockerfile[0] as Instruction[]).some((i) => i.op === 'RUN' && i.args.includes('--omit=dev'))).toBe(true);
  });

  test("runs node itself (not npm, not a shell), so the service gets docker stop's SIGTERM", () => {
    const cmd = JSON.parse((finalOf('CMD').at(-1) as Instruction).args) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.slice(-2)).toEqual(['bin/centinela.js', 'start']);
    expect(finalOf('ENTRYPOINT')).toEqual([]);
  });

  test('data, logs and media exist in the image, owned by the service user, so new volumes start with that owner', () => {
    const run = finalOf('RUN')
      .map((r) => r.args)
      .join(' ');
    for (const key of ['data', 'logs', 'media'] as const) {
      const path = posix.normalize(defaults.paths[key]);
      expect(run).toMatch(new RegExp(`mkdir -p [^&]*\\b${path}\\b`));
      expect(run).toMatch(new RegExp(`chown centinela:centinela [^&]*\\b${path}\\b`));
    }
  });

  test('HEALTHCHECK asks /healthz with node (no curl in the slim image), the same command as compose', () => {
    const check = (finalOf('HEALTHCHECK').at(-1) as Instruction).args;
    const cmd = JSON.parse(check.slice(check.indexOf('CMD') + 3).trim()) as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
    expect(cmd[2]).toContain('/healthz');
    expect(cmd[2]).toContain(`||${defaults.http.port})`);
    expect(check).not.toMatch(/curl|wget/);
    expect(centinela.healthcheck?.test).toEqual(['CMD', ...cmd]);
    expect(finalOf('EXPOSE').map((e) => e.args)).toContain(String(defaults.http.port));
  });
});

describe('docker-compose.yml', () => {
  test('centinela and the local Bot API server by default, PostgreSQL under a profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['centinela', 'postgres', 'telegram-bot-api']);
    expect(centinela.profiles).toBeUndefined();
    expect(botApi.profiles).toBeUndefined();
    expect(compose.services.postgres?.profiles).toEqual(['postgres']);
    expect(centinela.build?.context).toBe('.');
    // Without the profile compose must still start centinela: the dependency on postgres is optional.
    expect(centinela.depends_on?.postgres).toEqual({ condition: 'service_healthy', required: false });
    expect(compose.services.postgres?.healthcheck?.test).toContain('pg_isready');
  });

  test('named volumes for data, logs and media, at the paths the service writes in the image', () => {
    const m = mounts(centinela);
    for (const key of ['data', 'logs', 'media'] as const) {
      const at = posix.join(workdir, defaults.paths[key]);
      const volume = m.get(at);
      expect(volume, `a volume at ${at}`).toMatch(/^[a-z][\w-]*$/); // a name, not a host folder
      expect(compose.volumes).toHaveProperty(volume as string);
    }
  });

  test('the Bot API server in --local mode shares its files at the same path, and Centinela reads them from there', () => {
    expect(botApi.image).toMatch(/^aiogram\/telegram-bot-api:/);
    expect(botApi.environment?.TELEGRAM_LOCAL).toBeTruthy();
    expect(botApi.environment?.TELEGRAM_API_ID).toMatch(/^\$\{TELEGRAM_API_ID:\?/);
    expect(botApi.environment?.TELEGRAM_API_HASH).toMatch(/^\$\{TELEGRAM_API_HASH:\?/);
    const serverDir = '/var/lib/telegram-bot-api'; // the image's TELEGRAM_WORK_DIR: getFile's paths start here
    const volume = mounts(botApi).get(serverDir) as string;
    expect(compose.volumes).toHaveProperty(volume);
    const ours = [...mounts(centinela)].find(([, from]) => from === volume)?.[0];
    const { config } = loadConfig({ env, cwd: tempDir() });
    // The same path in both containers, or telegram.local_path_remap from the server's path to ours.
    if (ours !== serverDir) expect(config.telegram.local_path_remap).toEqual({ from: serverDir, to: ours });
    expect(config.telegram.local_mode).toBe(true);
    expect(config.telegram.api_root).toBe('http://telegram-bot-api:8081'); // the service's name, the image's port
  });

  test("Centinela runs as the uid and gid of the Bot API server's files", () => {
    const args = centinela.build?.args ?? {};
    expect(interpolate(args.CENTINELA_UID as string)).toBe('101');
    expect(interpolate(args.CENTINELA_GID as string)).toBe('101');
    expect(finalOf('ARG').map((a) => a.args)).toEqual(
      expect.arrayContaining(['CENTINELA_UID=101', 'CENTINELA_GID=101']),
    );
  });

  test("its environment is valid config; the port is the control API's, published on loopback", () => {
    const { config } = loadConfig({ env, cwd: tempDir() });
    expect(config.http.host).toBe('0.0.0.0');
    expect(centinela.ports).toEqual([`127.0.0.1:${config.http.port}:${config.http.port}`]);
    expect(config.http.port).toBe(defaults.http.port); // what the Dockerfile's healthcheck falls back to
  });

  test('docker stop waits longer than shutdown.timeout_seconds; init reaps orphans', () => {
    expect(seconds(centinela.stop_grace_period ?? '')).toBeGreaterThan(defaults.shutdown.timeout_seconds);
    expect(centinela.init).toBe(true);
  });

  test('every variable it takes from .env is in .env.example', () => {
    const text = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');
    const used = [...new Set([...text.matchAll(/\$\{(\w+)/g)].map((m) => m[1] as string))];
    expect(used.filter((name) => !envExampleNames.includes(name))).toEqual([]);
  });
});

describe('.env.example', () => {
  /** Read by the code but not the operator's to set: systemd's, npm's and the shell's own. */
  const NOT_SETTINGS = new Set([
    'NOTIFY_SOCKET',
    'WATCHDOG_USEC',
    'WATCHDOG_PID',
    'PATH',
    'USER',
    'npm_lifecycle_event',
    // What backups hand to pg_dump (libpq's variables), and the terminal's colour convention: not ours to configure.
    'PGDATABASE',
    'NO_COLOR',
  ]);

  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
    });
  }

  test('lists every variable the code reads from the environment', () => {
    const read = new Set<string>(SECRET_ENV);
    for (const file of sources(join(REPO, 'src')))
      for (const m of readFileSync(file, 'utf8').matchAll(/\benv(?:\.(\w+)|\[['"](\w+)['"]\])/g))
        read.add((m[1] ?? m[2]) as string);
    const missing = [...read].filter((name) => !NOT_SETTINGS.has(name) && !envExampleNames.includes(name));
    expect(missing).toEqual([]);
  });

  test('names only settings that exist', () => {
    const settings = new Set(describeSettings().map((s) => s.env));
    const unknown = envExampleNames.filter(
      (n) =>
        n.startsWith('CENTINELA_') &&
        !settings.has(n) &&
        !['CENTINELA_CONFIG', 'CENTINELA_API_TOKEN', 'CENTINELA_HOST_NAME'].includes(n),
    );
    expect(unknown).toEqual([]);
  });

  test('as it is, it is a valid environment for the service (under systemd, /etc/centinela/env)', () => {
    const asEnv = Object.fromEntries([...envExample.matchAll(/^([A-Z]\w*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => loadConfig({ env: asEnv, cwd: tempDir() })).not.toThrow();
  });
});

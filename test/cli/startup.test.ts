// The command starts quietly and loads only what the command at hand needs: `--help` nothing but the dispatcher,
// `status` and `doctor` neither the bot, the HTTP server, Docker, OpenAI, PDF reading nor log rotation. And the
// Node.js floor is one number: package.json's engines, the command's own check and doctor's.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, REPO, cleanEnv, freePort, tempDir } from '../support/service.ts';

/** The modules `centinela <args>` loaded, as package names (node_modules) and src/ paths. */
async function loaded(args: string[]): Promise<string[]> {
  const cwd = tempDir('centinela-startup-');
  const file = join(cwd, 'modules.txt');
  const hook = join(REPO, 'test/support/loaded-modules.ts');
  // A port nothing listens on: status finds no service and reads the store, doctor finds none either.
  const env = cleanEnv({ LOADED_MODULES_FILE: file, CENTINELA_HTTP_PORT: String(await freePort()) });
  await new Promise<void>((ok, fail) => {
    const child = spawn(process.execPath, ['--import', hook, CLI, ...args], { cwd, env, stdio: 'ignore' });
    child.on('error', fail);
    child.on('exit', () => ok());
  });
  const names = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      if (pkg) return pkg[1] as string;
      const src = /\/src\/(.+)$/.exec(url);
      return src ? `src/${src[1]}` : url;
    });
  return [...new Set(names)];
}

const SERVICE_ONLY = [
  'grammy',
  'fastify',
  'dockerode',
  'openai',
  'unpdf',
  'chokidar',
  'pino-roll',
  'date-fns',
  'prom-client',
  'file-type',
];

describe('centinela start-up', () => {
  test('--help loads the dispatcher and nothing from node_modules', async () => {
    const modules = await loaded(['--help']);
    expect(
      modules.filter((m) => !m.startsWith('src/') && !m.startsWith('node:') && !m.endsWith('bin/centinela.js')),
    ).toEqual([]);
    expect(modules.filter((m) => m.startsWith('src/')).sort()).toEqual([
      'src/cli.ts',
      'src/core/config-error.ts',
      'src/usage-error.ts',
      'src/version.ts',
    ]);
  });

  test.each([['status'], ['doctor']])("%s loads none of the service's heavy modules", async (command) => {
    const modules = await loaded([command]);
    expect(modules).toContain('src/cli.ts'); // the hook saw the run
    expect(modules.filter((m) => SERVICE_ONLY.includes(m))).toEqual([]);
    // The bot's and the API's code (their table definitions and the token file are light, and needed).
    expect(modules.filter((m) => /^src\/(bot|http)\//.test(m) && !/(migration|token)\.ts$/.test(m))).toEqual([]);
  });

  test('package.json, the command and doctor ask for the same Node.js', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=22.18');
    expect(readFileSync(CLI, 'utf8')).toContain('needs Node.js >= 22.18');
    expect(readFileSync(join(REPO, 'src/commands/doctor.ts'), 'utf8')).toContain('minor >= 18');
  });

  test('npx centinela prints what it was asked for and nothing else (no npm engine warnings)', async () => {
    const out = await new Promise<{ stdout: string; stderr: string }>((ok, fail) => {
      const child = spawn('npx', ['centinela', '--version'], {
        cwd: REPO,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('exit', () => ok({ stdout, stderr }));
    });
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

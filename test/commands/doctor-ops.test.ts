// doctor's lines for unattended operation, against the loopback fakes: the OpenAI and Gemini keys accepted (or
// refused) by a models call, the local Bot API server and its files folder, the backup's age and folder owners.
// No key and no bot token ever appear in its output.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGemini } from '../fakes/gemini/index.ts';
import { startFakeOpenAI } from '../fakes/openai/index.ts';
import { DEFAULT_TOKEN, startFakeBotApi } from '../fakes/telegram/index.ts';
import { runCli, tempDir } from '../support/service.ts';
import { openSpec } from '../support/store-spec.ts';

describe('centinela doctor: operations', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('checks the keys, the local Bot API server, the backup age and who owns the folders', async () => {
    const openai = await startFakeOpenAI();
    closers.push(() => openai.close());
    const gemini = await startFakeGemini();
    closers.push(() => gemini.close());
    const filesDir = tempDir('centinela-tba-');
    const telegram = await startFakeBotApi({ mode: 'local', filesDir });
    closers.push(() => telegram.close());
    mkdirSync(join(filesDir, DEFAULT_TOKEN, 'documents'), { recursive: true });
    writeFileSync(join(filesDir, DEFAULT_TOKEN, 'documents', 'file_1.pdf'), '%PDF-1.4\n');

    const cwd = tempDir('centinela-doctor-ops-');
    const env = {
      OPENAI_API_KEY: openai.apiKey,
      CENTINELA_INVOICES_OPENAI_BASE_URL: openai.baseURL,
      GEMINI_API_KEY: gemini.apiKey,
      CENTINELA_CONTENT_GEMINI_BASE_URL: gemini.baseUrl,
      TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN,
      CENTINELA_TELEGRAM_API_ROOT: telegram.apiRoot,
      CENTINELA_TELEGRAM_LOCAL_MODE: 'true',
      CENTINELA_TELEGRAM_LOCAL_PATH_REMAP_TO: filesDir,
      CENTINELA_TELEGRAM_LOCAL_PATH_REMAP_FROM: filesDir,
    };
    const first = await runCli(['doctor'], { cwd, env });
    expect(first.stdout).toContain(`✓ OPENAI_API_KEY accepted by ${openai.baseURL} (model gpt-4o-mini is available)`);
    expect(first.stdout).toContain(
      `✓ GEMINI_API_KEY accepted by ${gemini.baseUrl} (model gemini-2.5-flash is available)`,
    );
    expect(first.stdout).toContain(`✓ local Bot API server at ${telegram.apiRoot} answers getMe`);
    expect(first.stdout).toContain(`✓ the Bot API server's files in ${filesDir} are readable by this user`);
    expect(first.stdout).toContain(`! no backup in ${join(cwd, 'data/backups')} yet`);
    for (const secret of [openai.apiKey, gemini.apiKey, DEFAULT_TOKEN])
      expect(first.stdout + first.stderr).not.toContain(secret);

    await (await openSpec({ kind: 'sqlite', dataDir: join(cwd, 'data') })).close(); // a store to back up
    expect((await runCli(['backup'], { cwd })).code).toBe(0);
    mkdirSync(join(cwd, 'media', 'victor'), { recursive: true });
    const foreign = join(cwd, 'media', 'victor', 'from-the-server.mp4');
    writeFileSync(foreign, 'x');
    const uid = process.getuid?.() ?? 0;
    if (uid === 0) chownSync(foreign, 12345, 12345); // only root can give a file away
    const second = await runCli(['doctor'], {
      cwd,
      env: { ...env, OPENAI_API_KEY: 'sk-wrongwrongwrongwrongwrong', CENTINELA_CONTENT_GEMINI_MODEL: '["gemini-9"]' },
    });
    expect(second.stdout).toMatch(/✓ newest backup .*data\/backups\/centinela-\S+ is \d+(\.\d+)?(ms|s) old/);
    expect(second.stdout).toContain(`✗ OPENAI_API_KEY was refused by ${openai.baseURL} (HTTP 401)`);
    expect(second.stdout).toContain(
      `✗ GEMINI_API_KEY is accepted by ${gemini.baseUrl} but model gemini-9 is not available to it (HTTP 404)`,
    );
    expect(second.stdout).not.toContain('sk-wrongwrong');
    expect(second.code).toBe(1);
    if (uid === 0) {
      expect(second.stdout).toContain(
        `! paths.media ${join(cwd, 'media')}: not owned by this user (uid 0): ${foreign} (uid 12345)`,
      );
      expect(second.stdout).toContain('fix: chown -R 0:0');
    }
  }, 120_000);
});

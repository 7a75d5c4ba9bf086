// `centinela doctor` says whether captions can use Gemini, and never shows the key.
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli, tempDir } from '../support/service.ts';

describe('centinela doctor: Gemini', () => {
  it('without GEMINI_API_KEY: the template line; with it: the models and the budget, not the key', async () => {
    const cwd = tempDir();
    const without = await runCli(['doctor'], { cwd });
    expect(without.stdout).toContain("! GEMINI_API_KEY is not set: captions come from each creator's caption_template");
    const key = 'AIzaSyDoctorTestKeyDoctorTestKey0000000';
    const withKey = await runCli(['doctor'], { cwd, env: { GEMINI_API_KEY: key } });
    expect(withKey.stdout).toContain(
      '✓ GEMINI_API_KEY is set: captions by gemini-2.5-flash, then gemini-2.5-flash-lite, at most 1 USD a day',
    );
    expect(withKey.stdout + withKey.stderr).not.toContain(key);
    expect(cleanEnv()).not.toHaveProperty('GEMINI_API_KEY');
  });
});

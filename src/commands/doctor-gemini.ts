// `centinela doctor`'s line for captions: whether GEMINI_API_KEY is set (nothing is sent to Google from here).
import type { Config, Secrets } from '../core/config.ts';

export function geminiCheck(
  config: Config,
  secrets: Secrets,
): { ok: boolean; optional: true; text: string; fix: string } {
  const g = config.content.gemini;
  const budget = g.daily_budget > 0 ? `, at most ${g.daily_budget} USD a day` : ', no daily cap';
  return {
    ok: Boolean(secrets.GEMINI_API_KEY),
    optional: true,
    text: secrets.GEMINI_API_KEY
      ? `GEMINI_API_KEY is set: captions by ${g.model.join(', then ')}${g.base_url ? ` at ${g.base_url}` : ''}${budget}`
      : "GEMINI_API_KEY is not set: captions come from each creator's caption_template",
    fix: 'create a key at https://aistudio.google.com/apikey and set GEMINI_API_KEY',
  };
}

// The lines a start ends with, for the person watching it: where the control API and the web page answer, where the
// API's token is, and each part that is off and why (a module's own status says why; --only's leftovers say so).
import { join } from 'node:path';
import type { Config, Secrets } from './core/config.ts';
import type { Logger } from './core/log.ts';
import type { Module } from './core/module.ts';
import { webBaseUrl } from './web/index.ts';

export interface SummaryInput {
  config: Config;
  secrets: Secrets;
  modules: readonly Module[];
  /** The control API's URL; null when the http module does not run here. */
  apiUrl: string | null;
  /** Modules `--only` left out (empty without --only). */
  leftOut: readonly string[];
}

export function startSummary(s: SummaryInput): Array<{ msg: string; fields: Record<string, unknown> }> {
  const lines: Array<{ msg: string; fields: Record<string, unknown> }> = [];
  if (s.apiUrl) {
    const token = s.secrets.CENTINELA_API_TOKEN
      ? 'CENTINELA_API_TOKEN (environment)'
      : join(s.config.paths.data, 'api-token');
    lines.push({
      msg: `control API at ${s.apiUrl}; its token is in ${token}`,
      fields: { url: s.apiUrl, token_in: token },
    });
    if (s.config.web.enabled) {
      const page = `${webBaseUrl(s.config, s.apiUrl)}/`;
      lines.push({ msg: `web page at ${page}; sign in with /web sent to the bot in Telegram`, fields: { web: page } });
    }
  }
  const off: string[] = [];
  if (!s.secrets.TELEGRAM_BOT_TOKEN && !s.leftOut.includes('bot')) off.push('bot: TELEGRAM_BOT_TOKEN is not set');
  if (!s.modules.some((m) => m.name === 'content') && !s.leftOut.includes('content'))
    off.push('content: no channel to publish in (content.channel or a creator channel)');
  if (!s.secrets.OPENAI_API_KEY) off.push('photo invoices: OPENAI_API_KEY is not set');
  if (!s.secrets.GEMINI_API_KEY)
    off.push("captions by Gemini: GEMINI_API_KEY is not set (creators' caption_template is used)");
  if (s.apiUrl && !s.config.web.enabled) off.push('web page: web.enabled is false');
  if (s.config.backup.schedule === 'off') off.push('scheduled backups: backup.schedule is off');
  for (const m of s.modules) {
    const st = m.status();
    if (st.state === 'off' || st.state === 'degraded') off.push(`${m.name}: ${st.detail ?? st.state}`);
  }
  for (const name of s.leftOut) off.push(`${name}: not started here (--only)`);
  if (off.length > 0) lines.push({ msg: `off: ${off.join('; ')}`, fields: { off } });
  return lines;
}

export function logStartSummary(log: Logger, s: SummaryInput): void {
  for (const line of startSummary(s)) log.info(line.fields, line.msg);
}

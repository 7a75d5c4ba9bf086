// doctor's lines for running unattended: the newest backup's age, who owns the data, logs and media folders, the
// OpenAI and Gemini keys (one cheap models call each: the key is accepted and the model is there), and the local
// Bot API server (getMe answers; its files folder is readable by us). No line ever shows a key or the bot token.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, Secrets } from '../core/config.ts';
import { formatDuration } from '../core/format.ts';
import { backupDir, newestBackup } from '../backup/index.ts';

export interface OpsCheck {
  ok: boolean;
  optional?: boolean;
  text: string;
  fix?: string;
}

const TIMEOUT_MS = 5000;
/** Entries looked at below each folder: enough to find a wrong owner, bounded for a large media folder. */
const WALK_LIMIT = 2000;

export async function opsChecks(config: Config, secrets: Secrets): Promise<OpsCheck[]> {
  const checks: OpsCheck[] = [await backupAge(config)];
  for (const [name, dir] of Object.entries({
    data: config.paths.data,
    logs: config.paths.logs,
    media: config.paths.media,
  }))
    checks.push(...ownership(`paths.${name}`, dir));
  if (secrets.OPENAI_API_KEY) checks.push(await openaiKey(config, secrets.OPENAI_API_KEY));
  if (secrets.GEMINI_API_KEY) checks.push(await geminiKey(config, secrets.GEMINI_API_KEY));
  if (config.telegram.local_mode && secrets.TELEGRAM_BOT_TOKEN)
    checks.push(...(await localBotApi(config, secrets.TELEGRAM_BOT_TOKEN)));
  return checks;
}

async function backupAge(config: Config): Promise<OpsCheck> {
  const dir = backupDir(config);
  const newest = await newestBackup(dir);
  const maxAge = config.backup.max_age;
  if (!newest)
    return {
      ok: false,
      optional: true,
      text: `no backup in ${dir} yet${config.backup.schedule === 'off' ? ' (backup.schedule is off)' : ''}`,
      fix: 'run `centinela backup` now; the service makes one on backup.schedule',
    };
  const age = Date.now() - newest.at;
  return {
    ok: age <= maxAge,
    optional: true,
    text: `newest backup ${newest.path} is ${formatDuration(age)} old${age > maxAge ? `, more than backup.max_age (${formatDuration(maxAge)})` : ''}`,
    fix: 'run `centinela backup`, and check that the service runs its scheduled backup (backup.schedule, `centinela logs --component backup`)',
  };
}

/** The folder and what is below it (a bounded walk) belong to this user; else the first few that do not. */
function ownership(name: string, dir: string): OpsCheck[] {
  const uid = process.getuid?.();
  if (uid === undefined) return [];
  let top;
  try {
    top = statSync(dir);
  } catch {
    return []; // not there yet: the writable line says whether it can be created
  }
  const foreign: string[] = [];
  let seen = 0;
  const walk = (path: string, depth: number): void => {
    if (seen >= WALK_LIMIT || foreign.length >= 3) return;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      foreign.push(`${path} (cannot be listed)`);
      return;
    }
    for (const n of names) {
      if (seen++ >= WALK_LIMIT || foreign.length >= 3) return;
      const p = join(path, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.uid !== uid) foreign.push(`${p} (uid ${st.uid})`);
      else if (st.isDirectory() && depth < 4) walk(p, depth + 1);
    }
  };
  if (top.uid !== uid) foreign.push(`${dir} (uid ${top.uid})`);
  else walk(dir, 1);
  if (foreign.length === 0) return [{ ok: true, text: `${name} ${dir} is owned by this user (uid ${uid})` }];
  let writable = true;
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    writable = false;
  }
  return [
    {
      ok: false,
      optional: writable,
      text: `${name} ${dir}: not owned by this user (uid ${uid}): ${foreign.join(', ')}${foreign.length >= 3 ? ', …' : ''}`,
      fix: `chown -R ${uid}:${process.getgid?.() ?? uid} ${dir} (as root), or run the service as the owner; a local Bot API server writing here must run as the same user`,
    },
  ];
}

async function openaiKey(config: Config, key: string): Promise<OpsCheck> {
  const base = config.invoices.openai.base_url || 'https://api.openai.com/v1';
  const model = config.invoices.openai.model;
  return keyAnswer('OPENAI_API_KEY', base, model, () =>
    fetch(`${base}/models/${encodeURIComponent(model)}`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }),
  );
}

async function geminiKey(config: Config, key: string): Promise<OpsCheck> {
  const base = (config.content.gemini.base_url || 'https://generativelanguage.googleapis.com').replace(/\/+$/, '');
  const model = config.content.gemini.model[0] ?? 'gemini-2.5-flash';
  return keyAnswer('GEMINI_API_KEY', base, model, () =>
    fetch(`${base}/v1beta/models/${encodeURIComponent(model)}`, {
      headers: { 'x-goog-api-key': key },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }),
  );
}

async function keyAnswer(name: string, base: string, model: string, call: () => Promise<Response>): Promise<OpsCheck> {
  let res: Response;
  try {
    res = await call();
    await res.body?.cancel();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    return {
      ok: false,
      optional: true,
      text: `${name}: ${base} could not be reached (${cause}) to check the key`,
      fix: 'check the network (and the base_url setting)',
    };
  }
  if (res.ok) return { ok: true, text: `${name} accepted by ${base} (model ${model} is available)` };
  if (res.status === 404)
    return {
      ok: false,
      text: `${name} is accepted by ${base} but model ${model} is not available to it (HTTP 404)`,
      fix: 'name a model this key may use in the settings',
    };
  if ([400, 401, 403].includes(res.status))
    return {
      ok: false,
      text: `${name} was refused by ${base} (HTTP ${res.status})`,
      fix: `put a valid key in ${name}`,
    };
  return {
    ok: false,
    optional: true,
    text: `${name}: ${base} answered HTTP ${res.status} to a models call`,
    fix: 'try again later',
  };
}

async function localBotApi(config: Config, token: string): Promise<OpsCheck[]> {
  const root = config.telegram.api_root;
  const checks: OpsCheck[] = [];
  try {
    const res = await fetch(`${root}/bot${token}/getMe`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    checks.push(
      res.ok
        ? { ok: true, text: `local Bot API server at ${root} answers getMe` }
        : {
            ok: false,
            text: `local Bot API server at ${root} answered HTTP ${res.status} to getMe`,
            fix: 'check TELEGRAM_BOT_TOKEN and that the server runs with --local',
          },
    );
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    checks.push({
      ok: false,
      text: `local Bot API server at ${root} is unreachable (${cause})`,
      fix: 'start telegram-bot-api (docker compose up -d telegram-bot-api) or fix telegram.api_root',
    });
  }
  const folder = config.telegram.local_path_remap.to || config.telegram.local_path_remap.from;
  if (!folder) {
    checks.push({
      ok: true,
      optional: true,
      text: "the Bot API server's files are read at the paths it gives (no telegram.local_path_remap)",
    });
    return checks;
  }
  const shown = (p: string): string => p.split(token).join('<bot token>');
  const botDir = join(folder, token);
  const unreadable: string[] = [];
  const visit = (path: string, depth: number): void => {
    if (unreadable.length >= 3) return;
    try {
      accessSync(path, constants.R_OK | (statSync(path).isDirectory() ? constants.X_OK : 0));
    } catch {
      const st = statSync(path, { throwIfNoEntry: false });
      unreadable.push(`${shown(path)}${st ? ` (uid ${st.uid}, mode ${(st.mode & 0o777).toString(8)})` : ''}`);
      return;
    }
    if (depth > 3 || !statSync(path).isDirectory()) return;
    for (const n of readdirSync(path).slice(0, 200)) visit(join(path, n), depth + 1);
  };
  if (statSync(folder, { throwIfNoEntry: false }) === undefined) {
    checks.push({
      ok: false,
      text: `the Bot API server's files folder ${folder} does not exist here`,
      fix: "mount the server's volume there, or fix telegram.local_path_remap.to",
    });
    return checks;
  }
  // The folder and, first, the bot's own one below it (<folder>/<token>/…), where the server writes its files.
  if (statSync(botDir, { throwIfNoEntry: false })) visit(botDir, 1);
  visit(folder, 3);
  checks.push(
    unreadable.length === 0
      ? { ok: true, text: `the Bot API server's files in ${folder} are readable by this user` }
      : {
          ok: false,
          text: `the Bot API server's files cannot be read by this user (uid ${process.getuid?.() ?? '?'}): ${unreadable.join(', ')}`,
          fix: "run telegram-bot-api as this user (or its group, with group-readable files), or chmod -R g+rX the folder; README: the local Bot API server's file permissions",
        },
  );
  return checks;
}

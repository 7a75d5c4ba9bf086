// The monitor's commands for admins: /errors, /silence, /silences, /unsilence, /ack — what the alerts' buttons
// do, and more, typed in the chat. They read and change the monitor's records in the store, from any process.
import { parseDuration } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Store } from '../core/store/index.ts';
import { Incidents, Silences } from '../monitor/index.ts';
import type { Incident } from '../monitor/index.ts';
import type { CommandCall, Commands } from './commands.ts';
import { MAX_MESSAGE_LENGTH } from '../outbox/index.ts';
import { formatTime } from '../core/format.ts';

export interface MonitorRecords {
  incidents: Incidents;
  silences: Silences;
}

/**
 * The monitor's records, made on first use rather than when the bot is built: the monitor's tables come from its
 * migration, and nothing should touch them before a command or a button needs them.
 */
export function lazyMonitorRecords(store: Store, journal: string | null, log: Logger): () => MonitorRecords {
  let made: MonitorRecords | null = null;
  return () => (made ??= { incidents: new Incidents(store, { journal, log }), silences: new Silences(store) });
}

/** /errors lists at most this many incidents; the rest are counted. */
const ERRORS_SHOWN = 30;
/** …and at most this many error types in its counts line. */
const TYPES_SHOWN = 20;
/** A silence longer than a year is more likely a typo than a plan. */
const MAX_SILENCE_MS = 365 * 86_400_000;
const MAX_REASON_CHARS = 500;
/** Rule ids and error types: what a silence can match, and what /errors filters by. */
const MATCHER = /^[\w.:@/-]{1,200}$/;
const SEVERITY_MARK: Record<Incident['severity'], string> = { critical: '🔴', warning: '🟠', info: '⚪' };

/**
 * Lines under a head, cut to fit one Telegram message. `hidden` lines were left out already; the lines left out in
 * all are counted in a last line, `more(n)`.
 */
export function fitMessage(
  head: string[],
  lines: string[],
  more: (n: number) => string,
  hidden = 0,
  limit = MAX_MESSAGE_LENGTH,
): string {
  const out = [...head];
  let length = out.join('\n').length;
  for (const [i, line] of lines.entries()) {
    const after = lines.length - i - 1 + hidden;
    const reserve = after > 0 ? 1 + more(after).length : 0;
    if (length + 1 + line.length + reserve > limit) {
      out.push(more(lines.length - i + hidden));
      return out.join('\n');
    }
    out.push(line);
    length += 1 + line.length;
  }
  if (hidden > 0) out.push(more(hidden));
  return out.join('\n');
}

export function registerMonitorCommands(commands: Commands, records: () => MonitorRecords, log: Logger): void {
  const admin = (name: string, run: (call: CommandCall, r: MonitorRecords) => Promise<void>): void =>
    commands.register({
      name,
      roles: ['admin'],
      description: `cmd-${name}`,
      run: async (call) => {
        try {
          await run(call, records());
        } catch (err) {
          // The store is down or the monitor's tables are missing: say so rather than stay silent.
          log.error({ err, command: name }, 'monitor command failed');
          await call.ctx.reply(call.t('monitor-unavailable'));
        }
      },
    });
  admin('errors', errors);
  admin('silence', silence);
  admin('silences', listSilences);
  admin('unsilence', unsilence);
  admin('ack', ack);
}

async function errors({ ctx, args, t }: CommandCall, { incidents }: MonitorRecords): Promise<void> {
  const type = args === '' ? undefined : args;
  if (type !== undefined && !MATCHER.test(type)) {
    await ctx.reply(t('errors-usage'));
    return;
  }
  const counts = (await incidents.countsByType()).filter(
    (c) => c.open > 0 && (type === undefined || c.errorType === type),
  );
  const open = counts.reduce((n, c) => n + c.open, 0);
  const list = await incidents.list({ open: true, type, limit: ERRORS_SHOWN });
  if (list.length === 0) {
    await ctx.reply(type === undefined ? t('errors-none') : t('errors-none-type', { type }));
    return;
  }
  const total = Math.max(open, list.length);
  const head = [
    type === undefined ? t('errors-title', { count: total }) : t('errors-title-type', { type, count: total }),
  ];
  if (type === undefined) {
    const shown = counts.slice(0, TYPES_SHOWN).map((c) => `${c.errorType} ${c.open}/${c.count}`);
    head.push(`${t('errors-by-type')} ${shown.join(' · ')}${counts.length > TYPES_SHOWN ? ' · …' : ''}`);
  }
  head.push('');
  const lines = list.map((i) => incidentLine(i, t));
  await ctx.reply(fitMessage(head, lines, (n) => t('errors-more', { count: n }), total - list.length));
}

/** One line, at most `max` characters: a stack trace in a message must not break the listing. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function incidentLine(i: Incident, t: CommandCall['t']): string {
  const vars = {
    id: String(i.id),
    mark: SEVERITY_MARK[i.severity],
    type: i.errorType,
    target: oneLine(i.target, 80),
    state: i.state,
    count: String(i.count),
    last: formatTime(i.lastSeen),
    message: oneLine(i.message, 200),
  };
  return t('errors-line', vars) + (i.ackedBy ? t('errors-acked', { by: i.ackedBy }) : '');
}

async function silence({ ctx, args, user, t }: CommandCall, { silences }: MonitorRecords): Promise<void> {
  const [matcher, duration, ...rest] = args.split(/\s+/).filter(Boolean);
  if (matcher === undefined || duration === undefined) {
    await ctx.reply(t('silence-usage'));
    return;
  }
  if (!MATCHER.test(matcher)) {
    await ctx.reply(`${t('silence-bad-matcher', { value: matcher })}\n${t('silence-usage')}`);
    return;
  }
  const durationMs = parseDuration(duration);
  if (durationMs === null || durationMs <= 0 || durationMs > MAX_SILENCE_MS) {
    await ctx.reply(`${t('silence-bad-duration', { value: duration })}\n${t('silence-usage')}`);
    return;
  }
  const reason = rest.join(' ');
  if (reason.length > MAX_REASON_CHARS) {
    await ctx.reply(t('silence-long-reason', { max: MAX_REASON_CHARS }));
    return;
  }
  const s = await silences.add({ matcher, durationMs, reason, by: user.name });
  await ctx.reply(t('silence-done', { matcher: s.matcher, until: formatTime(s.until), id: String(s.id) }));
}

async function listSilences({ ctx, t }: CommandCall, { silences }: MonitorRecords): Promise<void> {
  const list = await silences.list();
  if (list.length === 0) {
    await ctx.reply(t('silences-none'));
    return;
  }
  const lines = list.map((s) =>
    t('silences-line', {
      id: String(s.id),
      matcher: s.matcher,
      until: formatTime(s.until),
      by: s.by,
      reason: s.reason === '' ? '—' : s.reason,
    }),
  );
  await ctx.reply(fitMessage([t('silences-title')], lines, (n) => t('silences-more', { count: n })));
}

async function unsilence({ ctx, args, t }: CommandCall, { silences }: MonitorRecords): Promise<void> {
  const what = args.replace(/^#/, '');
  if (!MATCHER.test(what)) {
    await ctx.reply(t('unsilence-usage'));
    return;
  }
  const removed = await silences.remove(what);
  await ctx.reply(removed === 0 ? t('unsilence-none', { what }) : t('unsilence-done', { count: removed }));
}

async function ack({ ctx, args, user, t }: CommandCall, { incidents }: MonitorRecords): Promise<void> {
  const m = /^#?(\d{1,15})$/.exec(args);
  if (!m) {
    await ctx.reply(t('ack-usage'));
    return;
  }
  const id = m[1] as string;
  const acked = await incidents.ack(Number(id), user.name);
  await ctx.reply(acked ? t('ack-done', { id }) : t('ack-unknown', { id }));
}

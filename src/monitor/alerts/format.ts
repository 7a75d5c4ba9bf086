// Alert texts in Telegram HTML: one incident in full (an alert, or Details), or one line of a grouped message.
// Everything that came from outside (messages, targets, fields) is escaped.
import { escapeHtml } from '../../bot/index.ts';
import type { Incident } from '../incidents/index.ts';
import type { Severity } from '../types.ts';
import { SEVERITY_MARK, STRINGS } from './strings.ts';
import type { Lang } from './strings.ts';
import type { NoticeEvent } from './tables.ts';
import { formatDurationSpaced, formatTime } from '../../core/format.ts';

/** What one line or block of an alert is about. */
export interface AlertItem {
  incident: Incident;
  event: NoticeEvent;
  /** The severity the news was given with (may be above the incident's). */
  severity: Severity;
}

const ALERT_MESSAGE_CHARS = 300;
const LINE_MESSAGE_CHARS = 120;
const DETAILS_MESSAGE_CHARS = 1500;

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Cut to `max` keeping the reason: a message is "<what was seen> — <what the repair did or why not>", and the
 * reason is what the admins act on, so the seen part is cut first.
 */
export function cutKeepingReason(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const at = flat.indexOf(' — ');
  if (flat.length <= max || at === -1) return cut(flat, max);
  const reason = cut(flat.slice(at + 3), Math.max(Math.floor(max * 0.7), max - at - 3));
  return `${cut(flat.slice(0, at), Math.max(20, max - reason.length - 3))} — ${reason}`;
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

function actionLine(i: Incident, lang: Lang): string | null {
  if (!i.action) return null;
  const t = STRINGS[lang];
  const attempts = i.attempt > 0 ? ` ${i.attempt}/${i.maxAttempts || i.attempt}` : '';
  return `${t.action}: ${code(i.action)} — ${t.state[i.state]}${attempts}`;
}

function resolvedFor(i: Incident, now: number): string {
  return formatDurationSpaced((i.resolvedAt ?? now) - i.firstSeen);
}

/** A message about one incident: what, where, the repair and how it went, how often, since when. */
export function alertBlock(item: AlertItem, lang: Lang, now: number): string {
  const { incident: i, event, severity } = item;
  const t = STRINGS[lang];
  if (event === 'resolved') {
    return `✅ <b>#${i.id}</b> ${code(i.errorType)} · ${code(i.target)}\n${escapeHtml(t.resolvedAfter(resolvedFor(i, now)))}`;
  }
  const title = event === 'failed' ? t.failed : t.fired;
  const lines = [
    ...(event === 'reminder' ? [`⏰ ${escapeHtml(t.reminder(formatDurationSpaced(now - i.firstSeen)))}`] : []),
    `${SEVERITY_MARK[severity]} <b>${escapeHtml(t.severity[severity])} · ${escapeHtml(title)} #${i.id}</b>`,
    `${code(i.errorType)} · ${code(i.target)}`,
    escapeHtml(cutKeepingReason(i.message, ALERT_MESSAGE_CHARS)),
    actionLine(i, lang),
    `${t.times}: ${i.count} · ${t.since} ${formatTime(i.firstSeen)}`,
  ];
  return lines.filter((l): l is string => Boolean(l)).join('\n');
}

/** One line of a grouped message. */
export function alertLine(item: AlertItem, lang: Lang, now: number): string {
  const { incident: i, event, severity } = item;
  const t = STRINGS[lang];
  const head = `#${i.id} <b>${escapeHtml(i.errorType)}</b> · ${code(cut(i.target, 80))}`;
  if (event === 'resolved') return `✅ ${head} — ${escapeHtml(t.resolvedAfter(resolvedFor(i, now)))}`;
  const prefix = event === 'failed' ? `${t.failed}: ` : event === 'reminder' ? '⏰ ' : '';
  const count = i.count > 1 ? ` (×${i.count})` : '';
  return `${SEVERITY_MARK[severity]} ${head} — ${escapeHtml(prefix + cutKeepingReason(i.message, LINE_MESSAGE_CHARS))}${count}`;
}

/** HTML for Details: everything the incident row holds. */
export function formatIncident(i: Incident, lang: Lang = 'es'): string {
  const t = STRINGS[lang];
  const fields = Object.entries(i.fields).map(([k, v]) => `${escapeHtml(k)}=${code(cut(v, 200))}`);
  const attempts = i.attempt > 0 ? ` (${i.attempt}/${i.maxAttempts || i.attempt})` : '';
  const lines = [
    `${SEVERITY_MARK[i.severity]} <b>#${i.id} ${escapeHtml(i.errorType)}</b> · ${escapeHtml(t.severity[i.severity])} · ${escapeHtml(t.state[i.state])}${attempts}`,
    `${t.rule}: ${code(i.rule)} · ${t.target}: ${code(i.target)}`,
    escapeHtml(cut(i.message, DETAILS_MESSAGE_CHARS)),
    i.action ? `${t.action}: ${code(i.action)}` : null,
    fields.length ? `${t.fields}: ${fields.join(', ')}` : null,
    `${t.times}: ${i.count} · ${t.firstSeen}: ${formatTime(i.firstSeen)} · ${t.lastSeen}: ${formatTime(i.lastSeen)}`,
    i.ackedBy ? escapeHtml(t.ackedBy(i.ackedBy, formatTime(i.ackedAt ?? i.stateChangedAt))) : null,
    i.resolvedAt !== null ? `${t.resolvedAt}: ${formatTime(i.resolvedAt)} (${formatDurationSpaced(i.resolvedAt - i.firstSeen)})` : null,
  ];
  return lines.filter((l): l is string => Boolean(l)).join('\n');
}

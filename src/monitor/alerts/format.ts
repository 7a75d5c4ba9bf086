// Alert texts in Telegram HTML: one incident in full (an alert, or Details), or one line of a grouped message.
// Everything that came from outside (messages, targets, fields) is escaped.
import { escapeHtml, html, trusted } from '../../outbox/index.ts';
import type { TrustedHtml } from '../../outbox/index.ts';
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

function code(text: string): TrustedHtml {
  return trusted(html`<code>${text}</code>`);
}

function actionLine(i: Incident, lang: Lang): string | null {
  if (!i.action) return null;
  const t = STRINGS[lang];
  const attempts = i.attempt > 0 ? ` ${i.attempt}/${i.maxAttempts || i.attempt}` : '';
  return html`${t.action}: ${code(i.action)} — ${t.state[i.state]}${attempts}`;
}

function resolvedFor(i: Incident, now: number): string {
  return formatDurationSpaced((i.resolvedAt ?? now) - i.firstSeen);
}

/** A message about one incident: what, where, the repair and how it went, how often, since when. */
export function alertBlock(item: AlertItem, lang: Lang, now: number): string {
  const { incident: i, event, severity } = item;
  const t = STRINGS[lang];
  if (event === 'resolved') {
    return html`✅ <b>#${i.id}</b> ${code(i.errorType)} · ${code(i.target)} ${t.resolvedAfter(resolvedFor(i, now))}`;
  }
  const title = event === 'failed' ? t.failed : t.fired;
  const lines = [
    ...(event === 'reminder' ? [html`⏰ ${t.reminder(formatDurationSpaced(now - i.firstSeen))}`] : []),
    html`${SEVERITY_MARK[severity]} <b>${t.severity[severity]} · ${title} #${i.id}</b>`,
    html`${code(i.errorType)} · ${code(i.target)}`,
    escapeHtml(cutKeepingReason(i.message, ALERT_MESSAGE_CHARS)),
    actionLine(i, lang),
    html`${t.times}: ${i.count} · ${t.since} ${formatTime(i.firstSeen)}`,
  ];
  return lines.filter((l): l is string => Boolean(l)).join('\n');
}

/** One line of a grouped message. */
export function alertLine(item: AlertItem, lang: Lang, now: number): string {
  const { incident: i, event, severity } = item;
  const t = STRINGS[lang];
  const head = trusted(html`#${i.id} <b>${i.errorType}</b> · ${code(cut(i.target, 80))}`);
  if (event === 'resolved') return html`✅ ${head} — ${t.resolvedAfter(resolvedFor(i, now))}`;
  const prefix = event === 'failed' ? `${t.failed}: ` : event === 'reminder' ? '⏰ ' : '';
  const count = i.count > 1 ? ` (×${i.count})` : '';
  return html`${SEVERITY_MARK[severity]} ${head} — ${prefix + cutKeepingReason(i.message, LINE_MESSAGE_CHARS)}${count}`;
}

/** HTML for Details: everything the incident row holds. */
export function formatIncident(i: Incident, lang: Lang = 'es'): string {
  const t = STRINGS[lang];
  const fields = Object.entries(i.fields).map(([k, v]) => html`${k}=${code(cut(v, 200))}`);
  const attempts = i.attempt > 0 ? ` (${i.attempt}/${i.maxAttempts || i.attempt})` : '';
  const lines = [
    html`${SEVERITY_MARK[i.severity]} <b>#${i.id} ${i.errorType}</b> · ${t.severity[i.severity]} ·
      ${t.state[i.state]}${attempts}`,
    html`${t.rule}: ${code(i.rule)} · ${t.target}: ${code(i.target)}`,
    escapeHtml(cut(i.message, DETAILS_MESSAGE_CHARS)),
    i.action ? html`${t.action}: ${code(i.action)}` : null,
    fields.length ? html`${t.fields}: ${trusted(fields.join(', '))}` : null,
    html`${t.times}: ${i.count} · ${t.firstSeen}: ${formatTime(i.firstSeen)} · ${t.lastSeen}: ${formatTime(i.lastSeen)}`,
    i.ackedBy ? escapeHtml(t.ackedBy(i.ackedBy, formatTime(i.ackedAt ?? i.stateChangedAt))) : null,
    i.resolvedAt !== null
      ? html`${t.resolvedAt}: ${formatTime(i.resolvedAt)} (${formatDurationSpaced(i.resolvedAt - i.firstSeen)})`
      : null,
  ];
  return lines.filter((l): l is string => Boolean(l)).join('\n');
}

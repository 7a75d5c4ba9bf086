// One outbox message from the news of a flush: one incident in full with its buttons, or several as a list.
import { escapeHtml, html, trusted } from '../../outbox/index.ts';
import { alertBlock, alertLine } from './format.ts';
import type { AlertItem } from './format.ts';
import { STRINGS } from './strings.ts';
import type { Lang } from './strings.ts';

export interface AlertButton {
  text: string;
  /** inc:retry:<id>, inc:silence:<id>, inc:details:<id> (the bot answers them). */
  data: string;
}

export interface AlertMessage {
  html: string;
  /** Only on a message about one incident: on a list, a button could not say which one it means. */
  buttons: AlertButton[][] | null;
}

/** A grouped message lists this many; the rest are counted ("… and N more"). */
export const MAX_LISTED = 20;

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export function composeMessage(items: readonly AlertItem[], lang: Lang, now: number): AlertMessage {
  const t = STRINGS[lang];
  const first = items[0];
  if (!first)
    throw new Error('composeMessage: no news to send (a bug: flush composes only when something is to be sent)');
  if (items.length === 1) {
    const id = first.incident.id;
    const details = { text: t.details, data: `inc:details:${id}` };
    const buttons =
      first.event === 'resolved'
        ? [[details]]
        : [[{ text: t.retry, data: `inc:retry:${id}` }, { text: t.silenceHour, data: `inc:silence:${id}` }, details]];
    return { html: alertBlock(first, lang, now), buttons };
  }
  // Bad news first, the worst first; resolved ones last.
  const sorted = [...items].sort(
    (a, b) =>
      Number(a.event === 'resolved') - Number(b.event === 'resolved') ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.incident.id - b.incident.id,
  );
  const lines = sorted.slice(0, MAX_LISTED).map((item) => alertLine(item, lang, now));
  if (sorted.length > MAX_LISTED) lines.push(escapeHtml(t.andMore(sorted.length - MAX_LISTED)));
  return { html: html`🔔 <b>${t.incidents(items.length)}</b> ${trusted(lines.join('\n'))}`, buttons: null };
}

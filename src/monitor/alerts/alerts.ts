// Alerts in the admins' chat, like Alertmanager: news of incidents waits group_wait and goes out as one outbox
// message; silences, acks and inhibition mute it; open incidents are reminded of at their severity's repeat.
import { randomUUID } from 'node:crypto';
import { html, queueAdminMessage } from '../../outbox/index.ts';
import type { Logger } from '../../core/log.ts';
import type { Store } from '../../core/store/index.ts';
import type { Incident } from '../incidents/index.ts';
import type { Severity } from '../types.ts';
import { composeMessage } from './compose.ts';
import type { AlertMessage } from './compose.ts';
import { formatTime } from '../../core/format.ts';
import type { AlertItem } from './format.ts';
import { inhibitorOf } from './inhibit.ts';
import { NoticeRecords } from './notices.ts';
import type { Notice } from './notices.ts';
import { Silences } from './silences.ts';
import type { Lang } from './strings.ts';

export type AlertEvent = 'fired' | 'failed' | 'resolved';
const ALERT_EVENTS: readonly string[] = ['fired', 'failed', 'resolved'];

export interface AlertsDeps {
  store: Store;
  log: Logger;
  chats: readonly number[];
  groupWaitMs: number;
  repeatMs: { critical: number; warning: number };
  now?: () => number;
  /** The admins' language for alert texts; default Spanish. */
  lang?: Lang;
  /** Another reason to mute news of an incident (a maintenance window on its target), or null. */
  mutedBy?: (incident: Incident) => Promise<string | null>;
}

/** One decision of a flush: send this news, or mute it (and say why). */
interface Verdict {
  notices: Notice[];
  item: AlertItem | null;
  mutedBecause: string | null;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export class Alerts {
  readonly #d: AlertsDeps;
  readonly #now: () => number;
  readonly #lang: Lang;
  readonly #notices: NoticeRecords;
  readonly #silences: Silences;
  #warnedNoChats = false;

  constructor(deps: AlertsDeps) {
    const { groupWaitMs, repeatMs } = deps;
    if (!Number.isFinite(groupWaitMs) || groupWaitMs < 0)
      throw new Error(`alerts.group_wait must be 0 or more milliseconds, not ${groupWaitMs}`);
    for (const [severity, ms] of Object.entries(repeatMs)) {
      if (!Number.isFinite(ms) || ms <= 0)
        throw new Error(`alerts.repeat.${severity} must be a positive duration, not ${ms}`);
    }
    if (deps.lang !== undefined && deps.lang !== 'es' && deps.lang !== 'en')
      throw new Error(`alerts: language ${String(deps.lang)} is not es or en`);
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#lang = deps.lang ?? 'es';
    this.#notices = new NoticeRecords(deps.store);
    this.#silences = new Silences(deps.store, { now: this.#now });
  }

  /** Queues news of an incident; nothing is sent here. 'info' severity is never sent. */
  async notify(incident: Incident, event: AlertEvent): Promise<void> {
    if (!ALERT_EVENTS.includes(event))
      throw new Error(`alerts: unknown event ${String(event)}; say fired, failed or resolved`);
    if (incident.severity === 'info') return;
    // An incident fires once per severity, however often it is reported (a storm counts on it); failure and resolution are
    // news again each time the incident's state changes.
    const dedupKey =
      event === 'fired'
        ? `${incident.id}:fired:${incident.severity}`
        : `${incident.id}:${event}:${incident.stateChangedAt}`;
    await this.#notices.queue({
      incidentId: incident.id,
      event,
      severity: incident.severity,
      dedupKey,
      now: this.#now(),
    });
  }

  /** A message about no one incident (a target repaired too often), queued once per dedup key. */
  async warn(text: string, dedupKey: string): Promise<void> {
    await this.#send({ html: html`🟠 ${text}`, buttons: null }, dedupKey);
  }

  /**
   * Sends, as one outbox message, the news queued once the oldest has waited group_wait (newest news per
   * incident), muting what silences, acks and inhibition cover; then one message of reminders. Safe from several
   * processes. Returns the messages queued.
   */
  async flush(): Promise<number> {
    const now = this.#now();
    await this.#notices.releaseStale(now);
    let messages = 0;
    const oldest = await this.#notices.oldestQueuedAt();
    if (oldest !== null && now - oldest >= this.#d.groupWaitMs) messages += await this.#flushNews(now);
    messages += await this.#remind(now);
    return messages;
  }

  async #flushNews(now: number): Promise<number> {
    const { claim, notices } = await this.#notices.claimQueued(now);
    if (notices.length === 0) return 0;
    const byIncident = new Map<number, Notice[]>();
    for (const n of notices) byIncident.set(n.incidentId, [...(byIncident.get(n.incidentId) ?? []), n]);
    const incidents = await this.#notices.incidents([...byIncident.keys()]);
    const inhibitors = await this.#notices.openInhibitors();
    const announced = await this.#notices.announced([...byIncident.keys()]);
    const verdicts: Verdict[] = [];
    for (const [id, group] of byIncident) {
      const incident = incidents.get(id);
      const newest = group[group.length - 1] as Notice;
      if (!incident) {
        verdicts.push({ notices: group, item: null, mutedBecause: 'the incident no longer exists' });
        continue;
      }
      const severity = group.reduce<Severity>(
        (worst, n) => (RANK[n.severity] > RANK[worst] ? n.severity : worst),
        incident.severity,
      );
      let mutedBecause: string | null;
      if (newest.event !== 'resolved') mutedBecause = await this.#mutedBecause(incident, inhibitors);
      else if (announced.has(id)) mutedBecause = null;
      // Fired and resolved within one group_wait: told as resolved, unless its news would have been muted.
      else if (group.some((n) => n.event !== 'resolved')) mutedBecause = await this.#mutedBecause(incident, inhibitors);
      else mutedBecause = 'its incident was never announced';
      verdicts.push({
        notices: group,
        item: mutedBecause ? null : { incident, event: newest.event, severity },
        mutedBecause,
      });
    }
    return this.#deliver(claim, verdicts, now);
  }

  async #remind(now: number): Promise<number> {
    const { critical, warning } = this.#d.repeatMs;
    const repeat: Record<Severity, number> = { critical, warning, info: Number.POSITIVE_INFINITY };
    const candidates = (await this.#notices.reminderCandidates(now, Math.min(critical, warning))).filter(
      (c) => now - c.lastNoticeAt >= repeat[c.incident.severity],
    );
    if (candidates.length === 0) return 0;
    const claim = randomUUID();
    const inhibitors = await this.#notices.openInhibitors();
    const verdicts: Verdict[] = [];
    for (const c of candidates) {
      const notice = await this.#notices.claimReminder(c, claim, now);
      if (!notice) continue; // another process reminds of it
      const mutedBecause = await this.#mutedBecause(c.incident, inhibitors);
      verdicts.push({
        notices: [notice],
        item: mutedBecause ? null : { incident: c.incident, event: 'reminder', severity: c.incident.severity },
        mutedBecause,
      });
    }
    return this.#deliver(claim, verdicts, now);
  }

  /** Why news of this incident must not be sent now, or null. */
  async #mutedBecause(incident: Incident, openInhibitors: readonly Incident[]): Promise<string | null> {
    if (incident.ackedBy) return `acknowledged by ${incident.ackedBy}`;
    const silence = await this.#silences.covering(incident);
    if (silence) return `silence #${silence.id} (${silence.matcher}) until ${formatTime(silence.until)}`;
    const inhibitor = inhibitorOf(incident.errorType, incident.id, openInhibitors);
    if (inhibitor) return `inhibited by #${inhibitor.id} (${inhibitor.errorType})`;
    return (await this.#d.mutedBy?.(incident)) ?? null;
  }

  /** Queues one message for what is to be sent, then marks every notice of the claim sent or muted. */
  async #deliver(claim: string, verdicts: readonly Verdict[], now: number): Promise<number> {
    const items = verdicts.flatMap((v) => (v.item ? [v.item] : []));
    if (items.length > 0) {
      // Keyed by its first notice: a flush that dies after queueing and is redone does not send it twice.
      const firstId = Math.min(...verdicts.filter((v) => v.item).flatMap((v) => v.notices.map((n) => n.id)));
      try {
        await this.#send(composeMessage(items, this.#lang, now), `alert:${firstId}`);
      } catch (err) {
        await this.#notices.release(claim);
        throw err;
      }
    }
    await this.#notices.finish(
      claim,
      verdicts.filter((v) => v.item).flatMap((v) => v.notices.map((n) => n.id)),
      'sent',
      null,
      now,
    );
    const muted = new Map<string, number[]>();
    for (const v of verdicts) {
      if (!v.mutedBecause) continue;
      muted.set(v.mutedBecause, [...(muted.get(v.mutedBecause) ?? []), ...v.notices.map((n) => n.id)]);
      this.#d.log.debug(
        { incidents: [...new Set(v.notices.map((n) => n.incidentId))], reason: v.mutedBecause },
        'alert muted',
      );
    }
    for (const [reason, ids] of muted) await this.#notices.finish(claim, ids, 'muted', reason, now);
    return items.length > 0 ? 1 : 0;
  }

  async #send(message: AlertMessage, dedupKey: string): Promise<void> {
    const { store, log, chats } = this.#d;
    if (chats.length === 0 && !this.#warnedNoChats) {
      this.#warnedNoChats = true;
      log.warn('an alert has nowhere to go: set telegram.admin_chats to receive alerts in Telegram');
    }
    await queueAdminMessage(store, chats, {
      text: message.html,
      format: 'html',
      dedupKey,
      buttons: message.buttons ?? undefined,
    });
  }
}

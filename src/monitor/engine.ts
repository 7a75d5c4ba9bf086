// What the monitor does with what it sees: a finding becomes (or counts on) an incident; a new incident with a
// repair gets it, in the background, with its states recorded; the admins hear of it as the rule or check says.
// A healthy check result resolves the open incident of the same rule and target.
//
// The lifecycle, once: one fingerprint (rule + target) is one open incident whose count rises. A repeat while its
// repair runs, or soon after the repair held (HELD_MS, log findings only), counts on it and repairs nothing. A
// repair that fails, is refused or is stopped by the breaker leaves the incident open (pending): the admins hear
// it once, are reminded per alerts.repeat, and hear it resolved when its check passes (or, for a log rule, when
// the line stops). A remedy that holds only while the cause lasts (intake paused for disk) keeps it open too. A
// repeat that raises the severity is a new decision: the admins are told and the repair runs.
import type { Logger } from '../core/log.ts';
import type { Repairs } from './actions/index.ts';
import type { Alerts } from './alerts/index.ts';
import type { Incident, Incidents } from './incidents/index.ts';
import { utcDayStart } from './incidents/index.ts';
import type { RuleSet } from './rules/index.ts';
import type { CheckResult, Finding, LogRecord } from './types.ts';
import { fingerprint } from './types.ts';

export interface EngineDeps {
  incidents: Incidents;
  alerts: Alerts;
  repairs: Repairs;
  rules: RuleSet;
  log: Logger;
  /** paths.media: a path under it names its creator (the first folder) and, for a video file, the video. */
  mediaRoot?: string;
  /** monitor.repairs_warn_after: repairs of one target in a UTC day before the admins get one warning; 0: never. */
  repairsWarnAfter?: number;
  now?: () => number;
}

/** Findings kept for the Retry button: the incident row does not hold the repair plan. */
const REMEMBERED_FINDINGS = 1000;
/** A log line this soon after its repair held was most likely written before it (a tailer catching up). */
export const HELD_MS = 60_000;
/** A repeat tells the breaker its target is still not healthy at most this often (a storm is one write a minute). */
const SEEN_EVERY_MS = 60_000;

export class MonitorEngine {
  readonly #deps: EngineDeps;
  /** Fingerprints whose repair runs now: a second finding only counts, it does not start a second repair. */
  readonly #repairing = new Map<string, Promise<void>>();
  readonly #findings = new Map<string, Finding>();
  /** When each target's repeat was last told to the breaker. */
  readonly #seenAt = new Map<string, number>();

  readonly #now: () => number;

  constructor(deps: EngineDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Log records from the tailer or a container: each one that a rule matches is a finding. */
  async onRecords(records: readonly LogRecord[]): Promise<void> {
    for (const record of records) {
      // The monitor's own lines describe repairs; matching them would make the monitor chase itself.
      if (record.json && typeof record.json.component === 'string' && record.json.component.startsWith('monitor'))
        continue;
      const finding = this.#deps.rules.match(record);
      if (finding) await this.#found(finding, HELD_MS);
    }
  }

  async onCheckResults(results: readonly CheckResult[]): Promise<void> {
    for (const result of results) {
      if (!result.ok) {
        await this.#found(result.finding, 0);
        continue;
      }
      await this.#deps.repairs.healthy(result.target);
      const solved = await this.#deps.incidents.resolve(result.rule, result.target);
      if (!solved) continue;
      // Alerts sends a resolution only for an incident that was announced.
      await this.#deps.alerts.notify(solved, 'resolved');
    }
  }

  async #found(given: Finding, heldWithinMs: number): Promise<void> {
    const finding = withMedia(given, this.#deps.mediaRoot);
    this.#remember(finding);
    const { incident, isNew, raised } = await this.#deps.incidents.record(finding, { heldWithinMs });
    if (!isNew && !raised) {
      if (finding.action) await this.#stillUnhealthy(finding.target);
      return;
    }
    // A worse severity is news even where the rule would wait for the repair's outcome (notify: on_failure).
    const notify = raised && finding.notify === 'on_failure' ? 'always' : finding.notify;
    if (!finding.action) {
      await this.#announce(incident, 'fired', notify);
      return;
    }
    if (notify === 'always') await this.#announce(incident, 'fired', notify);
    this.#startRepair(incident, finding);
  }

  async #stillUnhealthy(target: string): Promise<void> {
    const now = this.#now();
    if (now - (this.#seenAt.get(target) ?? 0) < SEEN_EVERY_MS) return;
    this.#seenAt.delete(target);
    this.#seenAt.set(target, now);
    if (this.#seenAt.size > REMEMBERED_FINDINGS) this.#seenAt.delete(this.#seenAt.keys().next().value as string);
    await this.#deps.repairs.seen(target);
  }

  /** Incidents whose Retry button was pressed, and repairs a crash cut short: run their repair again. */
  async retryRequested(): Promise<void> {
    for (const incident of await this.#deps.incidents.takeRetryRequests()) await this.#retry(incident);
  }

  /** At start: incidents left in 'retrying' by a process that died mid-repair. */
  async resumeInterrupted(): Promise<void> {
    for (const incident of await this.#deps.incidents.open()) {
      if (incident.state === 'retrying' && !this.#repairing.has(incident.fingerprint)) await this.#retry(incident);
    }
  }

  /** Waits for the repairs in flight (stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#repairing.values()]);
  }

  async #retry(incident: Incident): Promise<void> {
    const finding = this.#findings.get(incident.fingerprint) ?? this.#findingFromRule(incident);
    if (!finding?.action) {
      await this.#deps.incidents.setState(incident.id, 'failed', {
        message: `${incident.message} — no repair is known for this incident; repair it by hand`,
      });
      return;
    }
    this.#startRepair(incident, finding);
  }

  #startRepair(incident: Incident, finding: Finding): void {
    if (this.#repairing.has(incident.fingerprint)) return;
    const run = this.#repair(incident, finding)
      .catch((err: unknown) =>
        this.#deps.log.error({ err, incident: incident.id }, 'repair crashed (a bug); the incident stays open'),
      )
      .finally(() => this.#repairing.delete(incident.fingerprint));
    this.#repairing.set(incident.fingerprint, run);
  }

  async #repair(incident: Incident, finding: Finding): Promise<void> {
    const { incidents, repairs, log } = this.#deps;
    const action = finding.action?.type ?? null;
    const outcome = await repairs.run(finding, async (attempt, maxAttempts) => {
      await incidents.setState(incident.id, 'retrying', { attempt, maxAttempts, action: action ?? undefined });
    });
    log.info(
      {
        incident: incident.id,
        rule: finding.rule,
        target: finding.target,
        action,
        result: outcome.result,
        attempts: outcome.attempts,
      },
      outcome.detail,
    );
    if (outcome.attempts > 0) await this.#warnIfFrequent(finding);
    const message = `${finding.message} — ${outcome.detail}`;
    switch (outcome.result) {
      case 'repaired': {
        const solved = await incidents.setState(incident.id, 'solved', { message });
        await this.#deps.alerts.notify(solved, 'resolved');
        return;
      }
      case 'holding': {
        // The remedy holds while the cause lasts: the incident stays open until its check clears it.
        const holding = await incidents.setState(incident.id, 'pending', { message });
        await this.#announce(holding, 'fired', finding.notify === 'never' ? 'never' : 'always');
        return;
      }
      case 'dry_run':
      case 'skipped': {
        const pending = await incidents.setState(incident.id, 'pending', { message });
        if (finding.notify !== 'always')
          await this.#announce(pending, 'fired', finding.notify === 'never' ? 'never' : 'always');
        return;
      }
      case 'breaker_open': {
        // Still broken and not repaired: open, critical, reminded until someone acts or it heals.
        const stopped = await incidents.setState(incident.id, 'pending', { message });
        await this.#deps.alerts.notify({ ...stopped, severity: 'critical' }, 'failed');
        return;
      }
      case 'failed':
      case 'refused': {
        const failed = await incidents.setState(incident.id, 'pending', {
          message: `${finding.message} — repair ${outcome.result}: ${outcome.detail}`,
        });
        await this.#announce(failed, 'failed', finding.notify === 'never' ? 'never' : 'always');
        return;
      }
    }
  }

  /** Quiet repairs can hide a sick service: the repairs_warn_after-th repair of a target in a UTC day is told, once. */
  async #warnIfFrequent(finding: Finding): Promise<void> {
    const after = this.#deps.repairsWarnAfter ?? 0;
    if (after <= 0) return;
    const day = new Date(this.#now()).toISOString().slice(0, 10);
    const runs = await this.#deps.incidents.repairRunsSince(finding.target, utcDayStart(this.#now()));
    if (runs < after) return;
    // Keyed by target and day: one warning a day, however many repairs follow and whichever process sees them.
    await this.#deps.alerts.warn(
      `${finding.target} was repaired ${runs} times today (${finding.action?.type ?? 'repair'}, ${finding.errorType}): the repairs hold, but something keeps breaking it; find the cause (centinela incidents --type ${finding.errorType})`,
      `repairs:${finding.target}:${day}`,
    );
  }

  async #announce(
    incident: Incident,
    event: 'fired' | 'failed' | 'resolved',
    notify: Finding['notify'],
  ): Promise<void> {
    if (notify === 'never' || (notify === 'on_failure' && event !== 'failed')) return;
    await this.#deps.alerts.notify(incident, event);
  }

  #remember(finding: Finding): void {
    const key = fingerprint(finding.rule, finding.target);
    this.#findings.delete(key);
    this.#findings.set(key, finding);
    if (this.#findings.size > REMEMBERED_FINDINGS) this.#findings.delete(this.#findings.keys().next().value as string);
  }

  /** After a restart the finding is gone; a log rule still knows its repair. */
  #findingFromRule(incident: Incident): Finding | null {
    const rule = this.#deps.rules.rules.find((r) => r.id === incident.rule);
    if (!rule?.action) return null;
    return {
      rule: incident.rule,
      errorType: incident.errorType,
      severity: incident.severity,
      target: incident.target,
      message: incident.message,
      fields: incident.fields,
      action: rule.action,
      notify: rule.notify,
    };
  }
}

const VIDEO_FILE = /\.(?:mp4|mov|m4v|mkv|webm|avi)(?:\.part)?$/i;

/** Fills model and video from a path under the media root (<media>/<model>/…/<video>) when the finding lacks them. */
export function withMedia(finding: Finding, mediaRoot: string | undefined): Finding {
  const path = finding.fields.path;
  if (!mediaRoot || !path || (finding.fields.model && finding.fields.video)) return finding;
  const root = mediaRoot.endsWith('/') ? mediaRoot : `${mediaRoot}/`;
  if (!path.startsWith(root)) return finding;
  const parts = path.slice(root.length).split('/').filter(Boolean);
  const fields = { ...finding.fields };
  if (!fields.model && parts.length > 1) fields.model = parts[0] as string;
  else if (!fields.model && parts.length === 1 && !VIDEO_FILE.test(parts[0] as string))
    fields.model = parts[0] as string;
  const last = parts.at(-1);
  if (!fields.video && last && VIDEO_FILE.test(last)) fields.video = last.replace(/\.part$/i, '');
  return { ...finding, fields };
}

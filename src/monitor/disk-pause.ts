// A pause of intake for disk is a remedy that holds while the disk is short, not a repair: every disk check that
// finds no disk critical lifts it (whoever paused: the disk check, a download, a log line's pause_intake) and
// resolves the open incidents whose remedy was that pause.
import type { Logger } from '../core/log.ts';
import type { Store } from '../core/store/index.ts';
import { intakePaused, resumeIntake } from '../pipeline/intake/index.ts';
import { DISK_PAUSE_PREFIX } from './actions/index.ts';
import type { Alerts } from './alerts/index.ts';
import type { Incidents } from './incidents/index.ts';
import type { CheckResult } from './types.ts';

export interface DiskPauseDeps {
  store: Store;
  incidents: Incidents;
  alerts: Alerts;
  log: Logger;
}

/** After a disk check: when no disk is critical, intake paused for disk resumes and its incidents resolve. */
export async function liftDiskPause(d: DiskPauseDeps, results: readonly CheckResult[]): Promise<void> {
  if (results.some((r) => !r.ok && r.finding.severity === 'critical')) return;
  const paused = await intakePaused(d.store);
  if (paused?.reason.startsWith(DISK_PAUSE_PREFIX) && (await resumeIntake(d.store)))
    d.log.info({ reason: paused.reason }, 'disk has room again: intake resumed');
  for (const open of await d.incidents.open()) {
    // The disk check's own incidents resolve by its healthy results; these are the log rules' (disk_full).
    if (open.action !== 'pause_intake' || open.rule === 'disk' || open.state !== 'pending') continue;
    const solved = await d.incidents.resolve(open.rule, open.target);
    if (solved) await d.alerts.notify(solved, 'resolved');
  }
}

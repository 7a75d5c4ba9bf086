// What a maintenance window holds back: findings about its target (a container's or a probe's problems, and rule
// matches on the container's log) never reach the incidents, so nothing is repaired or announced; healthy results
// pass, so an incident the target had before resolves as usual. Reminders of its open incidents are muted (alerts).
import type { CheckResult, LogRecord } from '../types.ts';
import { Maintenance } from './maintenance.ts';
import type { MaintenanceWindow } from './maintenance.ts';
import type { Store } from '../../core/store/index.ts';

export class MaintenancePause {
  readonly #maintenance: Maintenance;

  constructor(store: Store, options: { now?: () => number } = {}) {
    this.#maintenance = new Maintenance(store, options);
  }

  async results(results: readonly CheckResult[]): Promise<CheckResult[]> {
    if (results.every((r) => r.ok)) return [...results];
    const paused = await this.#targets();
    return results.filter((r) => r.ok || !paused.has(r.finding.target));
  }

  async records(records: readonly LogRecord[]): Promise<LogRecord[]> {
    if (!records.some((r) => r.source.startsWith('docker:'))) return [...records];
    const paused = await this.#targets();
    return records.filter((r) => !r.source.startsWith('docker:') || !paused.has(r.source.slice('docker:'.length)));
  }

  /** The window covering a target, for muting its alerts; or null. */
  async covering(target: string): Promise<MaintenanceWindow | null> {
    return (await this.#maintenance.active()).find((w) => w.target === target) ?? null;
  }

  async #targets(): Promise<Set<string>> {
    return new Set((await this.#maintenance.active()).map((w) => w.target));
  }
}

// The runner the monitor's engine calls with a finding: checks the plan's parameters and paths, asks the breaker,
// then tries the repair up to plan.attempts times (each try under its own time limit, each with its check).
import type { Logger } from '../../core/log.ts';
import type { Queue } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { ActionPlan, DockerApi, Finding } from '../types.ts';
import { errorText } from './action.ts';
import type { ActionContext, TryResult } from './action.ts';
import { Breaker } from './breaker.ts';
import { confine } from './confine.ts';
import { describeIssues } from './params.ts';
import { ACTIONS, planProblem, validatePlan } from './registry.ts';
import { RepairTimeout, withTimeout } from './time.ts';

export interface RepairDeps {
  store: Store;
  queue: Queue;
  log: Logger;
  /** Folders repairs may touch: monitor.allowed_roots and paths.media (paths.data, dataDir, is always allowed). */
  allowedRoots: string[];
  /** monitor.owner: 'uid:gid' or a user name; '' when not set. */
  owner: string;
  /** paths.data: quarantine lives under it. */
  dataDir: string;
  docker: DockerApi | null;
  botApi: { apiRoot: string; token: string | null };
  dryRun: boolean;
  breaker: { maxRepairs: number; windowMs: number; healthyForMs: number };
  /** Whether a watched disk is under disk.critical_free now; without it, never (pause_intake then needs a path). */
  diskLow?: () => Promise<boolean>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type RepairResult = 'repaired' | 'holding' | 'failed' | 'breaker_open' | 'skipped' | 'dry_run' | 'refused';

export interface RepairOutcome {
  result: RepairResult;
  /** Tries made (0 when nothing ran). */
  attempts: number;
  /** One line for a person: what was done, or why not. */
  detail: string;
}

export class Repairs {
  readonly #d: RepairDeps;
  readonly #breaker: Breaker;
  readonly #roots: string[];
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(deps: RepairDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#breaker = new Breaker(deps.store, deps.breaker, this.#now);
    this.#roots = [...new Set([...deps.allowedRoots, deps.dataDir])];
  }

  /** Tries the finding's plan: up to plan.attempts tries, waiting plan.backoffMs between them (the last value repeats), each try with its own timeout, then its check; onAttempt is awaited before each try so the incident shows 'retrying' n/max. */
  async run(
    finding: Finding,
    onAttempt: (attempt: number, maxAttempts: number) => Promise<void>,
  ): Promise<RepairOutcome> {
    const plan = finding.action;
    if (!plan) return done('skipped', 0, 'no repair is configured for this problem');
    const problem = planProblem(plan);
    const action = ACTIONS.get(plan.type);
    if (problem || !action) return this.#refused(finding, problem ?? `unknown action type ${plan.type}`);
    const parsed = action.schema.safeParse({ ...finding.fields, ...plan.params });
    if (!parsed.success) return this.#refused(finding, `${plan.type}: ${describeIssues(parsed.error)}`);
    const params = parsed.data;

    const reals = new Map<string, string>();
    if (action.path) {
      const value = (params as Record<string, unknown>)[action.path.key];
      if (typeof value === 'string') {
        const where = await confine(value, this.#roots, action.path.followFinal);
        if (!where.ok) return this.#refused(finding, `${plan.type}: ${where.reason}`);
        reals.set(value, where.real);
      }
    }
    const real = (path: string): string => {
      const r = reals.get(path);
      if (r === undefined) throw new Error(`${path} was not checked against the allowed roots`);
      return r;
    };
    const log = this.#d.log.child({ rule: finding.rule, target: finding.target, action: plan.type });

    const open = await this.#breaker.problem(finding.target);
    if (open) {
      log.warn(`repair not run: ${open}`);
      return done('breaker_open', 0, open);
    }
    if (this.#d.dryRun) {
      const what = action.describe(params, { real });
      log.info(`dry run: would ${what}`);
      return done('dry_run', 0, `dry run: would ${what}`);
    }

    const base: Omit<ActionContext, 'signal'> = {
      store: this.#d.store,
      queue: this.#d.queue,
      log,
      owner: this.#d.owner,
      dataDir: this.#d.dataDir,
      docker: this.#d.docker,
      botApi: this.#d.botApi,
      finding,
      sleep: this.#sleep,
      now: this.#now,
      real,
      memo: new Map(),
      confine: (path, followFinal) => confine(path, this.#roots, followFinal),
      diskLow: this.#d.diskLow ?? (() => Promise.resolve(false)),
    };
    const limit = action.timeoutMs(params);
    if (action.precheck) {
      const pre = await withTimeout(
        limit,
        (signal) => action.precheck?.(params, { ...base, signal }) ?? Promise.resolve(null),
      ).catch((err: unknown) => ({
        result: 'failed' as const,
        detail: `${plan.type}: could not look before repairing: ${errorText(err)}`,
      }));
      if (pre) {
        log.info(`repair ${pre.result}: ${pre.detail}`);
        return done(pre.result, 0, pre.detail);
      }
    }
    const claim = await this.#breaker.claim(finding.target, plan.type);
    if (!claim.ok) {
      log.error(`repair not run: ${claim.detail}`);
      return done('breaker_open', 0, claim.detail);
    }
    return this.#tries(
      plan,
      limit,
      (signal) => action.attempt(params, { ...base, signal }),
      () => action.describe(params, { real }),
      log,
      onAttempt,
    );
  }

  /** A problem was seen again on the target (a repeat that repairs nothing): its healthy period starts over. */
  async seen(target: string): Promise<void> {
    await this.#breaker.problem(target);
  }

  /** The target is healthy now; its breaker count resets once it has stayed healthy for healthyForMs. */
  async healthy(target: string): Promise<void> {
    await this.#breaker.healthy(target);
  }

  /** Parameter check without running (rules loading uses it to reject bad params early). */
  validate(plan: ActionPlan): string | null {
    return validatePlan(plan);
  }

  async #tries(
    plan: ActionPlan,
    limit: number,
    attempt: (signal: AbortSignal) => Promise<TryResult>,
    describe: () => string,
    log: Logger,
    onAttempt: (attempt: number, maxAttempts: number) => Promise<void>,
  ): Promise<RepairOutcome> {
    let last = '';
    for (let n = 1; n <= plan.attempts; n++) {
      if (n > 1) await this.#sleep(plan.backoffMs[Math.min(n - 2, plan.backoffMs.length - 1)] ?? 0);
      await onAttempt(n, plan.attempts);
      let result: TryResult;
      try {
        result = await withTimeout(limit, attempt);
      } catch (err) {
        result = { ok: false, detail: err instanceof RepairTimeout ? `${describe()}: ${err.message}` : errorText(err) };
      }
      if (result.ok) {
        log.info({ attempt: n, of: plan.attempts }, `${result.holding ? 'holding' : 'repaired'}: ${result.detail}`);
        return done(result.holding ? 'holding' : 'repaired', n, result.detail);
      }
      last = result.detail;
      log.warn({ attempt: n, of: plan.attempts }, `repair try failed: ${last}`);
      if (result.final) return done('failed', n, last);
    }
    return done('failed', plan.attempts, plan.attempts > 1 ? `${last} (after ${plan.attempts} tries)` : last);
  }

  #refused(finding: Finding, detail: string): RepairOutcome {
    this.#d.log.warn({ rule: finding.rule, target: finding.target }, `repair refused: ${detail}`);
    return done('refused', 0, detail);
  }
}

function done(result: RepairResult, attempts: number, detail: string): RepairOutcome {
  return { result, attempts, detail };
}

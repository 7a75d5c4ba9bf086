// Tells systemd (a Type=notify unit) when start-up is complete (READY=1), that the process still works
// (WATCHDOG=1) and that it is stopping (STOPPING=1). Without NOTIFY_SOCKET (not under such a unit) nothing is sent.
//
// How NOTIFY_SOCKET is reached: Node has no Unix datagram sockets (node:dgram is UDP only), so each message goes
// through systemd's own `systemd-notify` binary, run with execFile (no shell). It ships with systemd, so it is
// there wherever the unit runs. The npm packages were no better: `sd-notify` needs libsystemd-dev and a C compiler
// at install, `systemd-daemon` rests on the unmaintained native `unix-dgram`. The message comes from the binary's
// pid, not ours: the unit sets NotifyAccess=all (any process of the service's cgroup) and we pass `--pid` so the
// main pid stays ours. systemd-notify waits (BARRIER=1) until systemd has read the message before it exits, so a
// message is never dropped because its sender was already gone.
import type { Logger } from 'pino';

/** Sends one notification (`READY=1`, `WATCHDOG=1`, ...). */
export type NotifySend = (state: string) => Promise<void>;

/** systemd-notify gives up on its barrier after 5 s; a little more here so that its own error is what we see. */
const SEND_TIMEOUT_MS = 7000;

export function systemdNotifySend(env: NodeJS.ProcessEnv): NotifySend {
  return async (state) => {
    // Loaded only under systemd: a service started otherwise never needs child_process.
    const { execFile } = await import('node:child_process');
    return new Promise((ok, fail) => {
      execFile(
        'systemd-notify',
        [`--pid=${process.pid}`, state],
        { env: { PATH: env.PATH, NOTIFY_SOCKET: env.NOTIFY_SOCKET }, timeout: SEND_TIMEOUT_MS },
        (err, _stdout, stderr) =>
          err ? fail(new Error(`systemd-notify ${state}: ${stderr.trim() || err.message}`)) : ok(),
      );
    });
  };
}

export interface NotifierOptions {
  env: NodeJS.ProcessEnv;
  /** Must settle within the bound for a watchdog ping to go out: the store's `select 1`. */
  check: () => Promise<void>;
  log: Logger;
  send?: NotifySend;
}

/**
 * The watchdog pings at half of WATCHDOG_USEC (what sd_watchdog_enabled(3) advises), and only when its timer
 * fires (a blocked event loop fires nothing) and `check` settles within one interval. A check that fails fast
 * still pings: an unreachable PostgreSQL is this process's to wait out (health 503, the monitor's incident);
 * restarts would not bring it back, and would use up the unit's start limit and leave it failed. A check that
 * hangs (a stuck pool or driver) does not: systemd restarts the process once WatchdogSec passes without a ping.
 */
export class SystemdNotifier {
  readonly #send: NotifySend;
  readonly #check: () => Promise<void>;
  readonly #log: Logger;
  readonly #watchdogMs: number | null;
  #timer: NodeJS.Timeout | null = null;
  #checking = false;

  /** Null when not started by systemd with NOTIFY_SOCKET: nothing to tell anyone. */
  static fromEnv(options: NotifierOptions): SystemdNotifier | null {
    if (!options.env.NOTIFY_SOCKET) return null;
    return new SystemdNotifier(options);
  }

  private constructor(options: NotifierOptions) {
    this.#send = options.send ?? systemdNotifySend(options.env);
    this.#check = options.check;
    this.#log = options.log;
    this.#watchdogMs = watchdogInterval(options.env);
  }

  /** The ping interval, or null when the unit has no WatchdogSec (or it is meant for another process). */
  get watchdogMs(): number | null {
    return this.#watchdogMs;
  }

  /** Start-up is complete: READY=1, then the watchdog. */
  async ready(): Promise<void> {
    await this.#notify('READY=1');
    if (this.#watchdogMs === null) return;
    this.#timer = setInterval(() => void this.#tick(this.#watchdogMs as number), this.#watchdogMs);
    this.#timer.unref();
  }

  /** The stop has begun: STOPPING=1 (systemd then stops expecting watchdog pings). */
  async stopping(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#notify('STOPPING=1');
  }

  async #tick(boundMs: number): Promise<void> {
    if (this.#checking) return; // the previous check still hangs: no ping from this tick either
    this.#checking = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const bound = new Promise<'hung'>((ok) => (timer = setTimeout(() => ok('hung'), boundMs)));
      const settled = this.#check().then(
        () => 'ok' as const,
        () => 'ok' as const,
      );
      if ((await Promise.race([settled, bound])) === 'hung') {
        this.#log.error(
          { bound_ms: boundMs },
          'the store did not answer in time: no watchdog ping (systemd restarts a process hung for WatchdogSec)',
        );
        await settled;
        return;
      }
      if (this.#timer) await this.#notify('WATCHDOG=1');
    } finally {
      clearTimeout(timer);
      this.#checking = false;
    }
  }

  async #notify(state: string): Promise<void> {
    await this.#send(state).catch((err: unknown) =>
      this.#log.warn({ error: (err as Error).message }, 'could not notify systemd'),
    );
  }
}

/** Half of WATCHDOG_USEC when the watchdog is meant for this process (WATCHDOG_PID unset or ours). */
export function watchdogInterval(env: NodeJS.ProcessEnv): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

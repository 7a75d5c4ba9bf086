// doctor's systemd lines: whether centinela.service (written by `centinela install-service`) and
// centinela-monitor.service are installed, enabled at boot and active, as `systemctl is-enabled` and `is-active`
// say. Where systemd does not run (a container, WSL without it) one line says so: the units are not checked.
import { execFile } from 'node:child_process';
import { formatDuration } from '../core/format.ts';
import type { DoctorCheck } from './doctor-monitor.ts';

const TIMEOUT_MS = 5000;
const MAIN = 'centinela.service';
const MONITOR = 'centinela-monitor.service';

export interface SystemdOptions {
  /** The systemctl binary (a test's stub); default: `systemctl` on the PATH. */
  systemctl?: string;
  /** How long one systemctl call may take. */
  timeoutMs?: number;
}

export async function systemdChecks(o: SystemdOptions = {}): Promise<DoctorCheck[]> {
  const systemctl = o.systemctl ?? 'systemctl';
  const run = (args: string[]): Promise<Answer> => ask(systemctl, args, o.timeoutMs ?? TIMEOUT_MS);
  const system = await run(['is-system-running']);
  if (system.missing) return [{ ok: true, text: 'systemd: no systemctl here, the systemd units are not checked' }];
  if (system.timedOut)
    return [
      {
        ok: false,
        optional: true,
        text: `systemd: \`systemctl is-system-running\` did not answer within ${formatDuration(o.timeoutMs ?? TIMEOUT_MS)}`,
        fix: 'systemd is busy or stuck: see `systemctl list-jobs`, and try doctor again',
      },
    ];
  // offline: systemctl is there but systemd is not PID 1 (a container); is-active would only fail.
  const state = system.stdout || 'unknown';
  if (state === 'offline' || state === 'unknown')
    return [{ ok: true, text: `systemd is not running here (${state}): the systemd units are not checked` }];
  const checks = [await unitCheck(run, MAIN, true), await unitCheck(run, MONITOR, false)];
  return checks.filter((c) => c !== null);
}

/** null: the monitor's unit is not installed, which is fine (the monitor runs inside centinela.service). */
async function unitCheck(
  run: (args: string[]) => Promise<Answer>,
  unit: string,
  main: boolean,
): Promise<DoctorCheck | null> {
  const name = unit.replace(/\.service$/, '');
  const enabled = await run(['is-enabled', unit]);
  if (enabled.timedOut)
    return {
      ok: false,
      optional: true,
      text: `${unit}: \`systemctl is-enabled\` did not answer in time`,
      fix: 'systemd is busy or stuck: see `systemctl list-jobs`, and try doctor again',
    };
  // Older systemd prints nothing and "Failed to get unit file state … No such file" for a unit that is not there;
  // newer prints not-found.
  const installed = enabled.stdout !== '' && enabled.stdout !== 'not-found';
  if (!installed) {
    if (!main) return null;
    return {
      ok: false,
      optional: true,
      text: `${unit} is not installed${enabled.stderr ? ` (${enabled.stderr})` : ''}`,
      fix: 'sudo centinela install-service, then systemctl enable --now centinela (not needed under docker compose)',
    };
  }
  const active = (await run(['is-active', unit])).stdout || 'unknown';
  const state = `installed, ${enabled.stdout}, ${active}`;
  if (active === 'failed')
    return {
      ok: false,
      text: `${unit} ${state}`,
      fix: `journalctl -u ${name} -e shows why; systemctl restart ${name} once fixed`,
    };
  // enabled-runtime is lost at reboot; static, linked, masked, disabled do not start at boot at all.
  if (enabled.stdout !== 'enabled')
    return {
      ok: false,
      optional: true,
      text: `${unit} ${state}: it does not start at boot`,
      fix: `systemctl enable --now ${name}`,
    };
  if (active !== 'active' && active !== 'activating' && active !== 'reloading')
    return { ok: false, optional: true, text: `${unit} ${state}`, fix: `systemctl start ${name}` };
  return { ok: true, text: `${unit} ${state}` };
}

interface Answer {
  /** The binary is not there. */
  missing: boolean;
  timedOut: boolean;
  /** The last line printed (the state), trimmed. */
  stdout: string;
  stderr: string;
}

/** systemctl's answer whatever its exit code (is-enabled and is-active say "no" with one), within a time bound. */
function ask(file: string, args: string[], timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, env: { ...process.env, SYSTEMD_PAGER: '', LC_ALL: 'C' } },
      (err, out, errOut) => {
        const code = (err as NodeJS.ErrnoException | null)?.code;
        resolve({
          missing: code === 'ENOENT' || code === 'EACCES',
          timedOut: (err as { killed?: boolean } | null)?.killed === true,
          stdout: String(out).trim().split('\n').at(-1)?.trim() ?? '',
          stderr: String(errOut).trim().split('\n').at(-1)?.trim() ?? '',
        });
      },
    );
  });
}

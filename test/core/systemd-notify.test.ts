// The notifier's rules, with the sending stubbed: nothing without NOTIFY_SOCKET, the watchdog only when it is
// meant for this process, no ping while the store check hangs, and a failing send never throws.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { SystemdNotifier, watchdogInterval } from '../../src/core/systemd-notify.ts';
import { eventually } from '../support/stores.ts';

const log = pino({ level: 'silent' });

function notifier(env: NodeJS.ProcessEnv, check: () => Promise<void>, fail = false) {
  const sent: string[] = [];
  const n = SystemdNotifier.fromEnv({
    env,
    check,
    log,
    send: async (state) => {
      if (fail) throw new Error('no socket');
      sent.push(state);
    },
  });
  return { n, sent };
}

describe('systemd notifier', () => {
  test('does nothing without NOTIFY_SOCKET', () => {
    expect(notifier({ WATCHDOG_USEC: '1000000' }, async () => {}).n).toBeNull();
  });

  test('the watchdog interval is half of WATCHDOG_USEC, and none when WATCHDOG_PID is another process', () => {
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000' })).toBe(15_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid) })).toBe(15_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid + 1) })).toBeNull();
    expect(watchdogInterval({})).toBeNull();
    expect(watchdogInterval({ WATCHDOG_USEC: 'x' })).toBeNull();
  });

  test('READY=1 without a watchdog sends nothing more; STOPPING=1 on stop', async () => {
    const { n, sent } = notifier({ NOTIFY_SOCKET: '/x' }, async () => {});
    await n?.ready();
    await n?.stopping();
    expect(sent).toEqual(['READY=1', 'STOPPING=1']);
  });

  test('pings while the check answers (an error is an answer), none while it hangs, again once it settles', async () => {
    let release: () => void = () => {};
    let hanging = false;
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    const check = (): Promise<void> =>
      mode === 'hang'
        ? new Promise((ok) => {
            hanging = true;
            release = ok;
          })
        : mode === 'fail'
          ? Promise.reject(new Error('connection refused'))
          : Promise.resolve();
    const { n, sent } = notifier({ NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '100000' }, check);
    await n?.ready();
    const pings = (): number => sent.filter((s) => s === 'WATCHDOG=1').length;
    await eventually(() => pings() >= 2, 'pings');
    mode = 'fail';
    const beforeFail = pings();
    await eventually(() => pings() >= beforeFail + 2, 'pings while the store fails fast');
    mode = 'hang';
    await eventually(() => hanging, 'a check to hang');
    const hungAt = Date.now();
    await eventually(() => Date.now() - hungAt > 60, 'a ping in flight to land');
    const before = pings();
    await eventually(() => Date.now() - hungAt > 400, 'eight intervals');
    expect(pings()).toBe(before);
    mode = 'ok';
    release();
    await eventually(() => pings() > before, 'pings once the check answers');
    await n?.stopping();
    const atStop = sent.length;
    await eventually(() => Date.now() - hungAt > 700, 'more intervals');
    expect(sent.length).toBe(atStop);
    expect(sent.at(-1)).toBe('STOPPING=1');
  });

  test('a send that fails is logged, not thrown', async () => {
    const { n } = notifier({ NOTIFY_SOCKET: '/x' }, async () => {}, true);
    await expect(n?.ready()).resolves.toBeUndefined();
  });
});

// The systemd units, written with an install's real paths by `centinela install-service`; config/*.service are
// the same units for an install in /opt/centinela (test/commands/install-service.test.ts keeps them equal).
import { UsageError } from '../usage-error.ts';

export interface UnitSettings {
  /** The checkout: bin/centinela.js, node_modules, the folder relative paths are resolved from. */
  workdir: string;
  /** The Node 22 that runs the service (node_modules/node/bin/node when npm installed it). */
  node: string;
  user: string;
  group: string;
  /** The config file the service reads, or null for defaults and the environment. */
  configFile: string | null;
  /** What the service writes: paths.data, paths.logs, paths.media (and the inbox folder). */
  writable: string[];
  /**
   * What the service may write besides, when it exists (install-service does not create these): the monitor's
   * repairs (monitor.allowed_roots), the local Bot API server's files it deletes (telegram.delete_after_copy).
   */
  alsoWritable: string[];
  shutdownSeconds: number;
  /** The main service's /healthz, which the monitor alone watches. */
  healthzUrl: string;
  /** The monitor runs in centinela-monitor.service, so the main unit runs every module but it. */
  monitorApart: boolean;
}

/** Every module but the monitor: what the main unit runs when the monitor has its own. */
export const MAIN_WITHOUT_MONITOR = 'http,maintenance,bot,invoices,content';
/** What the stop needs beyond shutdown.timeout_seconds: modules stopped, leases released, the store closed. */
const STOP_MARGIN_SECONDS = 15;
/** WatchdogSec: pings every 30 s; a store query that hangs for 30 s is a hung process. */
export const WATCHDOG_SECONDS = 60;

/** Characters a unit file would read as something else (specifiers, variables, quoting, word splits). */
const UNSAFE_PATH = /[\s"'\\%$;]/;

export function renderUnits(s: UnitSettings): Record<'centinela.service' | 'centinela-monitor.service', string> {
  for (const path of [s.workdir, s.node, s.configFile ?? '', ...s.writable, ...s.alsoWritable]) {
    if (UNSAFE_PATH.test(path))
      throw new UsageError(
        `${path}: a systemd unit cannot name this path as it is (spaces, quotes, % or $); move it to a plain path such as /opt/centinela`,
      );
  }
  const config = s.configFile ? ` --config ${s.configFile}` : '';
  const main = s.monitorApart ? ` --only ${MAIN_WITHOUT_MONITOR}` : '';
  return {
    'centinela.service': unit(s, {
      description: 'Centinela operations agent',
      exec: `${s.node} --v8-pool-size=1 ${s.workdir}/bin/centinela.js start${config}${main}`,
      writable: s.writable,
      extra: [],
    }),
    'centinela-monitor.service': unit(s, {
      description: 'Centinela monitor (alone: watches the main service from outside)',
      exec: `${s.node} --v8-pool-size=1 ${s.workdir}/bin/centinela.js start${config} --only monitor`,
      writable: s.writable,
      extra: [
        '# Alone, the monitor also watches the main service from outside: its /healthz.',
        `Environment=CENTINELA_MONITOR_WATCH_URL=${s.healthzUrl}`,
        '# Repairs that change owners (fix_owner) need root: `systemctl edit centinela-monitor` and set User=root.',
      ],
    }),
  };
}

function unit(s: UnitSettings, u: { description: string; exec: string; writable: string[]; extra: string[] }): string {
  // ProtectHome=yes hides /home, /root and /run/user entirely; an install there keeps them read-only instead,
  // so that ReadWritePaths can open its own folders in them.
  const inHome = [s.workdir, ...u.writable, ...s.alsoWritable].some((p) => /^\/(home|root|run\/user)(\/|$)/.test(p));
  return `# Written by \`centinela install-service\`; run it again after moving the checkout or changing paths.
[Unit]
Description=${u.description}
Documentation=file://${s.workdir}/README.md
After=network-online.target
Wants=network-online.target
# A crash loop stops after 5 starts in 15 minutes (\`systemctl reset-failed\` lets it try again); a start that
# waits for its database counts once per TimeoutStartSec, so an outage at boot does not use the limit up.
StartLimitIntervalSec=15min
StartLimitBurst=5

[Service]
# READY=1 once start-up is complete; WATCHDOG=1 while the event loop and the store answer. The notifications are
# sent by the systemd-notify binary on the service's behalf (Node has no Unix datagram sockets): NotifyAccess=all.
Type=notify
NotifyAccess=all
WatchdogSec=${WATCHDOG_SECONDS}
User=${s.user}
Group=${s.group}
WorkingDirectory=${s.workdir}
# Secrets (TELEGRAM_BOT_TOKEN, OPENAI_API_KEY, DATABASE_URL, ...), one NAME=value a line, mode 0600.
EnvironmentFile=-/etc/centinela/env
# The Node 22 that npm installed into node_modules; the same flags and arena limit as bin/centinela.js.
Environment=PATH=${s.workdir}/node_modules/.bin:/usr/local/bin:/usr/bin:/bin
Environment=MALLOC_ARENA_MAX=2
${[...u.extra, `ExecStart=${u.exec}`].join('\n')}
# Nothing the service writes is for other users: the store holds every invoice. Centinela itself makes its files
# 0600 and folders 0700 (paths.group_readable: 0640/0750); this covers anything else the unit starts.
UMask=0027
# The start waits for a database that does not answer yet (with backoff) before it is ready.
TimeoutStartSec=5min
# SIGTERM lets running jobs finish for shutdown.timeout_seconds (${s.shutdownSeconds}), then releases the rest.
TimeoutStopSec=${s.shutdownSeconds + STOP_MARGIN_SECONDS}
# SIGTERM to the service alone: it lets its ffmpeg and ffprobe children finish their job before it exits.
KillMode=mixed
Restart=on-failure
RestartSec=5
# Exit code 78 is a bad configuration, 75 another poller of this bot token (409 Conflict): restarting fixes neither.
RestartPreventExitStatus=78 75
# A stop asked for during start-up (143, 130) or a second signal (130) ends the service as asked: not a failure.
SuccessExitStatus=130 143
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${[...u.writable, ...s.alsoWritable.filter((p) => !u.writable.includes(p)).map((p) => `-${p}`)].join(' ')}
PrivateTmp=yes
ProtectHome=${inHome ? 'read-only' : 'yes'}
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes

[Install]
WantedBy=multi-user.target
`;
}

/** config/centinela.service and config/centinela-monitor.service: the units for a checkout in /opt/centinela. */
export const SHIPPED_UNIT_SETTINGS: UnitSettings = {
  workdir: '/opt/centinela',
  node: '/opt/centinela/node_modules/node/bin/node',
  user: 'centinela',
  group: 'centinela',
  configFile: null,
  writable: ['/opt/centinela/data', '/opt/centinela/logs', '/opt/centinela/media'],
  alsoWritable: [],
  shutdownSeconds: 30,
  healthzUrl: 'http://127.0.0.1:8787/healthz',
  monitorApart: false,
};

/** The shipped units, with a first line that says how to get them with an install's own paths. */
export function shippedUnits(): Record<string, string> {
  const header =
    '# For a checkout in /opt/centinela. `sudo npx centinela install-service` writes it with your paths, and creates the user and folders.';
  return Object.fromEntries(
    Object.entries(renderUnits(SHIPPED_UNIT_SETTINGS)).map(([name, text]) => [
      name,
      text.replace(/^.*\n/, `${header}\n`),
    ]),
  );
}

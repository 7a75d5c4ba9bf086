// The `centinela` command: start, status, doctor, jobs. Exit codes: 0 ok, 1 failure, 2 usage, 3 service down
// (status), 78 bad configuration.
import { parseArgs } from 'node:util';
// Only what --help needs is imported here: each command loads its own modules when it runs.
import { CONFIG_EXIT_CODE, ConfigError } from './core/config-error.ts';
import { UsageError } from './usage-error.ts';
import { VERSION } from './version.ts';

const HELP = `centinela ${VERSION} — self-hosted operations agent

usage: centinela <command> [options]

commands:
  start [--only MODULE...]     run the service (modules: http, maintenance, bot, invoices, monitor, content, worker)
  status [--json]              ask the running service; if none runs, read the store
  doctor                       check config, folders, disk, store, tools; each line says the fix
  jobs list [--queue Q] [--state S] [--limit N] [--json]
  jobs retry [ID...] [--queue Q] [--state failed,dead,cancelled]
  jobs cancel ID...
  extract FILE... [--json]     read invoices from files without storing them (XML, PDF, CSV; photos with OPENAI_API_KEY)
  invoices review              invoices waiting for a person
  invoices approve ID [--field FIELD=VALUE...] [--by NAME]   approve one in review, correcting fields
  invoices reject ID [--reason TEXT] [--by NAME]             reject one in review
  invoices export [--format csv|json] [--since YYYY-MM-DD]
  retry [--invoices] [FILE_ID...]   run failed and quarantined items again (downloads and invoices)
  rules test [--rules FILE] [--log FILE [--source docker:NAME]]   check every rule's samples; show what a log would trigger
  incidents [--open] [--type T] [--json]   what the monitor found, with counts by type
  maintenance [TARGET DURATION [REASON] | TARGET off]   pause repairs and alerts of a container or probe
  install-service [--user NAME] [--monitor-apart] [--unit-dir DIR] [--dry-run]   systemd units, user and folders
  sync [--dry-run] [--folder-id ID] [--mode changes|modified_time] [--batch-size N] [--max-pages N]
       [--sleep-between-batch S] [--advance-strategy MAX_OK_TIME|CURRENT_TIME] [--output-json FILE]
       [--reset-state] [--json]   take new invoices from the Google Drive folders (exit 0 ok, 2 some failed, 1 critical)
  backup [--to DIR]            copy the store now (SQLite online, PostgreSQL by pg_dump) with a manifest of checksums
  restore PATH [--dry-run] [--force]   check a backup and put it in place of the store (the service stopped)
  logs [--follow] [--level L] [--component C] [--since T] [--json]   read the service's log, rotated files included

options:
  --config FILE                config file (default config/centinela.yaml, or CENTINELA_CONFIG)
  -h, --help, --version
`;

const COMMANDS: Record<string, (args: string[], configFile: string | undefined) => Promise<number>> = {
  start: async (args, config) => (await import('./commands/start.ts')).start(args, config),
  status: async (args, config) => (await import('./commands/status.ts')).status(args, config),
  doctor: async (args, config) => (await import('./commands/doctor.ts')).doctor(args, config),
  jobs: async (args, config) => (await import('./commands/jobs.ts')).jobs(args, config),
  extract: async (args) => (await import('./commands/extract.ts')).extract(args),
  invoices: async (args, config) => (await import('./commands/invoices.ts')).invoices(args, config),
  retry: async (args, config) => (await import('./commands/retry.ts')).retry(args, config),
  rules: async (args, config) => (await import('./commands/rules.ts')).rules(args, config),
  incidents: async (args, config) => (await import('./commands/incidents.ts')).incidents(args, config),
  maintenance: async (args, config) => (await import('./commands/maintenance.ts')).maintenance(args, config),
  'install-service': async (args, config) =>
    (await import('./commands/install-service.ts')).installService(args, config),
  sync: async (args, config) => (await import('./commands/sync.ts')).sync(args, config),
  backup: async (args, config) => (await import('./commands/backup.ts')).backup(args, config),
  restore: async (args, config) => (await import('./commands/backup.ts')).restore(args, config),
  logs: async (args, config) => (await import('./commands/logs.ts')).logs(args, config),
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } },
    allowPositionals: true,
    strict: false,
  });
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command] = positionals;
  if (!command || values.help) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}"; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  const rest = argv.filter((a) => a !== command);
  return run(rest, typeof values.config === 'string' ? values.config : undefined);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bad rules file is configuration too (RulesError, matched by name so the CLI does not load the monitor).
    if (err instanceof ConfigError || (err as Error).name === 'RulesError') {
      process.stderr.write(`centinela: ${(err as Error).message}\n`);
      process.exit(CONFIG_EXIT_CODE);
    }
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`centinela: ${(err as Error).message}\nrun \`centinela --help\` for usage\n`);
      process.exit(2);
    }
    process.stderr.write(`centinela: ${(err as Error).message ?? String(err)}\n`);
    process.exit(1);
  },
);

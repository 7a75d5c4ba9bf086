// `centinela backup [--to DIR]` and `centinela restore PATH [--dry-run] [--force]`.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { usePrivateModes } from '../core/file-modes.ts';
import { formatBytes } from '../core/format.ts';
import { openStore } from '../core/store/index.ts';
import { RestoreRefused, backupDir, restoreBackup, runBackup } from '../backup/index.ts';
import { MIGRATIONS, storeOptions } from '../store-setup.ts';
import { UsageError } from '../usage-error.ts';
import { VERSION } from '../version.ts';

export async function backup(args: string[], configFile: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { to: { type: 'string' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length > 0)
    throw new UsageError(`backup takes no arguments (got ${positionals.join(' ')}); use --to DIR`);
  const { config, secrets } = loadConfig({ file: configFile });
  usePrivateModes(config.paths.group_readable);
  const file = join(config.paths.data, 'centinela.db');
  if (!secrets.DATABASE_URL && !existsSync(file)) {
    process.stderr.write(
      `centinela: backup failed: there is no store at ${file} yet (paths.data): nothing to back up\n`,
    );
    return 1;
  }
  // Not migrated: a backup copies the store as it is, even one this version would refuse to run on.
  const store = openStore({ ...storeOptions(config, secrets), poolSize: 1 });
  try {
    const r = await runBackup({
      store,
      databaseUrl: secrets.DATABASE_URL,
      dir: values.to ? resolve(values.to) : backupDir(config),
      keep: config.backup.keep,
      version: VERSION,
      pgBin: config.backup.pg_bin,
    });
    const size = r.manifest.files.reduce((n, f) => n + f.size, 0);
    out(
      `backup written: ${r.path} (${store.kind}, ${formatBytes(size)}, schema ${r.manifest.schema.version ?? '(empty)'})`,
    );
    for (const d of r.deleted) out(`deleted the old backup ${d} (backup.keep ${config.backup.keep})`);
    return 0;
  } catch (err) {
    process.stderr.write(`centinela: backup failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

export async function restore(args: string[], configFile: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  const [path, ...extra] = positionals;
  if (!path || extra.length > 0)
    throw new UsageError('restore takes one backup: centinela restore PATH [--dry-run] [--force]');
  const { config, secrets } = loadConfig({ file: configFile });
  usePrivateModes(config.paths.group_readable);
  try {
    const lines = await restoreBackup({
      path: resolve(path),
      dataDir: config.paths.data,
      databaseUrl: secrets.DATABASE_URL,
      knownMigrations: MIGRATIONS.map((m) => m.name),
      pgBin: config.backup.pg_bin,
      dryRun: values['dry-run'] === true,
      force: values.force === true,
    });
    for (const line of lines) out(line);
    return 0;
  } catch (err) {
    const refused = err instanceof RestoreRefused;
    process.stderr.write(`centinela: ${refused ? 'restore refused' : 'restore failed'}: ${(err as Error).message}\n`);
    return 1;
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

// `centinela maintenance [TARGET DURATION [REASON...] | TARGET off]`: pauses the monitor's repairs and alerts for a
// container or probe while it is stopped on purpose; without arguments, lists the active windows. Read and written
// in the store, so the running service (or several) honour it at their next check.
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/config.ts';
import { UsageError } from '../main.ts';
import { Maintenance, maintenanceTargets } from '../monitor/index.ts';
import { openContext } from './context.ts';
import { formatTime } from '../core/format.ts';

const USAGE = 'centinela maintenance [TARGET DURATION [REASON...]] | maintenance TARGET off';

export async function maintenance(args: string[], configFile: string | undefined): Promise<number> {
  const { positionals } = parseArgs({ args, options: { config: { type: 'string' } }, allowPositionals: true });
  const [target, duration, ...reason] = positionals;
  if (target !== undefined && duration === undefined)
    throw new UsageError(`maintenance: say for how long (30m, 2h, 1d) or off: ${USAGE}`);
  const durationMs = duration === undefined || duration === 'off' ? null : parseDuration(duration);
  if (duration !== undefined && duration !== 'off' && durationMs === null)
    throw new UsageError(`maintenance: "${duration}" is not a duration (30m, 2h, 1d) nor off: ${USAGE}`);
  const ctx = await openContext(configFile);
  try {
    const windows = new Maintenance(ctx.store);
    if (target !== undefined && duration === 'off') {
      const ended = await windows.end(target);
      out(
        ended
          ? `maintenance of ${target} ended: repairs and alerts resume at the next check`
          : `${target} was not in maintenance`,
      );
      return 0;
    }
    if (target !== undefined && durationMs !== null) {
      const w = await windows.start(
        { target, durationMs, reason: reason.join(' '), by: process.env.USER ?? 'cli' },
        maintenanceTargets(ctx.config.monitor),
      );
      out(
        `maintenance of ${w.target} until ${formatTime(w.until)}: no repairs and no alerts about it until then (\`centinela maintenance ${w.target} off\` ends it)`,
      );
      return 0;
    }
    const active = await windows.active();
    if (active.length === 0) out('no maintenance windows');
    for (const w of active)
      out(`${w.target} until ${formatTime(w.until)}, by ${w.by}${w.reason ? `: ${w.reason}` : ''}`);
    return 0;
  } catch (err) {
    if ((err as Error).message.startsWith('maintenance:')) {
      process.stderr.write(`centinela: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await ctx.close();
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

// The monitor's repair actions as the repair tests build them: the deps they all set the same way live here, so
// each test file gives only what its tests are about (roots, breaker, clock, recorded sleeps).
import { Repairs } from '../../src/monitor/actions/index.ts';
import type { RepairDeps } from '../../src/monitor/actions/index.ts';
import { quietLog } from './stores.ts';

type Given = Pick<RepairDeps, 'store' | 'queue' | 'allowedRoots' | 'dataDir' | 'breaker'> & Partial<RepairDeps>;

/** Repairs with a quiet log, no owner, no Docker, no Bot API and not a dry run, unless `deps` says otherwise. */
export async function testRepairs(deps: Given): Promise<Repairs> {
  return new Repairs({
    log: await quietLog(),
    owner: '',
    docker: null,
    botApi: { apiRoot: '', token: null },
    dryRun: false,
    ...deps,
  });
}

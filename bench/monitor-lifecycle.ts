// The monitor benchmark's incident and rule figures, in process with real SQLite and the shipped rules:
// - storm: 1,000 identical refused-repair lines in 10 s, then 10 a second for a minute, through the real engine,
//   incident store, repairs and alerts (read back from the outbox) on a simulated clock: messages a minute and
//   incidents made;
// - recall and false positives over the shipped rules' recorded real samples: every must-match sample, and every
//   must-not-match sample whose record is at INFO/DEBUG (errors quoted by handled or user text).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Queue } from '../src/core/queue/index.ts';
import { migrateToLatest, openStore } from '../src/core/store/index.ts';
import { MIGRATIONS } from '../src/main.ts';
import { Repairs } from '../src/monitor/actions/index.ts';
import { Alerts } from '../src/monitor/alerts/index.ts';
import { MonitorEngine } from '../src/monitor/engine.ts';
import { Incidents } from '../src/monitor/incidents/index.ts';
import { SHIPPED_RULES, loadRules, toRecord } from '../src/monitor/rules/index.ts';
import { recordLevel } from '../src/monitor/record-level.ts';
import { parse } from 'yaml';

export async function stormFigures(
  dir: string,
): Promise<{ messagesPerMin: number; incidents: number; minutes: number }> {
  mkdirSync(dir, { recursive: true });
  const store = openStore({ dataDir: dir, sqliteSynchronous: 'normal', busyTimeoutMs: 5000, poolSize: 1 });
  await migrateToLatest(store.db as never, store.kind, MIGRATIONS);
  const quiet = pino({ level: 'silent' });
  let now = Date.parse('2026-01-05T14:00:00Z');
  const t0 = now;
  const queue = new Queue({
    store,
    log: quiet,
    pollMs: 50,
    leaseMs: 30_000,
    maxAttempts: 3,
    backoff: { baseMs: 10, capMs: 40 },
  });
  try {
    const incidents = new Incidents(store, { journal: null, now: () => now });
    const alerts = new Alerts({
      store,
      log: quiet,
      chats: [1],
      groupWaitMs: 10_000,
      repeatMs: { critical: 3_600_000, warning: 14_400_000 },
      now: () => now,
      lang: 'en',
    });
    const repairs = new Repairs({
      store,
      queue,
      log: quiet,
      allowedRoots: [join(dir, 'media')],
      owner: '',
      dataDir: join(dir, 'data'),
      docker: null,
      botApi: { apiRoot: '', token: null },
      dryRun: false,
      breaker: { maxRepairs: 5, windowMs: 900_000, healthyForMs: 1_800_000 },
      now: () => now,
    });
    const engine = new MonitorEngine({
      incidents,
      alerts,
      repairs,
      rules: loadRules(SHIPPED_RULES),
      log: quiet,
      now: () => now,
    });
    const line = "2026-01-05 14:00:00 ERROR Error: ENOENT: no such file or directory, mkdir '/etc/centinela-storm'";
    const tick = async (lines: number): Promise<void> => {
      await engine.onRecords(Array.from({ length: lines }, () => toRecord(line, '/var/log/app.log')));
      await engine.settle();
      await alerts.flush();
      now += 1000;
    };
    for (let s = 0; s < 10; s++) await tick(100);
    for (let s = 0; s < 60; s++) await tick(10);
    const sent = await store.db
      .selectFrom('outbox' as never)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const made = await incidents.list({ limit: 10_000 });
    const minutes = (now - t0) / 60_000;
    return { messagesPerMin: Number((sent as { n: number }).n) / minutes, incidents: made.length, minutes };
  } finally {
    await queue.stop(1000);
    await store.close();
  }
}

interface Sample {
  line: string;
  source?: string;
}

export function sampleFigures(): { recall: number; falsePositiveRate: number; real: number; quoted: number } {
  const rules = loadRules(SHIPPED_RULES);
  const file = parse(readFileSync(SHIPPED_RULES, 'utf8')) as {
    rules: Array<{ samples: { match: Sample[]; no_match: Array<string | Sample> } }>;
  };
  let real = 0;
  let caught = 0;
  let quoted = 0;
  let falsePositives = 0;
  for (const rule of file.rules) {
    for (const s of rule.samples.match) {
      real++;
      if (rules.match(toRecord(s.line, s.source ?? 'sample'))) caught++;
    }
    for (const n of rule.samples.no_match) {
      const s = typeof n === 'string' ? { line: n } : n;
      const record = toRecord(s.line, s.source ?? 'sample');
      const level = recordLevel(record.text, record.json);
      if (level === undefined || level > 2) continue; // only INFO, DEBUG and TRACE records quoting errors
      quoted++;
      if (rules.match(record)) falsePositives++;
    }
  }
  return { recall: caught / real, falsePositiveRate: quoted ? falsePositives / quoted : 0, real, quoted };
}

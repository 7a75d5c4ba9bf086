// Container logs joined into records like files (issue 12.6): a Python traceback or a Node stack from a container is
// one record that a shipped rule matches; a container's own multiline_start wins; a held record survives a restart
// of the watch; `centinela rules test --log FILE --source docker:NAME` tests rules limited to a container.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerWatch } from '../../../src/monitor/docker/index.ts';
import type { WatchedContainer } from '../../../src/monitor/docker/index.ts';
import { SHIPPED_RULES, loadRules } from '../../../src/monitor/rules/index.ts';
import type { LogRecord } from '../../../src/monitor/types.ts';
import { startFakeDocker } from '../../fakes/docker/index.ts';
import type { FakeDocker } from '../../fakes/docker/index.ts';
import { runCli, tempDir } from '../../support/service.ts';
import { createTestStore, eventually } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const PYTHON_START = '^(?!\\s|[\\w.]*(?:Error|Exception|Exit|Interrupt)\\b)';
const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/app/load.py", line 41, in <module>',
  '    load(batch)',
  'psycopg.OperationalError: connection to server at "db" failed',
].join('\n');
const NODE_STACK = [
  "TypeError: Cannot read properties of undefined (reading 'id')",
  '    at embed (/app/vectorize.js:22:31)',
  '    at main (/app/vectorize.js:40:3)',
].join('\n');

describe('container logs as records', () => {
  let fake: FakeDocker;
  let t: TestStore;
  const watches: DockerWatch[] = [];
  const records: LogRecord[] = [];

  beforeEach(async () => {
    fake = await startFakeDocker();
    t = await createTestStore('sqlite');
    records.length = 0;
  });
  afterEach(async () => {
    await Promise.all(watches.splice(0).map((w) => w.stop()));
    await fake.close();
    await t.cleanup();
  });

  const watch = (containers: WatchedContainer[]): DockerWatch => {
    const w = new DockerWatch({
      socket: fake.socketPath,
      containers,
      store: t.store,
      log: pino({ level: 'silent' }),
      intervalMs: 30_000,
      retry: { baseMs: 20, capMs: 100 },
      multilineStart: /^\S/,
      maxLineBytes: 65_536,
      onResults: async () => {},
      onRecords: async (r) => void records.push(...r),
    });
    watches.push(w);
    return w;
  };

  it('joins a traceback and a stack into one record each, which the shipped rules match', async () => {
    fake.add({ name: 'loader' });
    fake.add({ name: 'vectorizer' });
    await watch([
      { name: 'loader', logs: true, restart: false, multiline_start: PYTHON_START },
      { name: 'vectorizer', logs: true, restart: false },
    ]).start();
    await eventually(() => fake.openStreams('logs') === 2, 'log streams open');
    fake.log('loader', 'INFO loading batch 7');
    fake.log('loader', TRACEBACK, 'stderr');
    fake.log('vectorizer', NODE_STACK, 'stderr');
    fake.log('vectorizer', 'vectorized 10 rows');
    await eventually(() => records.length === 4, 'four records');
    const bySource = (s: string): string[] => records.filter((r) => r.source === s).map((r) => r.text);
    expect(bySource('docker:loader')).toEqual(['INFO loading batch 7', TRACEBACK]);
    expect(bySource('docker:vectorizer')).toEqual([NODE_STACK, 'vectorized 10 rows']);

    const rules = loadRules(SHIPPED_RULES);
    const found = records.map((r) => rules.match(r)).filter((f) => f !== null);
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'python_traceback',
        errorType: 'python_exception',
        target: 'loader',
        fields: expect.objectContaining({ exception: 'psycopg.OperationalError: connection to server at "db" failed' }),
      }),
      expect.objectContaining({
        rule: 'node_exception',
        target: 'vectorizer',
        fields: expect.objectContaining({ exception: "TypeError: Cannot read properties of undefined (reading 'id')" }),
      }),
    ]);
  });

  it('a record still held when the watch stops is read again at the next start, not lost', async () => {
    fake.add({ name: 'app' });
    const first = watch([{ name: 'app', logs: true, restart: false }]);
    await first.start();
    await eventually(() => fake.openStreams('logs') === 1, 'log stream open');
    fake.log('app', 'first record');
    fake.log('app', 'Error: boom\n    at f (/app/a.js:1:1)');
    await eventually(() => records.length === 2, 'both records, the second after the idle time');
    await first.stop();
    fake.log('app', 'written while down\n    with its continuation');
    records.length = 0;
    await watch([{ name: 'app', logs: true, restart: false }]).start();
    await eventually(() => records.length === 1, 'the record written while down');
    expect(records.map((r) => r.text)).toEqual(['written while down\n    with its continuation']);
  });
});

describe('centinela rules test --source docker:NAME', () => {
  it("tests a log as a container's: its rules apply and its multiline_start joins the lines", async () => {
    const cwd = tempDir('centinela-rules-source-');
    const log = join(cwd, 'loader.log');
    // The first line is a print() without a level: after a line with one (INFO …) the tailer, reading one stream,
    // would take the Traceback, which has none, for its continuation (the follower keeps stdout and stderr apart).
    writeFileSync(log, `loading batch 7\n${TRACEBACK}\nINFO retrying\n`);
    const env = {
      CENTINELA_MONITOR_CONTAINERS: JSON.stringify([{ name: 'loader', logs: true, multiline_start: PYTHON_START }]),
    };
    const asContainer = await runCli(['rules', 'test', '--log', log, '--source', 'docker:loader'], { cwd, env });
    expect(asContainer.code).toBe(0);
    expect(asContainer.stdout).toContain(`log: ${log} as docker:loader: 3 records, 1 would trigger a rule`);
    expect(asContainer.stdout).toMatch(
      /python_traceback: 1\n\s+line 2: Traceback \(most recent call last\):\n\s+→ no action; target loader, warning, notify always/,
    );
    const asFile = await runCli(['rules', 'test', '--log', log], { cwd, env });
    expect(asFile.stdout).toContain(`log: ${log}: 4 records, 0 would trigger a rule`);
    const bad = await runCli(['rules', 'test', '--log', log, '--source', 'loader'], { cwd, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--source loader: say docker:<container>');
  }, 60_000);
});

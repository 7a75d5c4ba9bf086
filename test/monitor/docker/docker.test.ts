// The monitor's Docker side against the fake Docker Engine API: openDocker, the event stream (problems at once),
// the periodic check (what the stream missed, crash loops), container logs with a stored since-checkpoint, and the
// socket going away. Log checkpoints run on SQLite and PostgreSQL.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerWatch, openDocker } from '../../../src/monitor/docker/index.ts';
import type { DockerTables, WatchedContainer } from '../../../src/monitor/docker/index.ts';
import { LogDecoder } from '../../../src/monitor/docker/frames.ts';
import { parseStamp, sinceParam } from '../../../src/monitor/docker/timestamps.ts';
import type { CheckResult, Finding, LogRecord } from '../../../src/monitor/types.ts';
import { withTables } from '../../../src/core/store/index.ts';
import { startFakeDocker } from '../../fakes/docker/index.ts';
import type { FakeDocker } from '../../fakes/docker/index.ts';
import { STORE_KINDS, createTestStore, eventually } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

/** A logger whose lines the test can read (to prove an outage is not a log storm). */
function captureLog(): { log: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

const findings = (results: CheckResult[]): Finding[] => results.flatMap((r) => (r.ok ? [] : [r.finding]));
const oks = (results: CheckResult[]): string[] => results.flatMap((r) => (r.ok ? [`${r.rule}|${r.target}`] : []));

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('Docker log stream decoding', () => {
  it('reassembles frames cut anywhere, keeps stdout and stderr apart, and reads the nanosecond stamps', () => {
    const d = new LogDecoder(false);
    const wire = Buffer.concat([
      frame(1, '2025-03-01T10:00:00.123456789Z {"level":"error","msg":"boom"}\n'),
      frame(2, '2025-03-01T10:00:01Z stack line\n'),
      frame(1, '2025-03-01T10:00:02.5Z no newline yet'),
    ]);
    const lines = [];
    // Every cut: inside a header, inside a payload, between frames.
    for (let at = 0; at < wire.length; at += 5) lines.push(...d.push(wire.subarray(at, Math.min(wire.length, at + 5))));
    lines.push(...d.end());
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', '{"level":"error","msg":"boom"}'],
      ['stderr', 'stack line'],
      ['stdout', 'no newline yet'],
    ]);
    expect(lines[0]?.ns).toBe(BigInt(Date.parse('2025-03-01T10:00:00Z')) * 1_000_000n + 123_456_789n);
    expect(lines[2]?.ns).toBe(BigInt(Date.parse('2025-03-01T10:00:02Z')) * 1_000_000n + 500_000_000n);
  });

  it('reads a TTY stream raw, without cutting a UTF-8 character split between chunks', () => {
    const d = new LogDecoder(true);
    const bytes = Buffer.from('2025-03-01T10:00:00Z señal ✓\r\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside "ñ"
    const lines = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    expect(lines).toEqual([
      { stream: 'stdout', ns: BigInt(Date.parse('2025-03-01T10:00:00Z')) * 1_000_000n, text: 'señal ✓' },
    ]);
  });

  it('writes since as seconds.nanoseconds and reads it back', () => {
    const ns = parseStamp('2025-03-01T10:00:00.000000042Z') as bigint;
    expect(sinceParam(ns)).toBe(`${Date.parse('2025-03-01T10:00:00Z') / 1000}.000000042`);
    expect(parseStamp('not a time')).toBeNull();
  });
});

describe('Docker watch against the fake Engine API', () => {
  let fake: FakeDocker;
  let t: TestStore;
  const watches: DockerWatch[] = [];
  let results: CheckResult[];
  let records: LogRecord[];

  beforeEach(async () => {
    fake = await startFakeDocker();
    t = await createTestStore('sqlite');
    results = [];
    records = [];
  });
  afterEach(async () => {
    await Promise.all(watches.splice(0).map((w) => w.stop()));
    await fake.close();
    await t.cleanup();
  });

  function watch(
    containers: WatchedContainer[],
    log: Logger = captureLog().log,
    socket = fake.socketPath,
  ): DockerWatch {
    const w = new DockerWatch({
      socket,
      containers,
      store: t.store,
      log,
      intervalMs: 30_000,
      retry: { baseMs: 20, capMs: 200 },
      onResults: async (r) => void results.push(...r),
      onRecords: async (r) => void records.push(...r),
    });
    watches.push(w);
    return w;
  }

  it('openDocker inspects (running, health, restart count, missing) and restarts', async () => {
    fake.add({ name: 'web', healthcheck: true, health: 'healthy' });
    const docker = await openDocker(fake.socketPath);
    await docker.ping();
    expect(await docker.inspect('web')).toEqual({ name: 'web', status: 'running', health: 'healthy', restartCount: 0 });
    expect(await docker.inspect('ghost')).toEqual({ name: 'ghost', status: 'missing', health: null, restartCount: 0 });
    fake.exit('web', 1);
    expect((await docker.describe('web')).exitCode).toBe(1);
    await docker.restart('web');
    expect(fake.restarts).toEqual(['web']);
    expect((await docker.inspect('web')).status).toBe('running');
    await expect(docker.restart('ghost')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('a container that exits is an incident at once, from the event stream, with its restart attached', async () => {
    fake.add({ name: 'api', restartPolicy: 'no' });
    fake.add({ name: 'db' });
    const w = watch([
      { name: 'api', logs: false, restart: true },
      { name: 'db', logs: false, restart: false },
    ]);
    await w.start();
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    fake.exit('api', 3);
    fake.exit('db', 1);
    await eventually(() => findings(results).length === 2, 'both dies seen');
    const [api, db] = findings(results);
    expect(api).toMatchObject({
      rule: 'docker',
      errorType: 'container_down',
      severity: 'critical',
      target: 'api',
      fields: { container: 'api', exit_code: '3', event: 'die' },
      action: { type: 'restart_container', params: { container: 'api' }, attempts: 1, backoffMs: [] },
      notify: 'on_failure',
    });
    expect(api?.message).toContain('exited with code 3');
    expect(db).toMatchObject({ target: 'db', action: null, notify: 'always' });
    // No check ran: the stream alone saw it. The check agrees.
    const checked = await w.check.run();
    expect(findings(checked).map((f) => [f.target, f.fields.status])).toEqual([
      ['api', 'exited'],
      ['db', 'exited'],
    ]);
    expect(oks(checked)).toEqual([`docker_unreachable|${fake.socketPath}`]);
  });

  it('a deliberate stop (kill before die) is not reported at once; the periodic check still catches the stopped container', async () => {
    fake.add({ name: 'web' });
    const w = watch([{ name: 'web', logs: false, restart: false }]);
    await w.start();
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    fake.stop('web');
    fake.start('web');
    fake.exit('web', 9);
    // The stream is ordered: once the crash is seen, the stop's die before it was seen (and passed over).
    await eventually(() => findings(results).length >= 1, 'the crash after the restart');
    expect(findings(results).map((f) => f.fields.exit_code)).toEqual(['9']);
    const checked = findings(await w.check.run());
    expect(checked).toHaveLength(1);
    expect(checked[0]?.message).toMatch(/is exited \(exit code 9\), not running/);
  });

  it('unhealthy: seen on the stream at once, reported by the check, resolved when healthy again', async () => {
    fake.add({ name: 'web', healthcheck: true, health: 'healthy' });
    const w = watch([{ name: 'web', logs: false, restart: true }]);
    await w.start();
    expect(oks(await w.check.run())).toContain('docker|web');
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    fake.setHealth('web', 'unhealthy');
    await eventually(() => findings(results).length === 1, 'health_status seen');
    expect(findings(results)[0]).toMatchObject({
      errorType: 'container_unhealthy',
      target: 'web',
      action: { type: 'restart_container' },
    });
    expect(findings(await w.check.run())[0]).toMatchObject({
      errorType: 'container_unhealthy',
      fields: { health: 'unhealthy' },
    });
    fake.setHealth('web', 'healthy');
    expect(oks(await w.check.run())).toContain('docker|web');
  });

  it('a crash loop: every die on the stream, then the check sees the restart count grow, then settles', async () => {
    fake.add({ name: 'loop', restartPolicy: 'always' });
    const w = watch([{ name: 'loop', logs: false, restart: false }]);
    await w.start();
    expect(oks(await w.check.run())).toContain('docker|loop'); // baseline restart count
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    fake.crashLoop('loop', 3, 'running');
    await eventually(() => findings(results).length === 3, 'three dies');
    const checked = findings(await w.check.run());
    expect(checked).toHaveLength(1);
    expect(checked[0]?.message).toContain('restarted 3 time(s) by Docker since the last check');
    expect(oks(await w.check.run())).toContain('docker|loop');
    fake.crashLoop('loop', 1); // ends 'restarting'
    expect(findings(await w.check.run())[0]?.message).toContain('is restarting');
  });

  it('an OOM kill is one finding (its die adds nothing); a missing container gets no restart', async () => {
    fake.add({ name: 'big' });
    fake.add({ name: 'marker' });
    const w = watch([
      { name: 'big', logs: false, restart: true },
      { name: 'gone', logs: false, restart: true },
      { name: 'marker', logs: false, restart: false },
    ]);
    await w.start();
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    fake.oom('big');
    fake.exit('marker'); // the stream is ordered: once this is seen, big's die was seen too
    await eventually(() => findings(results).some((f) => f.target === 'marker'), 'the marker seen');
    expect(findings(results).map((f) => [f.target, f.message])).toEqual([
      ['big', expect.stringContaining('lack of memory (OOM)')],
      ['marker', expect.stringContaining('exited with code 1')],
    ]);
    const checked = findings(await w.check.run());
    expect(checked.map((f) => [f.target, f.action?.type ?? null])).toEqual([
      ['big', 'restart_container'],
      ['gone', null],
      ['marker', null],
    ]);
    expect(checked[0]?.message).toContain('killed for lack of memory');
    expect(checked[1]?.message).toContain('does not exist');
  });

  it('the socket going away is one docker_unreachable (not a crash, not a log storm), resolved when Docker is back', async () => {
    fake.add({ name: 'web' });
    const { log, lines } = captureLog();
    const w = watch([{ name: 'web', logs: true, restart: false }], log);
    await w.start();
    await eventually(() => fake.openStreams() === 2, 'events and logs streams open');
    await fake.offline(true);
    await eventually(
      () => findings(results).some((f) => f.errorType === 'docker_unreachable'),
      'unreachable seen at once',
    );
    const checked = await w.check.run();
    expect(findings(checked)).toEqual([
      expect.objectContaining({
        rule: 'docker_unreachable',
        target: fake.socketPath,
        severity: 'critical',
        fields: { socket: fake.socketPath },
      }),
    ]);
    expect(findings(checked)[0]?.message).toMatch(/no socket at that path|nothing listens/);
    // Let the loops retry many times (20 ms doubling to 200 ms) while Docker is away.
    await new Promise((r) => setTimeout(r, 700));
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg).sort()).toEqual([
      'Docker events: lost; retrying with backoff',
      'log of container web: lost; retrying with backoff',
    ]);
    expect(findings(results).filter((f) => f.errorType === 'docker_unreachable')).toHaveLength(1);

    // While the stream was down the container crashed and came back: the reconnect replays it from the break.
    fake.exit('web', 4);
    fake.start('web');
    await fake.offline(false);
    await eventually(() => results.some((r) => r.ok && r.rule === 'docker_unreachable'), 'reachable again, at once');
    await eventually(() => findings(results).some((f) => f.fields.exit_code === '4'), 'the missed die replayed');
    expect(oks(await w.check.run())).toEqual([`docker_unreachable|${fake.socketPath}`, 'docker|web']);
    await eventually(() => fake.openStreams() === 2, 'streams reopened');
    fake.log('web', 'after the outage');
    await eventually(() => records.some((r) => r.text === 'after the outage'), 'log followed again');
  });

  it('a socket that never existed: start() does not throw, the check reports it', async () => {
    const w = watch([{ name: 'web', logs: false, restart: false }], captureLog().log, `${fake.socketPath}.missing`);
    await w.start();
    const checked = findings(await w.check.run());
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatchObject({
      rule: 'docker_unreachable',
      errorType: 'docker_unreachable',
      target: `${fake.socketPath}.missing`,
    });
    expect(checked[0]?.message).toContain('ENOENT');
  });

  it('without containers there is no api, nothing starts, and the check has nothing to say', async () => {
    const w = watch([]);
    expect(w.api).toBeNull();
    await w.start();
    expect(await w.check.run()).toEqual([]);
    expect(fake.requests).toEqual([]);
  });
});

describe.each(STORE_KINDS)('container logs with a since-checkpoint on %s', (kind) => {
  let fake: FakeDocker;
  let t: TestStore;

  beforeEach(async () => {
    fake = await startFakeDocker();
    t = await createTestStore(kind);
  });
  afterEach(async () => {
    await fake.close();
    await t.cleanup();
  });

  it('hands on new lines as records, survives a restart of the watch without loss or repeats, and follows a restarted container', async () => {
    fake.add({ name: 'app' });
    fake.log('app', 'history before the first start'); // before the first checkpoint: not news
    const records: LogRecord[] = [];
    const make = (): DockerWatch =>
      new DockerWatch({
        socket: fake.socketPath,
        containers: [{ name: 'app', logs: true, restart: false }],
        store: t.store,
        log: captureLog().log,
        intervalMs: 30_000,
        retry: { baseMs: 20, capMs: 100 },
        onResults: async () => {},
        onRecords: async (r) => void records.push(...r),
      });

    const first = make();
    await first.start();
    await eventually(() => fake.openStreams('logs') === 1, 'log stream open');
    fake.log('app', '{"level":"error","msg":"db timeout","job_id":"42"}');
    fake.log('app', 'plain warning', 'stderr');
    await eventually(() => records.length === 2, 'two lines');
    expect(records).toEqual([
      {
        source: 'docker:app',
        text: '{"level":"error","msg":"db timeout","job_id":"42"}',
        json: { level: 'error', msg: 'db timeout', job_id: '42' },
      },
      { source: 'docker:app', text: 'plain warning', json: null },
    ]);
    await first.stop();

    fake.log('app', 'while the monitor was down');
    const rows = await withTables<DockerTables>(t.store).selectFrom('monitor_docker_logs').selectAll().execute();
    expect(rows.map((r) => r.container)).toEqual(['app']);

    const second = make();
    await second.start();
    await eventually(() => records.length === 3, 'the line written while down');
    expect(records[2]?.text).toBe('while the monitor was down');

    // The container restarts: Docker ends the followed log; the watch reopens it from the checkpoint.
    fake.exit('app', 1);
    fake.start('app');
    fake.log('app', 'after the container restart');
    await eventually(() => records.length === 4, 'line after the container restart');
    await new Promise((r) => setTimeout(r, 150)); // a few reconnects: none may repeat a line
    await second.stop();
    expect(records.map((r) => r.text)).toEqual([
      '{"level":"error","msg":"db timeout","job_id":"42"}',
      'plain warning',
      'while the monitor was down',
      'after the container restart',
    ]);
  });
});

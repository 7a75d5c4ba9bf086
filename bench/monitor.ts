// Benchmark of the monitor (issue: log tailing that loses no line …):
// - tail_lines_per_s: a 400,000-line log (our JSON lines, other tools' text lines, a few errors and stack traces)
//   read from the beginning through the tailer and the shipped rules, in a child pinned to one core;
// - tail_vs_grep: that time ÷ `grep -E -c` of the rules' patterns over the same file, in the same run;
// - detect_p99_ms: a real service running the monitor alone; 500 error lines appended one at a time, each timed
//   from its append to its incident row in the store;
// - idle_cpu_percent: `centinela start --only monitor` watching 20 quiet files for 60 s;
// - storm_messages_per_min, storm_incidents: 1,000 identical refused-repair lines in 10 s, then 10 a second for a
//   minute, through the real engine, incidents, repairs and alerts on a simulated clock (bench/monitor-lifecycle.ts);
// - real_error_recall, false_positive_rate: the shipped rules over their recorded real samples, and over the
//   INFO/DEBUG samples that quote errors;
// - tail_lost_lines, tail_repeated_lines: a writer process at 3,000 lines/s rotating a plain path (no glob) by
//   copy-truncate five times, followed by a tailer process killed with SIGKILL twice and restarted;
// - rules_vs_fail2ban: fail2ban-regex's time ÷ ours over the same 1M-line log, our shipped rules' regexes given to
//   it as one filter (each wrapped in <F-ID> so that no host is needed, no date pattern); skipped, with how to
//   install it, when fail2ban is absent.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { CLI, REPO, cleanEnv, freePort, tempDir } from '../test/support/service.ts';
import { startService } from '../src/main.ts';
import { cpuSeconds, figure, median, note } from './support.ts';
import { buildLog, fail2banFilter, grepPattern } from './monitor-data.ts';
import { sampleFigures, stormFigures } from './monitor-lifecycle.ts';

const LINES = Number(process.env.BENCH_LINES ?? 400_000);
const DETECT_LINES = 500;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const PEER_LINES = Number(process.env.BENCH_PEER_LINES ?? 1_000_000);

const dir = tempDir('bench-monitor-');
try {
  // 1. Throughput, on one core.
  const file = join(dir, 'big.log');
  writeFileSync(file, buildLog(LINES));
  const pin = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '0'] : [];
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const child = spawnSync(
      pin[0] ?? process.execPath,
      [
        ...pin.slice(1),
        ...(pin.length ? [process.execPath] : []),
        join(import.meta.dirname, 'monitor-tail.ts'),
        file,
        join(dir, `tail-${i}`),
      ],
      {
        encoding: 'utf8',
      },
    );
    if (child.status !== 0) throw new Error(`tail child failed: ${child.stderr}`);
    const m = /records=(\d+) matched=\d+ ms=([\d.]+)/.exec(child.stdout);
    if (!m || Number(m[1]) < LINES * 0.9) throw new Error(`tail child read too little: ${child.stdout}`);
    runs.push(Number(m[2]));
  }
  const tailMs = median(runs);
  const pattern = grepPattern();
  const greps: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const g = spawnSync('grep', ['-E', '-c', pattern, file], { encoding: 'utf8' });
    if (g.status !== 0 && g.status !== 1) throw new Error(`grep failed: ${g.stderr}`);
    greps.push(performance.now() - t0);
  }
  const grepMs = median(greps);
  note(
    `tail+rules over ${LINES} lines: ${runs.map((r) => Math.round(r)).join(', ')} ms (${pin.length ? 'pinned to core 0' : 'not pinned: no taskset'}); grep -E: ${greps.map((g) => Math.round(g)).join(', ')} ms`,
  );

  // 2. Detection latency through a real service running the monitor alone.
  const detectDir = join(dir, 'detect');
  const appLog = join(detectDir, 'app.log');
  mkdirSync(detectDir, { recursive: true });
  writeFileSync(appLog, '');
  const service = await startService({
    cwd: detectDir,
    only: ['monitor'],
    env: cleanEnv({
      CENTINELA_LOG_STDOUT: 'false',
      CENTINELA_MONITOR_LOGS: `[${JSON.stringify(appLog)}]`,
      CENTINELA_MONITOR_CHECK_INTERVAL: '1h',
    }),
  });
  const latencies: number[] = [];
  try {
    await new Promise((r) => setTimeout(r, 500)); // the tailer has seen the empty file
    for (let i = 0; i < DETECT_LINES; i++) {
      const target = `/srv/bench/folder-${i}`;
      const t0 = performance.now();
      appendFileSync(appLog, `2026-11-22 10:00:00 ERROR Error: ENOENT: no such file or directory, mkdir '${target}'\n`);
      for (;;) {
        const row = await sql<{ n: number }>`select count(*) as n from incidents where target = ${target}`.execute(
          service.store.db,
        );
        if (Number(row.rows[0]?.n ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 2));
        if (performance.now() - t0 > 10_000) throw new Error(`line ${i} was not detected within 10 s`);
      }
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await service.stop('bench done');
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1] ?? NaN;
  note(
    `detection over ${DETECT_LINES} lines: p50 ${median(latencies).toFixed(1)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`,
  );

  // 3. Idle CPU watching 20 files.
  const idleDir = join(dir, 'idle');
  mkdirSync(join(idleDir, 'watched'), { recursive: true });
  for (let i = 0; i < 20; i++) writeFileSync(join(idleDir, 'watched', `app-${i}.log`), 'started\n');
  const port = await freePort();
  const child = spawn(CLI, ['start', '--only', 'monitor'], {
    cwd: idleDir,
    env: cleanEnv({
      CENTINELA_HTTP_PORT: String(port),
      CENTINELA_LOG_STDOUT: 'false',
      CENTINELA_MONITOR_LOGS: `[${JSON.stringify(join(idleDir, 'watched', '*.log'))}]`,
    }),
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 5000)); // start-up settles
  const cpu0 = cpuSeconds(child.pid as number);
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const idleCpu = ((cpuSeconds(child.pid as number) - cpu0) / IDLE_SECONDS) * 100;
  child.kill('SIGTERM');
  await new Promise((ok) => child.on('exit', ok));
  note(`idle: monitor alone watching 20 files for ${IDLE_SECONDS} s`);

  // 4. Storms and the rules' samples.
  const storm = await stormFigures(join(dir, 'storm'));
  note(`storm: ${storm.incidents} incident(s), messages over ${storm.minutes.toFixed(2)} simulated minutes`);
  const samples = sampleFigures();
  note(`samples: ${samples.real} recorded real error records, ${samples.quoted} INFO/DEBUG records quoting errors`);

  // 5. Tailing a plain path through copy-truncate at 3,000 lines/s, with two SIGKILLs of the tailer.
  const tail = await tailUnderKills(join(dir, 'follow'));
  note(
    `tail: ${tail.lines} lines written, ${tail.distinct} seen, ${tail.total} handed over (2 SIGKILLs, 5 copy-truncates of a plain path)`,
  );
  // 6. A peer side by side: the same 1M-line log through our tailer and shipped rules, and through fail2ban-regex.
  const fail2ban = spawnSync('fail2ban-regex', ['--version'], { encoding: 'utf8' });
  let vsFail2ban: number | null = null;
  if (fail2ban.error)
    note('rules_vs_fail2ban skipped: fail2ban-regex is not installed (apt-get update && apt-get install -y fail2ban)');
  else {
    const peerLog = join(dir, 'million.log');
    writeFileSync(peerLog, buildLog(PEER_LINES));
    const filter = join(dir, 'centinela-filter.conf');
    writeFileSync(filter, fail2banFilter());
    const t0 = performance.now();
    const theirs = spawnSync('fail2ban-regex', ['--raw', '-d', '{NONE}', peerLog, filter], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const theirMs = performance.now() - t0;
    if (theirs.status !== 0) throw new Error(`fail2ban-regex failed: ${theirs.stderr || theirs.stdout}`);
    const ours = spawnSync(
      pin[0] ?? process.execPath,
      [
        ...pin.slice(1),
        ...(pin.length ? [process.execPath] : []),
        join(import.meta.dirname, 'monitor-tail.ts'),
        peerLog,
        join(dir, 'peer-tail'),
      ],
      { encoding: 'utf8' },
    );
    const m = /records=(\d+) matched=(\d+) ms=([\d.]+)/.exec(ours.stdout);
    if (!m) throw new Error(`tail child failed: ${ours.stderr}`);
    vsFail2ban = theirMs / Number(m[3]);
    const matched = /Lines: .*?(\d+) matched/.exec(theirs.stdout)?.[1] ?? '?';
    note(
      `peer over ${PEER_LINES} lines: fail2ban-regex ${Math.round(theirMs)} ms (${matched} matched), tail+rules ${Math.round(Number(m[3]))} ms (${m[2]} matched); ${fail2ban.stdout.trim()}`,
    );
  }

  figure('detect_p99_ms', p99, 'ms');
  figure('tail_lines_per_s', Math.round(LINES / (tailMs / 1000)), 'lines/s');
  figure('tail_vs_grep', tailMs / grepMs, 'x');
  figure('idle_cpu_percent', idleCpu, '%');
  figure('storm_messages_per_min', storm.messagesPerMin, 'messages/min');
  figure('storm_incidents', storm.incidents, 'incidents');
  figure('real_error_recall', samples.recall, 'ratio');
  figure('false_positive_rate', samples.falsePositiveRate, 'ratio');
  figure('tail_lost_lines', tail.lines - tail.distinct, 'lines');
  figure('tail_repeated_lines', tail.total - tail.distinct, 'lines');
  if (vsFail2ban !== null) figure('rules_vs_fail2ban', vsFail2ban, 'x');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The log writer (test/support/log-writer.ts) and a follower process (bench/monitor-follow.ts) killed twice. */
async function tailUnderKills(at: string): Promise<{ lines: number; distinct: number; total: number }> {
  const lines = 60_000;
  mkdirSync(join(at, 'data'), { recursive: true });
  const file = join(at, 'app.log');
  const out = join(at, 'seen.txt');
  writeFileSync(file, '');
  writeFileSync(out, '');
  const follow = async (): Promise<ReturnType<typeof spawn>> => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'monitor-follow.ts'), file, join(at, 'data'), out],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((ok) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && ok()));
    return child;
  };
  const writer = spawn(process.execPath, [join(REPO, 'test/support/log-writer.ts')], {
    env: cleanEnv({
      LOG_WRITER: JSON.stringify({ dir: at, mode: 'copytruncate', lines, rotations: 5, keep: 3, linesPerSecond: 3000 }),
    }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const written = new Promise((ok) => writer.on('exit', ok));
  let child = await follow();
  for (const wait of [5000, 6000]) {
    await new Promise((r) => setTimeout(r, wait));
    child.kill('SIGKILL');
    await new Promise((ok) => child.on('exit', ok));
    child = await follow();
  }
  await written;
  const count = (): number[] => readFileSync(out, 'utf8').split('\n').filter(Boolean).map(Number);
  let last = -1;
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const n = count().length;
    if (n === last) break;
    last = n;
  }
  child.kill('SIGTERM');
  await new Promise((ok) => child.on('exit', ok));
  const seen = count();
  return { lines, distinct: new Set(seen).size, total: seen.length };
}

await (await import('./monitor-pipeline.ts')).pipelineScenario(); // the pipeline scenario (issue 12): its own figures

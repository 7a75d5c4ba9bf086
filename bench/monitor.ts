// Benchmark of the monitor (issue: log tailing that loses no line …):
// - tail_lines_per_s: a 400,000-line log (our JSON lines, other tools' text lines, a few errors and stack traces)
//   read from the beginning through the tailer and the shipped rules, in a child pinned to one core;
// - tail_vs_grep: that time ÷ `grep -E -c` of the rules' patterns over the same file, in the same run;
// - detect_p99_ms: a real service running the monitor alone; 500 error lines appended one at a time, each timed
//   from its append to its incident row in the store;
// - idle_cpu_percent: `centinela start --only monitor` watching 20 quiet files for 60 s.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { CLI, cleanEnv, freePort, tempDir } from '../test/support/service.ts';
import { startService } from '../src/main.ts';
import { cpuSeconds, figure, median, note } from './support.ts';
import { buildLog, grepPattern } from './monitor-data.ts';

const LINES = Number(process.env.BENCH_LINES ?? 400_000);
const DETECT_LINES = 500;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);

const dir = tempDir('bench-monitor-');
try {
  // 1. Throughput, on one core.
  const file = join(dir, 'big.log');
  writeFileSync(file, buildLog(LINES));
  const pin = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '0'] : [];
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const child = spawnSync(pin[0] ?? process.execPath, [...pin.slice(1), ...(pin.length ? [process.execPath] : []), join(import.meta.dirname, 'monitor-tail.ts'), file, join(dir, `tail-${i}`)], {
      encoding: 'utf8',
    });
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
  note(`tail+rules over ${LINES} lines: ${runs.map((r) => Math.round(r)).join(', ')} ms (${pin.length ? 'pinned to core 0' : 'not pinned: no taskset'}); grep -E: ${greps.map((g) => Math.round(g)).join(', ')} ms`);

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
        const row = await sql<{ n: number }>`select count(*) as n from incidents where target = ${target}`.execute(service.store.db);
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
  note(`detection over ${DETECT_LINES} lines: p50 ${median(latencies).toFixed(1)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`);

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

  figure('detect_p99_ms', p99, 'ms');
  figure('tail_lines_per_s', Math.round(LINES / (tailMs / 1000)), 'lines/s');
  figure('tail_vs_grep', tailMs / grepMs, 'x');
  figure('idle_cpu_percent', idleCpu, '%');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

await (await import('./monitor-pipeline.ts')).pipelineScenario(); // the pipeline scenario (issue 12): its own figures

// Benchmark of the Telegram intake (issue 3): receipt latency through the fake Bot API, and the local-mode copy
// of a 2 GB video against `cp` of the same file on the same disk, with the copier's peak memory.
// Env: BENCH_MESSAGES (default 200), BENCH_COPY_BYTES (default 2 GiB), BENCH_DIR (default the system temp dir).
import { tmpdir } from 'node:os';
import { startFakeBotApi } from '../test/fakes/telegram/index.ts';
import { STAFF, startBotService, textOf } from '../test/support/bot-service.ts';
import { measureLocalCopy } from '../test/support/copy-bench.ts';
import { figure, note } from './support.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const COPY_BYTES = Number(process.env.BENCH_COPY_BYTES ?? 2 * 1024 ** 3);
const DIR = process.env.BENCH_DIR ?? tmpdir();

async function receiptLatencies(): Promise<number[]> {
  const fake = await startFakeBotApi();
  const { service } = await startBotService(fake, { CENTINELA_LOG_LEVEL: 'warn' });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < MESSAGES; i++) {
      const before = fake.sent(STAFF.id).length;
      const t0 = performance.now();
      fake.document(STAFF, { bytes: Buffer.from(`%PDF-1.4 bench ${i}\n`), fileName: `bench-${i}.pdf`, mimeType: 'application/pdf' });
      await fake.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).startsWith('Recibí tu factura') && fake.sent(STAFF.id).length > before, 10_000);
      latencies.push(performance.now() - t0);
    }
    const recorded = await service.store.db.selectFrom('jobs').select('id').where('queue', '=', 'intake.download').execute();
    if (recorded.length !== MESSAGES) throw new Error(`expected ${MESSAGES} download jobs, found ${recorded.length}`);
  } finally {
    await service.stop('bench over');
    await fake.close();
  }
  return latencies;
}

const percentile = (values: number[], p: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};

note(`intake benchmark: ${MESSAGES} messages; local copy of ${(COPY_BYTES / 1024 ** 3).toFixed(2)} GiB in ${DIR}`);
const latencies = await receiptLatencies();
note(`receipt latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
const copy = await measureLocalCopy(COPY_BYTES, DIR);
note(`local copy: copyLocalFile ${copy.copyMs.toFixed(0)} ms, cp+fsync ${copy.cpMs.toFixed(0)} ms, cp alone ${copy.cpNoSyncMs.toFixed(0)} ms (median of ${copy.rounds})`);

figure('receipt_p95_ms', percentile(latencies, 95), 'ms');
figure('local_copy_vs_cp', copy.ratio, 'x');
figure('local_copy_vs_cp_nosync', copy.ratioNoSync, 'x');
figure('local_copy_peak_rss_mb', copy.peakRssMb, 'MB');

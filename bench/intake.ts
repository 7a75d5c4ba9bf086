// Benchmark of the Telegram intake (issue 3): receipt latency through the fake Bot API, and the local-mode copy
// of a 2 GB video against `cp` of the same file on the same disk, with the copier's peak memory.
// Receipts are measured as a team sends invoices: each document from another staff member, the next as soon as
// the last receipt is in. One sender sending documents back to back as fast as receipts come floods its chat
// (a receipt and a batch summary per document): Telegram asks for about one message a second per chat, and the
// outbox keeps to that pace after a short burst, so that measures the pace, not the intake (a note shows it).
// Env: BENCH_MESSAGES (default 200), BENCH_FLOOD (documents from one sender, default 10), BENCH_COPY_BYTES
// (default 2 GiB), BENCH_DIR (default the system temp dir).
import { tmpdir } from 'node:os';
import { startFakeBotApi } from '../test/fakes/telegram/index.ts';
import type { FakeUser } from '../test/fakes/telegram/index.ts';
import { ADMIN, STAFF, startBotService, textOf } from '../test/support/bot-service.ts';
import { measureLocalCopy } from '../test/support/copy-bench.ts';
import { figure, note } from './support.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const FLOOD = Number(process.env.BENCH_FLOOD ?? 10);
const COPY_BYTES = Number(process.env.BENCH_COPY_BYTES ?? 2 * 1024 ** 3);
const DIR = process.env.BENCH_DIR ?? tmpdir();

/** Staff members 1…n: each sends one document of the team's run. */
const team = (n: number): FakeUser[] =>
  Array.from({ length: n }, (_, i) => ({ id: 500_000 + i, first_name: `Staff ${i}`, language_code: 'es' }));

async function receiptLatencies(): Promise<{ team: number[]; oneSender: number[] }> {
  const fake = await startFakeBotApi();
  const members = team(MESSAGES);
  const users = [ADMIN, STAFF, ...members].map((u) => ({
    id: u.id,
    name: u.first_name,
    role: u === ADMIN ? 'admin' : 'staff',
    language: 'es',
  }));
  const { service } = await startBotService(fake, {
    CENTINELA_LOG_LEVEL: 'warn',
    CENTINELA_TELEGRAM_USERS: JSON.stringify(users),
  });
  const receipt = async (from: FakeUser, i: number): Promise<number> => {
    const before = fake.sent(from.id).length;
    const t0 = performance.now();
    fake.document(from, {
      bytes: Buffer.from(`%PDF-1.4 bench ${from.id} ${i}\n`),
      fileName: `bench-${i}.pdf`,
      mimeType: 'application/pdf',
    });
    await fake.waitFor(
      (c) =>
        c.method === 'sendMessage' &&
        c.params.chat_id === from.id &&
        textOf(c).startsWith('Recibí tu factura') &&
        fake.sent(from.id).length > before,
      10_000,
    );
    return performance.now() - t0;
  };
  const latencies = { team: [] as number[], oneSender: [] as number[] };
  try {
    for (const [i, member] of members.entries()) latencies.team.push(await receipt(member, i));
    for (let i = 0; i < FLOOD; i++) latencies.oneSender.push(await receipt(STAFF, i));
    const recorded = await service.store.db
      .selectFrom('jobs')
      .select('id')
      .where('queue', '=', 'intake.download')
      .execute();
    if (recorded.length !== MESSAGES + FLOOD)
      throw new Error(`expected ${MESSAGES + FLOOD} download jobs, found ${recorded.length}`);
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
const { team: latencies, oneSender } = await receiptLatencies();
note(
  `receipt latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
);
note(
  `one sender, ${FLOOD} documents back to back: receipts after ${oneSender.map((ms) => ms.toFixed(0)).join(', ')} ms (the chat's pace after a burst)`,
);
const copy = await measureLocalCopy(COPY_BYTES, DIR);
note(
  `local copy: copyLocalFile ${copy.copyMs.toFixed(0)} ms, cp+fsync ${copy.cpMs.toFixed(0)} ms, cp alone ${copy.cpNoSyncMs.toFixed(0)} ms (median of ${copy.rounds})`,
);

figure('receipt_p95_ms', percentile(latencies, 95), 'ms');
figure('local_copy_vs_cp', copy.ratio, 'x');
figure('local_copy_vs_cp_nosync', copy.ratioNoSync, 'x');
figure('local_copy_peak_rss_mb', copy.peakRssMb, 'MB');

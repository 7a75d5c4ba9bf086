// Benchmark of the invoice pipeline's OpenAI client: 1,931 invoices that need the LLM, through the durable queue
// (SQLite) and the fake OpenAI limited to R requests/min with realistic latency. The fake enforces its limits over
// 1-second windows as OpenAI does, and advertises a token limit 10× the configured one (the client must learn it
// from the headers). Then an outage: 60 s of 500s while OUTAGE_INVOICES wait, and the calls each cost. Then the
// CFDI parser's rate over the test fixtures.
// Env: BENCH_RPM (default 6000, so the run is short), BENCH_LATENCY_MS ("400-1200" or one number), BENCH_WINDOW_MS
// (default 1000; 0 = limits per minute only), BENCH_OUTAGE_S (default 60).
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { createLog } from '../src/core/log.ts';
import { PermanentError, Queue, RetryAfter, defineQueue } from '../src/core/queue/index.ts';
import { cfdiParseRate } from '../src/pipeline/invoices/cfdi/index.ts';
import { OUTAGE_WAIT_S } from '../src/pipeline/invoices/index.ts';
import {
  OpenAIClient,
  OpenAIRequestError,
  ProviderOutageError,
  QuotaExhaustedError,
} from '../src/pipeline/invoices/openai/index.ts';
import { sha256Hex, startFakeOpenAI } from '../test/fakes/openai/index.ts';
import { REPO, tempDir } from '../test/support/service.ts';
import { openSpec } from '../test/support/store-spec.ts';
import { figure, note } from './support.ts';

const INVOICES = 1931;
const OUTAGE_INVOICES = 500;
const R = Number(process.env.BENCH_RPM ?? 6000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 1000);
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 60);
const [LAT_MIN, LAT_MAX] = ((): [number, number] => {
  const parts = (process.env.BENCH_LATENCY_MS ?? '400-1200').split('-').map(Number);
  const min = parts[0] ?? 400;
  return [min, parts[1] ?? min];
})();
// Concurrency is set here, explicitly, from R and the latency (Little's law: in flight = rate × time in the system):
// R/60 requests per second × the slowest answer, + 5% for the client's and the queue's own overhead, so that the
// throttle's even pace, not the cap, sets the rate (the cap no longer has to hold back bursts). At R = 6000 and
// 1200 ms that is 126. A deployment would set it in config from its observed latency the same way.
const CONCURRENCY = Math.max(1, Math.ceil((R / 60) * (LAT_MAX / 1000) * 1.05));
const MAX_TOKENS = 300;
const SCHEMA = {
  name: 'invoice',
  zod: z.strictObject({ vendor: z.string(), rfc: z.string(), total: z.number(), currency: z.string() }),
};

/** A distinct "PNG" of a few hundred bytes per invoice: the signature, then bytes derived from its number. */
function invoiceImage(i: number): Buffer {
  const chunks: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (let k = 0; k < 10; k++) chunks.push(createHash('sha256').update(`invoice-${i}-${k}`).digest());
  return Buffer.concat(chunks); // 328 bytes
}

function findXml(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.xml'))
    .map((d) => join(d.parentPath, d.name));
}

// Tokens are not the limit under test: each request charges ~1,100 (image 765 + text + max_tokens 300). The fake
// allows 2,000 a request; the configuration says 200, so only a client that learns the real limit uses R.
const TPM = R * 2000;
const CONFIGURED_TPM = R * 200;
note(
  `invoices benchmark: ${INVOICES} invoices, fake OpenAI at ${R} requests/min ${WINDOW_MS > 0 ? `enforced per ${WINDOW_MS} ms` : 'per minute only'}, ` +
    `advertising ${TPM} tokens/min (configured ${CONFIGURED_TPM}), latency ${LAT_MIN}-${LAT_MAX} ms; node ${process.version}`,
);
const fake = await startFakeOpenAI({
  requestsPerMinute: R,
  tokensPerMinute: TPM,
  latencyMs: { min: LAT_MIN, max: LAT_MAX },
  ...(WINDOW_MS > 0 ? { windowMs: WINDOW_MS } : {}),
});
for (let i = 0; i < INVOICES + OUTAGE_INVOICES; i++) {
  fake.scenario(sha256Hex(invoiceImage(i)), {
    content: { vendor: `Proveedor ${i}`, rfc: 'AAA010101AAA', total: 100 + i, currency: 'MXN' },
  });
}

const dir = tempDir('bench-invoices-');
const store = await openSpec({ kind: 'sqlite', dataDir: dir });
await sql`create table bench_extract_results (
  job_id integer not null unique,
  image_hash text not null unique,
  data text not null,
  prompt_tokens integer not null,
  completion_tokens integer not null,
  cost_usd real not null,
  attempts integer not null
)`.execute(store.db);
const log = await createLog({
  level: 'warn',
  dir: null,
  stdout: false,
  rotate: { size: 2 ** 20, keep: 1 },
  stdoutStream: process.stderr,
});
const client = new OpenAIClient({
  apiKey: fake.apiKey,
  baseURL: fake.baseURL,
  requestsPerMinute: R,
  tokensPerMinute: CONFIGURED_TPM,
  concurrency: CONCURRENCY,
  timeoutMs: 30_000,
  maxTokens: MAX_TOKENS,
  log: log.for('openai'),
  onQuotaExhausted: (m) => log.root.error({ m }, 'quota alert'),
});
const queue = new Queue({
  store,
  log: log.root,
  pollMs: 100,
  leaseMs: 60_000,
  maxAttempts: 5,
  backoff: { baseMs: 1000, capMs: 30_000 },
});

let lastResponse = 0;
let done = 0;
const EXTRACT_QUEUE = defineQueue({
  name: 'bench.extract',
  payload: z.object({ i: z.number() }),
  key: (p) => `bench-${p.i}`,
});
queue.work(
  EXTRACT_QUEUE,
  async ({ job, signal, heartbeat, leaseMs }) => {
    const image = invoiceImage(job.payload.i);
    let result;
    // A request may wait out an outage: keep the lease, as the pipeline's handler does.
    const keepAlive = setInterval(() => void heartbeat().catch(() => {}), Math.max(500, leaseMs / 3));
    try {
      result = await client.extract(
        { images: [{ mime: 'image/png', bytes: image }], text: 'Extract the invoice fields.', schema: SCHEMA },
        signal,
      );
    } catch (err) {
      if (err instanceof QuotaExhaustedError) throw new RetryAfter(600, err.message); // waits, not failed
      if (err instanceof ProviderOutageError) throw new RetryAfter(OUTAGE_WAIT_S, err.message);
      if (err instanceof OpenAIRequestError && !err.retryable) throw new PermanentError(err.message, { cause: err });
      throw err;
    } finally {
      clearInterval(keepAlive);
    }
    lastResponse = Date.now();
    // Idempotent: a redelivered job finds its row and adds nothing.
    await sql`insert into bench_extract_results (job_id, image_hash, data, prompt_tokens, completion_tokens, cost_usd, attempts)
      values (${job.id}, ${sha256Hex(image)}, ${JSON.stringify(result.data)}, ${result.usage.prompt}, ${result.usage.completion}, ${result.costUsd}, ${result.attempts})
      on conflict do nothing`.execute(store.db);
    done++;
  },
  // The worker claims as many as the client may have in flight; the client's semaphore is the real cap.
  { concurrency: CONCURRENCY },
);

/** Enqueues invoices [from, to) and waits until none is waiting or active. */
async function run(from: number, to: number): Promise<void> {
  const t0 = Date.now();
  for (let i = from; i < to; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, to - i) }, (_, k) => queue.enqueue(EXTRACT_QUEUE, { i: i + k })),
    );
  }
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    if ((await queue.list({ queue: 'bench.extract', states: ['waiting', 'active'] }, 1)).length === 0) break;
    if (Date.now() - t0 > 30 * 60_000) break;
  }
}

// 1. Throughput under limits enforced per second, with a token limit to learn.
await run(0, INVOICES);
const stats = fake.stats;
const firstRequest = Math.min(...fake.requests.map((r) => r.at));
const minutes = (lastResponse - firstRequest) / 60_000;
const utilisation = stats.completed / minutes / R;
note(
  `throughput: ${done} handled; fake: ${stats.requests} requests, ${stats.completed} ok, ${stats.rateLimited} 429, ${stats.errors} other errors; ` +
    `${(minutes * 60).toFixed(1)} s first request → last response; concurrency ${CONCURRENCY}; learned ${client.throttle.tokens.limit} tokens/min, ` +
    `${client.throttle.requests.limit} requests/min; client: ${client.totals.retries} retries, cost $${client.totals.costUsd.toFixed(4)} ` +
    `(${client.totals.promptTokens} prompt + ${client.totals.completionTokens} completion tokens), token calibration ${client.calibration.ratio.toFixed(3)}`,
);

// 2. An outage: every request answered 500 for OUTAGE_S seconds while OUTAGE_INVOICES wait.
const before = fake.requests.length;
fake.mode({ status: 500 });
const outageStart = Date.now();
const outageEnd = setTimeout(() => fake.mode('normal'), OUTAGE_S * 1000);
const doneBefore = done;
await run(INVOICES, INVOICES + OUTAGE_INVOICES);
clearTimeout(outageEnd);
const outageCalls = fake.requests.slice(before);
const failedDuring = outageCalls.filter((r) => r.status >= 500).length;
note(
  `outage: ${OUTAGE_S} s of 500s, ${OUTAGE_INVOICES} invoices, ${done - doneBefore} handled; ${outageCalls.length} calls (${failedDuring} answered 500); ` +
    `all done ${((lastResponse - outageStart) / 1000 - OUTAGE_S).toFixed(1)} s after OpenAI came back`,
);

await queue.stop(5000);
const failed = (await queue.list({ queue: 'bench.extract', states: ['failed', 'dead'] }, 10_000)).length;
const rows = await sql<{
  n: number;
  jobs: number;
  images: number;
}>`select count(*) as n, count(distinct job_id) as jobs, count(distinct image_hash) as images from bench_extract_results`.execute(
  store.db,
);
const row = rows.rows[0] ?? { n: 0, jobs: 0, images: 0 };
const jobsRow = await sql<{ n: number }>`select count(*) as n from jobs where queue = 'bench.extract'`.execute(
  store.db,
);
const jobs = Number(jobsRow.rows[0]?.n ?? 0);
const lost = jobs - Number(row.jobs);
const okPerImage = new Map<string, number>();
for (const r of fake.requests)
  if (r.status === 200) for (const h of r.imageHashes) okPerImage.set(h, (okPerImage.get(h) ?? 0) + 1);
const extraCalls = [...okPerImage.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
const duplicated = Number(row.n) - Number(row.jobs) + extraCalls;
note(`${jobs} jobs, ${failed} failed or dead`);
await store.close();
await fake.close();
await log.close();
rmSync(dir, { recursive: true, force: true });

const cfdiFiles = findXml(join(REPO, 'test/fixtures/cfdi'));
const cfdiRate = await cfdiParseRate(cfdiFiles, 2);
note(`cfdi: ${cfdiFiles.length} fixture files parsed round-robin for 2 s`);

figure('rpm_utilisation', utilisation, 'ratio');
figure('rate_limited_share', stats.requests ? stats.rateLimited / stats.requests : 0, 'ratio');
figure('calls_per_invoice_during_outage', outageCalls.length / OUTAGE_INVOICES, 'calls');
figure('lost', lost, 'jobs');
figure('duplicated', duplicated, 'rows');
figure('projected_minutes_at_500rpm', INVOICES / (500 * utilisation), 'min');
figure('cfdi_parse_per_s', Math.round(cfdiRate), 'files/s');

// Benchmark of the invoice pipeline's OpenAI client (issue: one throttled client for OpenAI): 1,931 invoices that
// need the LLM, through the durable queue (SQLite) and the fake OpenAI limited to R requests/min with realistic
// latency; then the CFDI parser's rate over the test fixtures.
// Env: BENCH_RPM (default 6000, so the run is short), BENCH_LATENCY_MS ("400-1200" or one number).
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { createLog } from '../src/core/log.ts';
import { PermanentError, Queue, RetryAfter } from '../src/core/queue/index.ts';
import { cfdiParseRate } from '../src/pipeline/invoices/cfdi/index.ts';
import { OpenAIClient, OpenAIRequestError, QuotaExhaustedError } from '../src/pipeline/invoices/openai/index.ts';
import { sha256Hex, startFakeOpenAI } from '../test/fakes/openai/index.ts';
import { REPO, tempDir } from '../test/support/service.ts';
import { openSpec } from '../test/support/store-spec.ts';
import { figure, note } from './support.ts';

const INVOICES = 1931;
const R = Number(process.env.BENCH_RPM ?? 6000);
const [LAT_MIN, LAT_MAX] = ((): [number, number] => {
  const parts = (process.env.BENCH_LATENCY_MS ?? '400-1200').split('-').map(Number);
  const min = parts[0] ?? 400;
  return [min, parts[1] ?? min];
})();
const MEAN_LATENCY_S = (LAT_MIN + LAT_MAX) / 2 / 1000;
// Concurrency is set here, explicitly, from R and the expected latency (Little's law: in flight = rate × time in
// the system): R/60 requests per second × the mean latency, + 5% for the client's and the queue's own overhead.
// At R = 6000 and 800 ms that is 84. A deployment would set it in config from its observed latency the same way.
const CONCURRENCY = Math.max(1, Math.ceil((R / 60) * MEAN_LATENCY_S * 1.05));
const MAX_TOKENS = 300;
const SCHEMA = { name: 'invoice', zod: z.strictObject({ vendor: z.string(), rfc: z.string(), total: z.number(), currency: z.string() }) };

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

note(`invoices benchmark: ${INVOICES} invoices, fake OpenAI at ${R} requests/min, latency ${LAT_MIN}-${LAT_MAX} ms; node ${process.version}`);
// Tokens are not the limit under test: each request charges ~1,100 (image 765 + text + max_tokens 300).
const TPM = R * 2000;
const fake = await startFakeOpenAI({ requestsPerMinute: R, tokensPerMinute: TPM, latencyMs: { min: LAT_MIN, max: LAT_MAX } });
const hashes: string[] = [];
for (let i = 0; i < INVOICES; i++) {
  const hash = sha256Hex(invoiceImage(i));
  hashes.push(hash);
  fake.scenario(hash, { content: { vendor: `Proveedor ${i}`, rfc: 'AAA010101AAA', total: 100 + i, currency: 'MXN' } });
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
const log = await createLog({ level: 'warn', dir: null, stdout: false, rotate: { size: '1m', keep: 1 }, stdoutStream: process.stderr });
const client = new OpenAIClient({
  apiKey: fake.apiKey,
  baseURL: fake.baseURL,
  requestsPerMinute: R,
  tokensPerMinute: TPM,
  concurrency: CONCURRENCY,
  timeoutMs: 30_000,
  maxTokens: MAX_TOKENS,
  log: log.for('openai'),
  onQuotaExhausted: (m) => log.root.error({ m }, 'quota alert'),
});
const queue = new Queue({ store, log: log.root, pollMs: 100, leaseMs: 60_000, maxAttempts: 5, backoff: { baseMs: 1000, capMs: 30_000 } });

let lastResponse = 0;
let done = 0;
let failed = 0;
queue.work<{ i: number }>(
  'bench.extract',
  async ({ job, signal }) => {
    const image = invoiceImage(job.payload.i);
    let result;
    try {
      result = await client.extract({ images: [{ mime: 'image/png', bytes: image }], text: 'Extract the invoice fields.', schema: SCHEMA }, signal);
    } catch (err) {
      if (err instanceof QuotaExhaustedError) throw new RetryAfter(600, err.message); // waits, not failed
      if (err instanceof OpenAIRequestError && !err.retryable) throw new PermanentError(err.message, { cause: err });
      throw err;
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

const t0 = Date.now();
for (let i = 0; i < INVOICES; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, INVOICES - i) }, (_, k) => queue.enqueue('bench.extract', { i: i + k }, { key: `bench-${i + k}` })));
}
for (;;) {
  await new Promise((r) => setTimeout(r, 200));
  if ((await queue.list({ queue: 'bench.extract', states: ['waiting', 'active'] }, 1)).length === 0) break;
  if (Date.now() - t0 > 30 * 60_000) break;
}
await queue.stop(5000);
failed = (await queue.list({ queue: 'bench.extract', states: ['failed', 'dead'] }, 10_000)).length;

const stats = fake.stats;
const firstRequest = Math.min(...fake.requests.map((r) => r.at));
const minutes = (lastResponse - firstRequest) / 60_000;
const utilisation = stats.completed / minutes / R;
const rows = await sql<{ n: number; jobs: number; images: number }>`select count(*) as n, count(distinct job_id) as jobs, count(distinct image_hash) as images from bench_extract_results`.execute(store.db);
const row = rows.rows[0] ?? { n: 0, jobs: 0, images: 0 };
const jobsRow = await sql<{ n: number }>`select count(*) as n from jobs where queue = 'bench.extract'`.execute(store.db);
const jobs = Number(jobsRow.rows[0]?.n ?? 0);
const lost = jobs - Number(row.jobs);
const okPerImage = new Map<string, number>();
for (const r of fake.requests) if (r.status === 200) for (const h of r.imageHashes) okPerImage.set(h, (okPerImage.get(h) ?? 0) + 1);
const extraCalls = [...okPerImage.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
const duplicated = Number(row.n) - Number(row.jobs) + extraCalls;
note(
  `${jobs} jobs, ${done} handled, ${failed} failed; fake: ${stats.requests} requests, ${stats.completed} ok, ${stats.rateLimited} 429, ` +
    `${stats.errors} other errors; ${(minutes * 60).toFixed(1)} s first request → last response; concurrency ${CONCURRENCY}; ` +
    `client: ${client.totals.retries} retries, cost $${client.totals.costUsd.toFixed(4)} (${client.totals.promptTokens} prompt + ` +
    `${client.totals.completionTokens} completion tokens), token calibration ${client.calibration.ratio.toFixed(3)}`,
);
await store.close();
await fake.close();
await log.close();
rmSync(dir, { recursive: true, force: true });

const cfdiFiles = findXml(join(REPO, 'test/fixtures/cfdi'));
const cfdiRate = await cfdiParseRate(cfdiFiles, 2);
note(`cfdi: ${cfdiFiles.length} fixture files parsed round-robin for 2 s`);

figure('rpm_utilisation', utilisation, 'ratio');
figure('rate_limited_share', stats.requests ? stats.rateLimited / stats.requests : 0, 'ratio');
figure('lost', lost, 'jobs');
figure('duplicated', duplicated, 'rows');
figure('projected_minutes_at_500rpm', INVOICES / (500 * utilisation), 'min');
figure('cfdi_parse_per_s', Math.round(cfdiRate), 'files/s');

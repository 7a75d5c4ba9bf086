// Benchmark of the web page (issue 18): each list page's time with a long history (100,000 jobs, 20,000 invoices,
// 10,000 incidents), the JavaScript a page sends, and 51 files of 200 kB uploaded through Chromium.
// Env: BENCH_WEB_ROUNDS (default 20 requests a page).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { JobState, Store } from '../src/core/store/index.ts';
import { Incidents } from '../src/monitor/index.ts';
import { startFakeBotApi } from '../test/fakes/telegram/index.ts';
import { ADMIN, STAFF, startBotService } from '../test/support/bot-service.ts';
import { REPO } from '../test/support/service.ts';
import { HAVE_CHROMIUM, addInvoice, launchChromium, signIn, webLinkFor } from '../test/support/web.ts';
import { availableParallelism, loadavg } from 'node:os';
import { figure, median, note } from './support.ts';

const ROUNDS = Number(process.env.BENCH_WEB_ROUNDS ?? 20);
const JOBS = 100_000;
const INVOICES = 20_000;
const INCIDENTS = 10_000;
const CHUNK = 500;

async function inChunks(n: number, insert: (from: number, to: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += CHUNK) await insert(i, Math.min(n, i + CHUNK));
}

async function seed(store: Store): Promise<void> {
  const now = Date.now();
  const states: JobState[] = ['done', 'done', 'done', 'done', 'failed', 'dead', 'cancelled', 'done'];
  await inChunks(JOBS, (from, to) =>
    store.db
      .insertInto('jobs')
      .values(
        Array.from({ length: to - from }, (_, k) => {
          const i = from + k;
          const state = states[i % states.length] as JobState;
          return {
            queue: `history.${i % 4}`,
            payload: JSON.stringify({ n: i }),
            key: null,
            state,
            priority: 0,
            run_at: now - (JOBS - i) * 1000,
            attempts: 1,
            max_attempts: 3,
            backoff_base_ms: 1000,
            backoff_cap_ms: 60_000,
            lease_until: null,
            worker: null,
            last_error: state === 'done' ? null : `Error: job ${i} failed\n    at somewhere`,
            created_at: now - (JOBS - i) * 1000,
            updated_at: now - (JOBS - i) * 1000,
            finished_at: now - (JOBS - i) * 1000,
          };
        }),
      )
      .execute(),
  );
  for (let i = 0; i < INVOICES; i++)
    await addInvoice(store, i, i % 50 === 0 ? 'review' : 'ok', i % 50 === 0 ? ['the total does not add up'] : []);
  const db = new Incidents(store, { journal: null }).db;
  await inChunks(INCIDENTS, (from, to) =>
    db
      .insertInto('incidents')
      .values(
        Array.from({ length: to - from }, (_, k) => {
          const i = from + k;
          const open = i % 100 === 0;
          return {
            fingerprint: `bench_${i % 20}|target-${i}`,
            rule: `bench_${i % 20}`,
            target: `target-${i}`,
            error_type: `bench_type_${i % 20}`,
            severity: 'warning' as const,
            state: open ? ('detected' as const) : ('solved' as const),
            message: `something went wrong with target-${i}`,
            fields: '{}',
            action: null,
            attempt: 0,
            max_attempts: 0,
            count: 1,
            first_seen: now - (INCIDENTS - i) * 60_000,
            last_seen: now - (INCIDENTS - i) * 60_000,
            state_changed_at: now - (INCIDENTS - i) * 60_000,
            resolved_at: open ? null : now - (INCIDENTS - i) * 60_000 + 1000,
            acked_by: null,
            acked_at: null,
            retry_requested: 0,
          };
        }),
      )
      .execute(),
  );
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
}

if (!HAVE_CHROMIUM) {
  process.stderr.write('bench web: /usr/bin/chromium is missing (apt-get install chromium)\n');
  process.exit(1);
}
const fake = await startFakeBotApi();
const { service } = await startBotService(fake, { CENTINELA_LOG_LEVEL: 'error' });
const base = service.http?.url ?? '';
const browser = await launchChromium();
try {
  const t0 = performance.now();
  await seed(service.store);
  note(
    `seeded ${JOBS} jobs, ${INVOICES} invoices, ${INCIDENTS} incidents in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Upload first, as an office worker: 51 files of 200 kB, from the click to the batch id in the address, then to
  // the batch complete.
  const files = Array.from({ length: 51 }, (_, i) => {
    const xml = readFileSync(join(REPO, 'test/fixtures/cfdi', i % 2 ? 'cfdi40-valid.xml' : 'cfdi33-valid.xml'));
    const pad = Buffer.alloc(200 * 1024 - xml.length - 32, 'x');
    return {
      name: `${i}.xml`,
      mimeType: 'text/xml',
      buffer: Buffer.concat([xml, Buffer.from(`\n<!-- ${i} `), pad, Buffer.from(' -->\n')]),
    };
  });
  const staff = await signIn(browser, await webLinkFor(fake, STAFF));
  await staff.page.locator('#files').setInputFiles(files);
  const up0 = performance.now();
  await staff.page.getByRole('button', { name: 'Subir', exact: true }).click();
  await staff.page.waitForURL(/\/upload\?batch=/, { timeout: 120_000 });
  const uploaded = (performance.now() - up0) / 1000;
  await staff.page.locator('#batch[data-complete="1"]').waitFor({ timeout: 300_000 });
  const finished = (performance.now() - up0) / 1000;
  await staff.context.close();

  const { page } = await signIn(browser, await webLinkFor(fake, ADMIN));
  const pages: Record<string, string> = {
    now: '/now',
    batches: '/batch',
    invoices: '/invoices',
    invoices_search: '/invoices?q=proveedor%2019&min=200',
    invoices_page_300: '/invoices?page=300',
    review: '/review',
    incidents: '/incidents',
    incidents_page_150: '/incidents?page=150',
    queue: '/queue',
    queue_failed: '/queue?queue=history.0&state=failed',
    queue_all: '/queue?queue=history.1',
    schedule: '/schedule',
    audit: '/audit',
  };
  for (const [name, path] of Object.entries(pages)) {
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const start = performance.now();
      const res = await page.request.get(`${base}${path}`);
      await res.body();
      if (res.status() !== 200) throw new Error(`${path}: ${res.status()}`);
      times.push(performance.now() - start);
    }
    note(`${name}: median ${Math.round(median(times))} ms`);
    figure(`page_p95_ms.${name}`, Math.round(p95(times)), 'ms');
  }
  note(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  figure('js_kb', Math.round((statSync(join(REPO, 'src/web/assets/app.js')).size / 1024) * 10) / 10, 'kB');
  figure('upload_51_files_s', Math.round(uploaded * 100) / 100, 's');
  figure('batch_51_files_done_s', Math.round(finished * 100) / 100, 's');
} finally {
  await browser.close();
  await service.stop('bench over');
  await fake.close();
}

// The web page in a real Chromium against the real service and the fake Telegram: sign-in from a /web link (a
// used or expired link refused), an office worker's upload of 51 files followed after leaving the page, review,
// an incident acknowledged, failed jobs retried, what a creator may see, CSRF, screenshots and axe-core.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineQueue } from '../../src/core/queue/index.ts';
import { withTables } from '../../src/core/store/index.ts';
import type { Service } from '../../src/main.ts';
import { Incidents } from '../../src/monitor/index.ts';
import { PostRecords } from '../../src/pipeline/content/index.ts';
import type { InvoiceTables } from '../../src/pipeline/invoices/index.ts';
import { WebAuth } from '../../src/web/index.ts';
import type { WebTables } from '../../src/web/index.ts';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { ADMIN, MODEL, STAFF, startBotService } from '../support/bot-service.ts';
import { REPO } from '../support/service.ts';
import { HAVE_CHROMIUM, addInvoice, launchChromium, seriousViolations, signIn, webLinkFor } from '../support/web.ts';
import { z } from 'zod';

const OUT = join(REPO, 'test-output/web');
const FIXTURES = join(REPO, 'test/fixtures/cfdi');
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

if (!HAVE_CHROMIUM)
  console.warn(
    'test/web/browser.test.ts skipped: /usr/bin/chromium is missing (.ci/run installs it: apt-get install chromium)',
  );

let fake: FakeBotApi;
let service: Service;
let browser: Browser;
let base = '';

/** 51 CFDI files: the fixtures, made different by a trailing comment (same invoices, other bytes). */
function invoiceFiles(): Array<{ name: string; mimeType: string; buffer: Buffer }> {
  const names = [
    'cfdi33-real.xml',
    'cfdi40-real.xml',
    'cfdi40-valid.xml',
    'cfdi33-valid.xml',
    'created-with-discounts-40.xml',
  ];
  return Array.from({ length: 51 }, (_, i) => {
    const name = names[i % names.length] as string;
    return {
      name: `${i}-${name}`,
      mimeType: 'text/xml',
      buffer: Buffer.concat([readFileSync(join(FIXTURES, name)), Buffer.from(`\n<!-- copy ${i} -->\n`)]),
    };
  });
}

/** A screenshot at both sizes, and no serious or critical axe-core violation. */
async function look(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  for (const s of SIZES) {
    await page.setViewportSize({ width: s.width, height: s.height });
    await page.screenshot({ path: join(OUT, `${name}-${s.name}.png`), fullPage: true });
  }
  if (size) await page.setViewportSize(size);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

const flash = (page: Page) => page.locator('.flash').innerText();

describe.skipIf(!HAVE_CHROMIUM)('the web page in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    fake = await startFakeBotApi();
    service = (await startBotService(fake)).service;
    base = service.http?.url ?? '';
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop('test over');
    await fake?.close();
  });

  it('says how to sign in when signed out, in the browser’s language', async () => {
    const context = await browser.newContext({
      locale: 'en-US',
      extraHTTPHeaders: { 'accept-language': 'en-US,en;q=0.9' },
    });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('main').innerText()).toContain('Send /web to the Centinela bot in Telegram');
    await look(page, 'signin');
    // A page behind the sign-in sends a stranger back there; the API still wants its bearer token.
    await page.goto(`${base}/queue`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect((await fetch(`${base}/status`)).status).toBe(401);
    await context.close();
  });

  it('signs in once from a /web link: a used or expired link is refused', async () => {
    const link = await webLinkFor(fake, ADMIN);
    expect(link.startsWith(`${base}/signin?t=`)).toBe(true);
    const { context, page } = await signIn(browser, link);
    expect(new URL(page.url()).pathname).toBe('/now');
    const cookie = (await context.cookies()).find((c) => c.name === 'centinela_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await context.close();

    const again = await signIn(browser, link);
    expect(await again.page.locator('main').innerText()).toContain('ya se usó');
    expect(new URL(again.page.url()).pathname).toBe('/signin');
    await again.context.close();

    // A link made 11 minutes ago has expired.
    const past = new WebAuth(service.store, service.config.telegram.users, 14, () => Date.now() - 11 * 60_000);
    const old = await past.createLink(ADMIN.id);
    const late = await signIn(browser, `${base}/signin?t=${old}`);
    expect(await late.page.locator('main').innerText()).toContain('caducó');
    await late.context.close();
    // Only hashes are kept: the token itself is nowhere in the store.
    const rows = await withTables<WebTables>(service.store).selectFrom('web_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(old);
  });

  it('an office worker uploads 51 files, leaves, comes back to the finished batch, and reviews an invoice', async () => {
    const { context, page } = await signIn(browser, await webLinkFor(fake, STAFF));
    expect(new URL(page.url()).pathname).toBe('/upload');
    await look(page, 'upload');
    await page
      .locator('#files')
      .setInputFiles([...invoiceFiles(), { name: 'logo.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') }]);
    await expect.poll(() => page.locator('#upload-files tbody tr').count()).toBe(52);
    await page.getByRole('button', { name: 'Subir', exact: true }).click();
    await page.waitForURL(/\/upload\?batch=/, { timeout: 30_000 });
    const batchUrl = page.url();
    const batchId = new URL(batchUrl).searchParams.get('batch') ?? '';
    // The refused file says why.
    await expect
      .poll(() => page.locator('#upload-files').innerText())
      .toMatch(/logo\.gif\s+rejected — unsupported file type \.gif/);
    // Away at once, whatever the batch's progress, and back later by its address.
    await page.goto(`${base}/invoices`);
    await page.goto(batchUrl);
    await expect.poll(() => page.locator('#batch').innerText(), { timeout: 60_000 }).toContain('El lote terminó.');
    expect(await page.locator('#batch tbody tr').count()).toBe(51);
    const report = z
      .object({ total: z.number(), is_complete: z.boolean() })
      .parse(
        await (
          await fetch(`${base}/batches/${batchId}`, { headers: { authorization: `Bearer ${readToken()}` } })
        ).json(),
      );
    expect(report).toEqual({ ...report, total: 51, is_complete: true });
    await look(page, 'batch');
    await page.goto(`${base}/batch`);
    await expect.poll(() => page.locator('main').innerText()).toContain(batchId);
    await look(page, 'batches');

    // Invoices: search, an invoice's page, export.
    await page.goto(`${base}/invoices`);
    await look(page, 'invoices');
    await page.getByLabel('Emisor, RFC o UUID').fill('zzz-nothing');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('0 facturas');
    const csv = await page.request.get(`${base}/invoices/export.csv`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toBe(
      'id,status,kind,source,issuer_rfc,issuer_name,receiver_rfc,receiver_name,uuid,series,number,issued_at,currency,subtotal,discount,transferred,withheld,total',
    );

    // Review: correct the total and approve.
    const id = await addInvoice(service.store, 900, 'review', ['the total does not add up']);
    await page.goto(`${base}/review`);
    const card = page.locator('article', { has: page.locator(`#inv-${id}`) });
    await expect.poll(() => card.innerText()).toContain('the total does not add up');
    await look(page, 'review');
    await card.getByLabel('Campo').selectOption('total');
    await card.getByLabel('Valor nuevo').fill('120.50');
    await card.getByRole('button', { name: 'Corregir un campo y aprobar' }).click();
    expect(await flash(page)).toBe(`Factura #${id} aprobada.`);
    const row = await withTables<InvoiceTables>(service.store)
      .selectFrom('invoices')
      .select(['status', 'total'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'ok', total: '120.50' });
    await page.goto(`${base}/invoices/${id}`);
    await expect.poll(() => page.locator('main').innerText()).toContain('Luis (telegram 2002)');
    await look(page, 'invoice');
    await context.close();
  });

  it('an admin acknowledges an incident and retries all failed jobs of a queue; a form without the CSRF token is refused', async () => {
    const incidents = new Incidents(service.store, { journal: null });
    const { incident } = await incidents.record({
      rule: 'web_test_disk',
      errorType: 'disk_low',
      severity: 'warning',
      target: '/srv/data',
      message: 'free space under 2 GB',
      fields: {},
      action: null,
      notify: 'always',
    });
    const QUEUE = defineQueue({
      name: 'web.test',
      payload: z.object({ n: z.number() }),
      key: (p) => `web.test:${p.n}`,
    });
    for (let n = 0; n < 3; n++) await service.queue.enqueue(QUEUE, { n });
    await service.store.db
      .updateTable('jobs')
      .set({ state: 'failed', last_error: 'boom', finished_at: Date.now() })
      .where('queue', '=', 'web.test')
      .execute();

    const { context, page } = await signIn(browser, await webLinkFor(fake, ADMIN));
    await look(page, 'now');
    await page.goto(`${base}/incidents`);
    await look(page, 'incidents');
    const row = page.locator('section', { hasText: 'Abiertos' }).locator('tr', { hasText: `#${incident.id}` });
    await row.getByRole('button', { name: 'Enterado' }).click();
    expect(await flash(page)).toBe(`Incidente #${incident.id} marcado como visto.`);
    expect((await incidents.get(incident.id))?.ackedBy).toBe('Ana');
    await page.goto(`${base}/incidents/${incident.id}`);
    await expect.poll(() => page.locator('main').innerText()).toContain('acknowledged by Ana');
    await look(page, 'incident');

    await page.goto(`${base}/queue?queue=web.test&state=failed`);
    await look(page, 'queue');
    await page.getByRole('button', { name: 'Reintentar todos los fallidos de web.test' }).click();
    expect(await flash(page)).toBe('Trabajos en cola otra vez: 3.');
    const states = await service.queue.list({ queue: 'web.test' });
    expect(states.map((j) => j.state)).toEqual(['waiting', 'waiting', 'waiting']);

    // The same form without its token (the session cookie alone, as another site's form would send it).
    const refused = await page.request.post(`${base}/queue/retry`, { form: { queue: 'web.test' }, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    const wrong = await page.request.post(`${base}/incidents/${incident.id}/silence`, {
      form: { _csrf: 'not-the-token', for: '1h' },
      maxRedirects: 0,
    });
    expect(wrong.status()).toBe(403);
    const csrf = await page.locator('main').getAttribute('data-csrf');
    const right = await page.request.post(`${base}/queue/retry`, {
      form: { queue: 'web.test', _csrf: csrf ?? '' },
      maxRedirects: 0,
    });
    expect(right.status()).toBe(303);
    const upload = await page.request.post(`${base}/upload`, {
      multipart: { files: { name: 'a.xml', mimeType: 'text/xml', buffer: Buffer.from('<x/>') } },
    });
    expect(upload.status()).toBe(403);

    await page.goto(`${base}/audit`);
    const audit = await page.locator('main').innerText();
    expect(audit).toContain('incident ack');
    expect(audit).toContain('queue retry failed');
    expect(audit).toContain('Ana (telegram 1001)');
    await look(page, 'audit');
    await context.close();
  });

  it('a creator sees their own posts only, and no invoice', async () => {
    const posts = new PostRecords(service.store);
    const soon = Date.now() + 3_600_000;
    await posts.create({
      fileId: 7001,
      creator: 'victor',
      target: '@canal',
      caption: 'Victor en la playa',
      state: 'scheduled',
      plannedAt: soon,
    });
    await posts.create({
      fileId: 7002,
      creator: 'maria',
      target: '@canal',
      caption: 'Maria en el estudio',
      state: 'scheduled',
      plannedAt: soon,
    });
    const invoice = await addInvoice(service.store, 901);

    const { context, page } = await signIn(browser, await webLinkFor(fake, MODEL));
    expect(new URL(page.url()).pathname).toBe('/schedule');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Victor en la playa');
    expect(text).not.toContain('Maria en el estudio');
    await page.goto(`${base}/schedule?creator=maria`);
    expect(await page.locator('main').innerText()).not.toContain('Maria en el estudio');
    await look(page, 'schedule-creator');
    for (const path of [
      '/invoices',
      `/invoices/${invoice}`,
      '/review',
      '/batch',
      '/upload',
      '/invoices/export.json',
      '/queue',
    ]) {
      const res = await page.request.get(`${base}${path}`, { maxRedirects: 0 });
      expect(res.status(), path).toBe(403);
    }
    await context.close();

    const admin = await signIn(browser, await webLinkFor(fake, ADMIN));
    await admin.page.goto(`${base}/schedule`);
    const all = await admin.page.locator('main').innerText();
    expect(all).toContain('Maria en el estudio');
    await look(admin.page, 'schedule');
    await admin.context.close();
  });
});

function readToken(): string {
  return readFileSync(join(service.config.paths.data, 'api-token'), 'utf8').trim();
}

// The web page's tests and benchmark: a real Chromium (playwright-core, Debian's /usr/bin/chromium), signing in
// through a /web link from the fake Telegram, and rows made directly in the store (invoices, incidents, jobs, posts).
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Store } from '../../src/core/store/index.ts';
import { withTables } from '../../src/core/store/index.ts';
import type { InvoiceTables } from '../../src/pipeline/invoices/index.ts';
import type { FakeBotApi, FakeUser } from '../fakes/telegram/index.ts';
import { textOf } from './bot-service.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Sends /web as `user` and returns the link the bot answers with. */
export async function webLinkFor(fake: FakeBotApi, user: FakeUser): Promise<string> {
  const before = fake.sent(user.id).length;
  fake.command(user, '/web');
  const call = await fake.waitFor(
    (c) =>
      c.method === 'sendMessage' &&
      c.params.chat_id === user.id &&
      textOf(c).includes('/signin?t=') &&
      fake.sent(user.id).indexOf(c) >= before,
    15_000,
  );
  const url = /(https?:\/\/\S+\/signin\?t=\S+)/.exec(textOf(call))?.[1];
  if (!url) throw new Error(`no link in: ${textOf(call)}`);
  return url;
}

/** Opens the link in a fresh browser context and presses Sign in; the page is left where that leads. */
export async function signIn(
  browser: Browser,
  link: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'es-MX' });
  const page = await context.newPage();
  await page.goto(link);
  await page.locator('form[action="/signin"] button[type=submit]').click();
  await page.waitForLoadState('load');
  return { context, page };
}

/** An invoice row in the given status, as the invoice module writes them. */
export async function addInvoice(
  store: Store,
  n: number,
  status: 'ok' | 'review' = 'ok',
  problems: string[] = [],
): Promise<number> {
  const db = withTables<InvoiceTables>(store);
  const now = Date.now();
  const row = await db
    .insertInto('invoices')
    .values({
      kind: 'cfdi',
      status,
      source: 'http',
      issuer_rfc: `AAA0101${String(n % 1000).padStart(3, '0')}AA${n % 10}`,
      issuer_name: `Proveedor ${n}`,
      receiver_rfc: 'XAXX010101000',
      receiver_name: 'Oficina',
      uuid: `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
      series: 'A',
      number: String(n),
      issued_at: `2026-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}T10:00:00`,
      currency: 'MXN',
      subtotal: '100.00',
      discount: null,
      transferred: '16.00',
      withheld: null,
      total: (116 + (n % 500)).toFixed(2),
      problems: JSON.stringify(problems),
      data: '{}',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** axe-core run in the page: the serious and critical violations (ids and where). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const axe = (await import('axe-core')).default;
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) still holds for the page itself.
  await page.evaluate(axe.source);
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  const found = (await page.evaluate(
    `axe.run(document).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, where: JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target)) })))`,
  )) as Array<{ id: string; impact: string | null; where: string }>;
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} ${v.where}`);
}

// Invoices: searchable by issuer, RFC, UUID, date and total, paged on the server; an invoice's page with its
// fields, files, problems and history; the current filter exported as CSV or JSON.
import { readStored, render } from '../../core/messages.ts';
import { sayIn } from '../../locales/index.ts';
import { InvoiceSearch } from '../../pipeline/invoices/index.ts';
import type { InvoiceFilter, InvoiceRow, InvoiceStatus } from '../../pipeline/invoices/index.ts';
import { IntakeRecords } from '../../pipeline/intake/index.ts';
import type { WebDeps } from '../deps.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { pager, when } from '../view.ts';
import type { View } from '../view.ts';

export const PAGE_SIZE = 50;
/** An export is the filter's first this many invoices, newest first. */
export const EXPORT_MAX = 50_000;
const STATUSES: readonly InvoiceStatus[] = ['ok', 'review', 'duplicate', 'error', 'rejected'];
export const EXPORT_COLUMNS = [
  'id',
  'status',
  'kind',
  'source',
  'issuer_rfc',
  'issuer_name',
  'receiver_rfc',
  'receiver_name',
  'uuid',
  'series',
  'number',
  'issued_at',
  'currency',
  'subtotal',
  'discount',
  'transferred',
  'withheld',
  'total',
] as const satisfies ReadonlyArray<keyof InvoiceRow>;

export type Query = Record<string, string | undefined>;

/** The filter in the query string; what is not a valid value is left out. */
export function filterOf(q: Query): InvoiceFilter {
  const f: InvoiceFilter = {};
  const text = q.q?.trim();
  if (text) f.text = text.slice(0, 100);
  if (STATUSES.includes(q.status as InvoiceStatus)) f.status = q.status as InvoiceStatus;
  if (q.from && /^\d{4}-\d{2}-\d{2}$/.test(q.from)) f.from = q.from;
  if (q.to && /^\d{4}-\d{2}-\d{2}$/.test(q.to)) f.to = q.to;
  const num = (s: string | undefined): number | undefined =>
    s && s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : undefined;
  f.minTotal = num(q.min);
  f.maxTotal = num(q.max);
  if (f.minTotal === undefined) delete f.minTotal;
  if (f.maxTotal === undefined) delete f.maxTotal;
  return f;
}

export async function invoicesPage(d: WebDeps, v: View, q: Query, page: number): Promise<Html> {
  const { t } = v;
  const { rows, total } = await new InvoiceSearch(d.store).page(filterOf(q), PAGE_SIZE, (page - 1) * PAGE_SIZE);
  const search = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1] && e[0] !== 'page'));
  const field = (name: string, label: string, type = 'text') =>
    html`<label
      >${label}
      <input name="${name}" type="${type}" value="${q[name] ?? ''}" ${type === 'number' ? html` step="0.01"` : ''}
    /></label>`;
  return html`<form method="get" action="/invoices" class="filters" role="search">
      ${field('q', t('invoices-text'))}
      <label
        >${t('invoices-status')}
        <select name="status">
          <option value="">${t('invoices-any')}</option>
          ${STATUSES.map((s) => html`<option${q.status === s ? html` selected` : ''}>${s}</option>`)}
        </select></label
      >
      ${field('from', t('invoices-from'), 'date')}${field('to', t('invoices-to'), 'date')}${field(
        'min',
        t('invoices-min'),
        'number',
      )}${field('max', t('invoices-max'), 'number')}
      <button type="submit">${t('invoices-search')}</button>
    </form>
    <p>
      ${t('invoices-count', { count: total })} ·
      <a href="/invoices/export.csv?${search.toString()}">${t('export-csv')}</a> ·
      <a href="/invoices/export.json?${search.toString()}">${t('export-json')}</a>
    </p>
    ${invoiceTable(v, rows)}${pager(v, page, page * PAGE_SIZE < total)}`;
}

export function invoiceTable(v: View, rows: readonly InvoiceRow[]): Html {
  const { t } = v;
  if (rows.length === 0) return html`<p>${t('none')}</p>`;
  return html`<table>
    <thead>
      <tr>
        <th scope="col">${t('col-id')}</th>
        <th scope="col">${t('col-status')}</th>
        <th scope="col">${t('col-issuer')}</th>
        <th scope="col">${t('col-rfc')}</th>
        <th scope="col">${t('col-uuid')}</th>
        <th scope="col">${t('col-date')}</th>
        <th scope="col">${t('col-amount')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td><a href="/invoices/${r.id}">#${r.id}</a></td>
            <td><span class="state state-${r.status}">${r.status}</span></td>
            <td>${r.issuer_name ?? ''}</td>
            <td>${r.issuer_rfc ?? ''}</td>
            <td class="mono">${r.uuid ?? ''}</td>
            <td>${r.issued_at?.slice(0, 10) ?? ''}</td>
            <td class="num">${r.total ?? ''} ${r.currency ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function problemsOf(row: InvoiceRow, lang: string): string[] {
  const say = sayIn(lang);
  return readStored(row.problems).map((p) => render(p, say));
}

export async function invoicePage(d: WebDeps, v: View, id: number, actions: Html | null): Promise<Html | null> {
  const { t } = v;
  const detail = await new InvoiceSearch(d.store).detail(id);
  if (!detail) return null;
  const { invoice: r } = detail;
  const intake = new IntakeRecords(d.store);
  const files = (await Promise.all(detail.fileIds.map((f) => intake.file(f)))).filter((f) => f !== undefined);
  const problems = problemsOf(r, v.lang);
  return html`<p>
      <span class="state state-${r.status}">${r.status}</span> · ${t('invoice-created', { source: r.source })} ·
      ${when(r.created_at, v.lang)}
    </p>
    ${actions ?? ''}
    <section>
      <h2>${t('invoice-fields')}</h2>
      <table>
        <tbody>
          ${EXPORT_COLUMNS.filter((c) => c !== 'id' && c !== 'status').map(
            (c) =>
              html`<tr>
                <th scope="row">${c}</th>
                <td>${r[c] ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h2>${t('invoice-files')}</h2>
      <ul>
        ${files.map((f) => {
          const name = f.file_name ?? `#${f.id}`;
          const view = /\.(pdf|jpe?g|png|webp)$/i.test(name);
          return html`<li>
            <a href="/file/${f.id}${view ? '' : '?download=1'}">${t(view ? 'file-view' : 'file-download', { name })}</a>
            (${f.state})
          </li>`;
        })}
      </ul>
    </section>
    <section>
      <h2>${t('invoice-problems')}</h2>
      ${problems.length === 0
        ? html`<p>${t('none')}</p>`
        : html`<ul>
            ${problems.map((p) => html`<li>${p}</li>`)}
          </ul>`}
    </section>
    <section>
      <h2>${t('invoice-history')}</h2>
      <ul>
        <li>${when(r.created_at, v.lang)}: ${t('invoice-created', { source: r.source })}</li>
        ${detail.reviews.map(
          (rv) =>
            html`<li>
              ${when(rv.at, v.lang)}: ${rv.decision} —
              ${rv.by_name}${rv.changes !== '{}' ? ` — ${rv.changes}` : ''}${rv.reason ? ` — ${rv.reason}` : ''}
            </li>`,
        )}
      </ul>
    </section>`;
}

/** The filter's invoices as CSV (RFC 4180, a header line) or JSON (an array of objects). */
export async function exportInvoices(d: WebDeps, q: Query, format: 'csv' | 'json'): Promise<string> {
  const { rows } = await new InvoiceSearch(d.store).page(filterOf(q), EXPORT_MAX, 0);
  const picked = rows.map((r) => Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, r[c]])));
  if (format === 'json') return JSON.stringify(picked, null, 1);
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    // A leading = + - @ would be run as a formula by a spreadsheet: quoted with a ' in front.
    const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return (
    [EXPORT_COLUMNS.join(','), ...picked.map((r) => EXPORT_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') +
    '\r\n'
  );
}

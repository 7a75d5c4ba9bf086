// Upload: many files in one batch request (the script sends them and shows each file's progress); the batch's
// page, /batch/<id>, shows processing per file and can be reopened at any time.
import { formatSeconds } from '../../core/format.ts';
import type { BatchReport } from '../../pipeline/sources/index.ts';
import { recentInvoiceBatches } from '../../pipeline/invoices/index.ts';
import type { WebDeps } from '../deps.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { csrfField, pager, when } from '../view.ts';
import type { View } from '../view.ts';

export const PAGE_SIZE = 50;

export function uploadPage(v: View): Html {
  const { t } = v;
  return html`<p>${t('upload-help')}</p>
    <form
      id="upload"
      method="post"
      action="/upload"
      enctype="multipart/form-data"
      data-sending="${t('upload-sending', { percent: '{percent}' })}"
      data-failed="${t('upload-failed', { error: '{error}' })}"
      data-queued="${t('upload-queued')}"
      data-sent="${t('upload-sent')}"
    >
      ${csrfField(v)}
      <div class="drop" id="drop">
        <label for="files">${t('upload-drop')}</label>
        <input id="files" name="files" type="file" multiple accept=".pdf,.xml,.csv,.jpg,.jpeg,.png,.webp" />
      </div>
      <button type="submit">${t('upload-button')}</button>
      <p id="upload-status" role="status"></p>
      <table id="upload-files" hidden>
        <caption class="sr">
          ${t('upload-choose')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t('col-file')}</th>
            <th scope="col">${t('col-status')}</th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
    </form>`;
}

/** The batch's facts and its files; `part` is what the script fetches again until the batch is complete. */
export function batchFacts(r: BatchReport, v: View, refused: Array<{ name: string; reason: string }> = []): Html {
  const { t } = v;
  const done = r.total - r.pending;
  return html`<div id="batch" data-complete="${r.is_complete ? '1' : '0'}">
    <progress max="${r.total}" value="${done}" aria-label="${t('col-progress')}">${r.progress_percentage}%</progress>
    <p>
      ${t('batch-summary', {
        done,
        total: r.total,
        percent: r.progress_percentage,
        completed: r.completed,
        review: r.review,
        duplicates: r.duplicates,
        failed: r.failed,
      })}
    </p>
    <p class="${r.is_complete ? 'ok' : ''}">
      ${r.is_complete ? t('batch-complete') : t('batch-working')}${!r.is_complete && r.eta_seconds !== null
        ? ` ${t('batch-eta', { left: formatSeconds(r.eta_seconds), rate: r.rate_per_minute ?? 0 })}`
        : ''}
    </p>
    <p>${t('col-cost')}: ${r.cost.amount} ${r.cost.currency}</p>
    <table>
      <thead>
        <tr>
          <th scope="col">${t('col-id')}</th>
          <th scope="col">${t('col-file')}</th>
          <th scope="col">${t('col-status')}</th>
          <th scope="col">${t('col-reason')}</th>
          <th scope="col">${t('col-invoice')}</th>
        </tr>
      </thead>
      <tbody>
        ${refused.map(
          (f) =>
            html`<tr>
              <td>—</td>
              <td>${f.name}</td>
              <td><span class="state state-failed">${t('upload-refused')}</span></td>
              <td>${f.reason}</td>
              <td></td>
            </tr>`,
        )}
        ${r.files.map(
          (f) =>
            html`<tr>
              <td>${f.file_id}</td>
              <td>${f.name ?? ''}</td>
              <td><span class="state state-${f.status}">${f.status}</span></td>
              <td>${f.reason ?? ''}</td>
              <td>${f.invoice_id ? html`<a href="/invoices/${f.invoice_id}">#${f.invoice_id}</a>` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function batchPage(r: BatchReport, v: View): Html {
  return html`<div data-refresh="/batch/${r.batch_id}?part=facts" data-until-complete="1">${batchFacts(r, v)}</div>`;
}

export async function batchesPage(d: WebDeps, v: View, page: number): Promise<Html> {
  const { t } = v;
  const rows = await recentInvoiceBatches(d.store, d.config, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  return html`<table>
      <thead>
        <tr>
          <th scope="col">${t('col-batch')}</th>
          <th scope="col">${t('col-source')}</th>
          <th scope="col">${t('col-started')}</th>
          <th scope="col">${t('col-progress')}</th>
          <th scope="col">${t('col-cost')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.slice(0, PAGE_SIZE).map(
          (b) =>
            html`<tr>
              <td><a href="/batch/${b.batch_id}">${b.batch_id}</a></td>
              <td>${b.source}</td>
              <td>${when(b.created_at, v.lang)}</td>
              <td>
                <progress max="${b.total}" value="${b.total - b.pending}" aria-label="${b.batch_id}"></progress>
                ${b.total - b.pending}/${b.total}
              </td>
              <td>${b.cost.amount} ${b.cost.currency}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${pager(v, page, rows.length > PAGE_SIZE)}`;
}

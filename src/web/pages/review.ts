// Review and quarantine: the invoices that wait for a person, with why (approve, correct a field, mark a
// duplicate, reject — the invoice module's ReviewRecords), and the files that could not be processed, with their
// reason and a Retry (the intake's retryFiles, as /retry and `centinela retry --invoices` do).
import { CORRECTABLE_FIELDS, INVOICE_QUEUE, InvoiceSearch } from '../../pipeline/invoices/index.ts';
import type { InvoiceRow } from '../../pipeline/invoices/index.ts';
import { IntakeRecords, fileIdOfJob } from '../../pipeline/intake/index.ts';
import type { WebDeps } from '../deps.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { actionButton, csrfField, pager, when } from '../view.ts';
import type { View } from '../view.ts';
import { problemsOf } from './invoices.ts';

const PAGE_SIZE = 25;

/** The buttons and the correction form of an invoice in review (on the list and on the invoice's page). */
export function reviewActions(v: View, r: InvoiceRow): Html {
  const { t } = v;
  if (r.status !== 'review') return html``;
  const action = `/review/${r.id}`;
  return html`<div class="actions" aria-label="${t('col-actions')} #${r.id}">
    ${actionButton(v, action, t('review-approve'), { decision: 'approved' })}
    ${actionButton(v, action, t('review-duplicate'), { decision: 'duplicate' })}
    ${actionButton(v, action, t('review-reject'), { decision: 'rejected' })}
    <form method="post" action="${action}" class="inline correct">
      ${csrfField(v)}<input type="hidden" name="back" value="${v.url}" /><input
        type="hidden"
        name="decision"
        value="approved"
      />
      <label
        >${t('review-field')}
        <select name="field">
          ${CORRECTABLE_FIELDS.map((f) => html`<option>${f}</option>`)}
        </select></label
      >
      <label>${t('review-value')} <input name="value" required /></label>
      <button type="submit">${t('review-correct')}</button>
    </form>
  </div>`;
}

export async function reviewPage(d: WebDeps, v: View, page: number): Promise<Html> {
  const { t } = v;
  const { rows, total } = await new InvoiceSearch(d.store).page(
    { status: 'review' },
    PAGE_SIZE,
    (page - 1) * PAGE_SIZE,
  );
  const failed = await d.queue.list({ queue: INVOICE_QUEUE.name, states: ['failed', 'dead'] }, 100);
  const intake = new IntakeRecords(d.store);
  const files = await Promise.all(failed.map(async (j) => ({ job: j, file: await intake.file(fileIdOfJob(j) ?? 0) })));
  return html`<p>${t('review-help')}</p>
    ${rows.length === 0
      ? html`<p>${t('none')}</p>`
      : rows.map(
          (r) =>
            html`<article class="card" aria-labelledby="inv-${r.id}">
              <h2 id="inv-${r.id}">
                <a href="/invoices/${r.id}">#${r.id}</a> ${r.issuer_name ?? r.issuer_rfc ?? ''} · ${r.total ?? '—'}
                ${r.currency ?? ''} · ${r.issued_at?.slice(0, 10) ?? ''}
              </h2>
              <ul class="why">
                ${problemsOf(r, v.lang).map((p) => html`<li>${p}</li>`)}
              </ul>
              ${reviewActions(v, r)}
            </article>`,
        )}
    ${pager(v, page, page * PAGE_SIZE < total)}
    <section>
      <h2>${t('quarantine-title')}</h2>
      <p>${t('quarantine-help')}</p>
      ${files.length === 0
        ? html`<p>${t('none')}</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">${t('col-file')}</th>
                <th scope="col">${t('col-reason')}</th>
                <th scope="col">${t('col-when')}</th>
                <th scope="col">${t('col-actions')}</th>
              </tr>
            </thead>
            <tbody>
              ${files.map(
                ({ job, file }) =>
                  html`<tr>
                    <td>#${file?.id ?? '?'} ${file?.file_name ?? ''}</td>
                    <td>${(job.lastError ?? '').split('\n')[0]?.slice(0, 300)}</td>
                    <td>${when(job.finishedAt, v.lang)}</td>
                    <td>${file ? actionButton(v, `/quarantine/${file.id}/retry`, t('quarantine-retry')) : ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`}
    </section>`;
}

// Audit: who did what from the web page, newest first.
import type { WebDeps } from '../deps.ts';
import { Audit } from '../audit.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { pager, when } from '../view.ts';
import type { View } from '../view.ts';

const PAGE_SIZE = 50;

export async function auditPage(d: WebDeps, v: View, page: number): Promise<Html> {
  const { t } = v;
  const rows = await new Audit(d.store).page(PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  if (rows.length === 0) return html`<p>${t('none')}</p>`;
  return html`<table>
      <thead>
        <tr>
          <th scope="col">${t('col-when')}</th>
          <th scope="col">${t('col-who')}</th>
          <th scope="col">${t('col-what')}</th>
          <th scope="col">${t('col-target')}</th>
          <th scope="col">${t('col-detail')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.slice(0, PAGE_SIZE).map(
          (r) =>
            html`<tr>
              <td>${when(r.at, v.lang)}</td>
              <td>${r.who}</td>
              <td>${r.action}</td>
              <td>${r.target}</td>
              <td>${r.detail ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${pager(v, page, rows.length > PAGE_SIZE)}`;
}

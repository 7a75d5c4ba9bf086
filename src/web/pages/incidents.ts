// Incidents: open and recent, by type, with their state history; acknowledge, silence for a time, retry the
// repair — what the alert's Telegram buttons do.
import { Incidents } from '../../monitor/index.ts';
import type { Incident } from '../../monitor/index.ts';
import type { WebDeps } from '../deps.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { actionButton, csrfField, pager, when } from '../view.ts';
import type { View } from '../view.ts';

const PAGE_SIZE = 50;
/** The silences the page offers, as durations the monitor's parser reads. */
export const SILENCE_CHOICES = ['1h', '4h', '24h', '7d'] as const;

export function incidentsOf(d: WebDeps): Incidents {
  return new Incidents(d.store, { journal: null });
}

function actions(v: View, i: Incident): Html {
  const { t } = v;
  return html`<div class="actions">
    ${i.ackedBy
      ? html`<span>${t('incident-acked', { who: i.ackedBy })}</span>`
      : actionButton(v, `/incidents/${i.id}/ack`, t('incident-ack'))}
    <form method="post" action="/incidents/${i.id}/silence" class="inline">
      ${csrfField(v)}<input type="hidden" name="back" value="${v.url}" /><label
        >${t('incident-silence-for')}
        <select name="for">
          ${SILENCE_CHOICES.map((c) => html`<option>${c}</option>`)}
        </select></label
      ><button type="submit">${t('incident-silence')}</button>
    </form>
    ${i.action !== null && i.state !== 'solved' ? actionButton(v, `/incidents/${i.id}/retry`, t('incident-retry')) : ''}
  </div>`;
}

function table(v: View, list: readonly Incident[]): Html {
  const { t } = v;
  if (list.length === 0) return html`<p>${t('none')}</p>`;
  return html`<table>
    <thead>
      <tr>
        <th scope="col">${t('col-id')}</th>
        <th scope="col">${t('col-type')}</th>
        <th scope="col">${t('col-severity')}</th>
        <th scope="col">${t('col-state')}</th>
        <th scope="col">${t('col-target')}</th>
        <th scope="col">${t('col-count')}</th>
        <th scope="col">${t('col-last-seen')}</th>
        <th scope="col">${t('col-actions')}</th>
      </tr>
    </thead>
    <tbody>
      ${list.map(
        (i) =>
          html`<tr>
            <td><a href="/incidents/${i.id}">#${i.id}</a></td>
            <td>${i.errorType}</td>
            <td>${i.severity}</td>
            <td><span class="state state-${i.state}">${i.state}</span></td>
            <td>${i.target}</td>
            <td class="num">${i.count}</td>
            <td>${when(i.lastSeen, v.lang)}</td>
            <td>${actions(v, i)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export async function incidentsPage(
  d: WebDeps,
  v: View,
  q: Record<string, string | undefined>,
  page: number,
): Promise<Html> {
  const { t } = v;
  const incidents = incidentsOf(d);
  const type = q.type && /^[\w.:@/-]{1,200}$/.test(q.type) ? q.type : undefined;
  const [open, recent, types] = await Promise.all([
    page === 1 ? incidents.list({ open: true, type, limit: 100 }) : Promise.resolve([]),
    incidents.list({ type, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }),
    incidents.countsByType(),
  ]);
  return html`<nav aria-label="${t('incidents-types')}" class="chips">
      <a href="/incidents" ${type ? '' : html` aria-current="page"`}>${t('invoices-any')}</a>${types
        .slice(0, 30)
        .map(
          (c) =>
            html`<a
              href="/incidents?type=${encodeURIComponent(c.errorType)}"
              ${type === c.errorType ? html` aria-current="page"` : ''}
              >${c.errorType} (${c.open}/${c.count})</a
            >`,
        )}
    </nav>
    ${page === 1
      ? html`<section>
          <h2>${t('incidents-open')}</h2>
          ${table(v, open)}
        </section>`
      : ''}
    <section>
      <h2>${t('incidents-recent')}</h2>
      ${table(v, recent.slice(0, PAGE_SIZE))}${pager(v, page, recent.length > PAGE_SIZE)}
    </section>`;
}

export async function incidentPage(d: WebDeps, v: View, id: number): Promise<Html | null> {
  const incidents = incidentsOf(d);
  const i = await incidents.get(id);
  if (!i) return null;
  const events = await incidents.events(id);
  return html`<p>
      <span class="state state-${i.state}">${i.state}</span> · ${i.errorType} · ${i.severity} · ${i.target}
    </p>
    <p>${i.message}</p>
    ${actions(v, i)}
    <section>
      <h2>${v.t('incident-events')}</h2>
      <ol>
        ${events.map((e) => html`<li>${when(e.at, v.lang)} <b>${e.state}</b>${e.detail ? ` — ${e.detail}` : ''}</li>`)}
      </ol>
    </section>`;
}

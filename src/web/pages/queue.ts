// Queue: jobs by queue and state, the failed and dead ones with their errors; retry one, retry all failed of a
// queue, cancel. Paged newest first by id (the jobs table's primary key).
import type { JobState } from '../../core/store/index.ts';
import type { WebDeps } from '../deps.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { actionButton, when } from '../view.ts';
import type { View } from '../view.ts';

const PAGE_SIZE = 50;
export const JOB_STATES: readonly JobState[] = ['waiting', 'active', 'done', 'failed', 'dead', 'cancelled'];

export async function queuePage(d: WebDeps, v: View, q: Record<string, string | undefined>): Promise<Html> {
  const { t } = v;
  const stats = await d.queue.stats();
  const name = stats.some((s) => s.queue === q.queue) ? q.queue : undefined;
  const state = JOB_STATES.includes(q.state as JobState) ? (q.state as JobState) : undefined;
  const before = q.before && /^\d{1,15}$/.test(q.before) ? Number(q.before) : undefined;
  const jobs = name
    ? await d.queue.list({ queue: name, ...(state ? { states: [state] } : {}), beforeId: before }, PAGE_SIZE + 1)
    : [];
  const shown = jobs.slice(0, PAGE_SIZE);
  const link = (s?: string): string => `/queue?queue=${encodeURIComponent(name ?? '')}${s ? `&state=${s}` : ''}`;
  return html`<table>
      <thead>
        <tr>
          <th scope="col">${t('col-queue')}</th>
          <th scope="col">${t('col-counts')}</th>
          <th scope="col">${t('col-actions')}</th>
        </tr>
      </thead>
      <tbody>
        ${stats.map(
          (s) =>
            html`<tr>
              <td><a href="/queue?queue=${encodeURIComponent(s.queue)}">${s.queue}</a></td>
              <td>
                ${JOB_STATES.filter((st) => s.counts[st]).map(
                  (st) =>
                    html`<a href="/queue?queue=${encodeURIComponent(s.queue)}&state=${st}"
                      >${st} ${s.counts[st] ?? 0}</a
                    > `,
                )}
              </td>
              <td>
                ${(s.counts.failed ?? 0) + (s.counts.dead ?? 0) > 0
                  ? actionButton(v, '/queue/retry', t('queue-retry-all', { queue: s.queue }), { queue: s.queue })
                  : ''}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${name
      ? html`<section>
          <h2>${t('queue-jobs', { queue: name })}</h2>
          <nav class="chips" aria-label="${t('col-state')}">
            <a href="${link()}" ${state ? '' : html` aria-current="page"`}>${t('queue-all')}</a>${JOB_STATES.map(
              (s) => html`<a href="${link(s)}" ${state === s ? html` aria-current="page"` : ''}>${s}</a>`,
            )}
          </nav>
          ${shown.length === 0
            ? html`<p>${t('none')}</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">${t('col-id')}</th>
                    <th scope="col">${t('col-state')}</th>
                    <th scope="col">${t('col-attempts')}</th>
                    <th scope="col">${t('col-when')}</th>
                    <th scope="col">${t('col-error')}</th>
                    <th scope="col">${t('col-actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${shown.map(
                    (j) =>
                      html`<tr>
                        <td>${j.id}</td>
                        <td><span class="state state-${j.state}">${j.state}</span></td>
                        <td class="num">${j.attempts}/${j.maxAttempts}</td>
                        <td>${when(j.finishedAt ?? j.runAt, v.lang)}</td>
                        <td class="err">${(j.lastError ?? '').split('\n')[0]?.slice(0, 300)}</td>
                        <td>
                          ${['failed', 'dead', 'cancelled', 'done'].includes(j.state)
                            ? actionButton(v, `/queue/jobs/${j.id}/retry`, t('queue-retry'))
                            : ''}${['waiting', 'active'].includes(j.state)
                            ? actionButton(v, `/queue/jobs/${j.id}/cancel`, t('queue-cancel'))
                            : ''}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`}
          <nav class="pager">
            ${jobs.length > PAGE_SIZE
              ? html`<a rel="next" href="${link(state)}&before=${shown[shown.length - 1]?.id ?? 0}">${t('next')}</a>`
              : ''}
          </nav>
        </section>`
      : ''}`;
}

// Now: the facts of /status — modules, queues, disk, open incidents, intake paused — refreshed live.
import { formatBytes, formatSeconds } from '../../core/format.ts';
import { Incidents } from '../../monitor/index.ts';
import { intakePaused } from '../../pipeline/intake/index.ts';
import type { WebDeps } from '../deps.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { when } from '../view.ts';
import type { View } from '../view.ts';

/** The part of the page the script fetches again every few seconds. */
export async function nowFacts(d: WebDeps, v: View): Promise<Html> {
  const { t } = v;
  const [r, paused, open] = await Promise.all([
    d.status(),
    intakePaused(d.store),
    new Incidents(d.store, { journal: null }).list({ open: true, limit: 20 }),
  ]);
  return html`<p>
      ${r.running
        ? t('now-running', { version: r.version, uptime: formatSeconds(r.uptime_seconds ?? 0) })
        : t('now-down', { version: r.version })}
    </p>
    <p class="${paused ? 'bad' : 'ok'}">
      ${paused ? t('now-intake-paused', { reason: paused.reason }) : t('now-intake-running')}
    </p>
    <section>
      <h2>${t('now-modules')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${t('col-name')}</th>
            <th scope="col">${t('col-state')}</th>
            <th scope="col">${t('col-detail')}</th>
          </tr>
        </thead>
        <tbody>
          ${[
            {
              name: t('now-store'),
              state: r.store.ok ? 'ok' : 'down',
              detail: `${r.store.kind} ${r.store.location}${r.store.error ? `: ${r.store.error}` : ''}`,
            },
            ...r.modules,
          ].map(
            (m) =>
              html`<tr>
                <td>${m.name}</td>
                <td><span class="state state-${m.state}">${m.state}</span></td>
                <td>${m.detail ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h2>${t('now-queues')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${t('col-queue')}</th>
            <th scope="col">${t('col-counts')}</th>
            <th scope="col">${t('col-oldest')}</th>
          </tr>
        </thead>
        <tbody>
          ${r.queues.map(
            (q) =>
              html`<tr>
                <td><a href="/queue?queue=${encodeURIComponent(q.queue)}">${q.queue}</a></td>
                <td>
                  ${Object.entries(q.counts)
                    .map(([s, n]) => `${s} ${n}`)
                    .join(', ')}
                </td>
                <td>${q.oldestWaitingSeconds > 0 ? formatSeconds(q.oldestWaitingSeconds) : '—'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h2>${t('now-incidents')} (${open.length})</h2>
      ${open.length === 0
        ? html`<p>${t('none')}</p>`
        : html`<ul>
            ${open.map(
              (i) =>
                html`<li>
                  <a href="/incidents/${i.id}">#${i.id} ${i.errorType}</a> — ${i.state} — ${i.message.slice(0, 160)}
                </li>`,
            )}
          </ul>`}
    </section>
    <section>
      <h2>${t('now-batches')}</h2>
      ${(r.batches ?? []).length === 0
        ? html`<p>${t('none')}</p>`
        : html`<ul>
            ${(r.batches ?? []).map(
              (b) =>
                html`<li><a href="/batch/${b.batch_id}">${b.batch_id}</a> (${b.source}): ${b.done}/${b.total}</li>`,
            )}
          </ul>`}
    </section>
    <section>
      <h2>${t('now-disk')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${t('col-path')}</th>
            <th scope="col">${t('col-free')}</th>
            <th scope="col">${t('col-total')}</th>
          </tr>
        </thead>
        <tbody>
          ${r.disk.map(
            (x) =>
              html`<tr>
                <td>${x.path}</td>
                <td>${formatBytes(x.free_bytes)}</td>
                <td>${formatBytes(x.total_bytes)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h2>${t('now-errors')}</h2>
      ${r.recent_errors.length === 0
        ? html`<p>${t('none')}</p>`
        : html`<ul>
            ${r.recent_errors.map(
              (e) =>
                html`<li>
                  #${e.job_id} ${e.queue} ${e.state} ${when(e.at, v.lang)}:
                  ${(e.error ?? '').split('\n')[0]?.slice(0, 200)}
                </li>`,
            )}
          </ul>`}
    </section>`;
}

export async function nowPage(d: WebDeps, v: View): Promise<Html> {
  return html`<p class="live">${v.t('live')}</p>
    <div data-refresh="/now?part=facts">${await nowFacts(d, v)}</div>`;
}

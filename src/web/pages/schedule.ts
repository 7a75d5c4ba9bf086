// Schedule: the posts waiting to go out, per creator and day, with their state. Admins approve, edit a caption,
// reschedule or skip (the content module's PostCommands, as the bot's commands); a creator sees only their own.
import { formatLocalTime } from '../../core/format.ts';
import { sayIn } from '../../locales/index.ts';
import { PostCommands, PostRecords } from '../../pipeline/content/index.ts';
import type { Post } from '../../pipeline/content/index.ts';
import type { WebDeps } from '../deps.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { actionButton, csrfField } from '../view.ts';
import type { View } from '../view.ts';

const SHOWN = 200;

export function postCommands(d: WebDeps): PostCommands {
  return new PostCommands(d.config, d.store, d.queue);
}

/** A content answer ({key, vars} of the bot's locales) as plain text in the person's language. */
export function answerText(lang: string, a: { key: string; vars?: Record<string, string | number> }): string {
  return sayIn(lang)(a.key, a.vars).replace(/<[^>]+>/g, '');
}

function zoneOf(d: WebDeps, creator: string): string {
  return d.config.content.creators.find((c) => c.folder === creator)?.timezone ?? 'UTC';
}

function postActions(v: View, p: Post): Html {
  const { t } = v;
  if (v.user.role !== 'admin') return html``;
  const base = `/schedule/${p.id}`;
  return html`<div class="actions">
    ${p.state === 'awaiting_approval' ? actionButton(v, `${base}/approve`, t('schedule-approve')) : ''}
    ${actionButton(v, `${base}/skip`, t('schedule-skip'))}
    <form method="post" action="${base}/reschedule" class="inline">
      ${csrfField(v)}<input type="hidden" name="back" value="${v.url}" /><label
        >${t('schedule-when')} <input name="when" required size="16" /></label
      ><button type="submit">${t('schedule-reschedule')}</button>
    </form>
    <form method="post" action="${base}/caption" class="inline">
      ${csrfField(v)}<input type="hidden" name="back" value="${v.url}" /><label
        >${t('col-caption')} <textarea name="caption" rows="2" required>${p.caption ?? ''}</textarea></label
      ><button type="submit">${t('schedule-caption')}</button>
    </form>
  </div>`;
}

export async function schedulePage(d: WebDeps, v: View, creatorAsked: string | undefined): Promise<Html> {
  const { t } = v;
  // A creator sees their own folder's posts whatever the query says.
  const creator = v.user.role === 'model' ? (v.user.folder ?? '\u0000') : creatorAsked || undefined;
  const posts = await new PostRecords(d.store).upcoming(SHOWN, creator);
  if (posts.length === 0) return html`<p>${t('schedule-none')}</p>`;
  const days = new Map<string, Post[]>();
  for (const p of posts) {
    const day = p.planned_at === null ? '—' : new Date(Number(p.planned_at)).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), p]);
  }
  return html`${[...days].map(
    ([day, list]) =>
      html`<section class="day">
        <h2>${day}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">${t('col-id')}</th>
              <th scope="col">${t('col-creator')}</th>
              <th scope="col">${t('col-planned')}</th>
              <th scope="col">${t('col-state')}</th>
              <th scope="col">${t('col-caption')}</th>
              <th scope="col">${t('col-actions')}</th>
            </tr>
          </thead>
          <tbody>
            ${list.map(
              (p) =>
                html`<tr>
                  <td>${p.id}</td>
                  <td>${p.creator}</td>
                  <td>
                    ${p.planned_at === null ? '—' : formatLocalTime(Number(p.planned_at), zoneOf(d, p.creator), v.lang)}
                  </td>
                  <td><span class="state state-${p.state}">${p.state}</span></td>
                  <td class="caption">${p.caption ?? ''}</td>
                  <td>${postActions(v, p)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>`,
  )}`;
}

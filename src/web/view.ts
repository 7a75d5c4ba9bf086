// What every page is drawn with: the signed-in person, their language, the CSRF field, the page shell with the
// pages their role may open, a pager, and times written for people.
import type { WebUser } from './auth.ts';
import { html } from './html.ts';
import type { Html } from './html.ts';
import type { Lang, T, TextKey } from './text.ts';

export type Role = WebUser['role'];

export interface View {
  user: WebUser;
  csrf: string;
  lang: Lang;
  t: T;
  /** The path asked for, with its query: where a form sends the person back to. */
  url: string;
}

/** Pages in the menu, and who may open each. */
export const PAGES: ReadonlyArray<{ path: string; key: TextKey; roles: readonly Role[] }> = [
  { path: '/now', key: 'nav-now', roles: ['admin'] },
  { path: '/upload', key: 'nav-upload', roles: ['admin', 'staff'] },
  { path: '/batch', key: 'nav-batches', roles: ['admin', 'staff'] },
  { path: '/invoices', key: 'nav-invoices', roles: ['admin', 'staff'] },
  { path: '/review', key: 'nav-review', roles: ['admin', 'staff'] },
  { path: '/incidents', key: 'nav-incidents', roles: ['admin'] },
  { path: '/queue', key: 'nav-queue', roles: ['admin'] },
  { path: '/schedule', key: 'nav-schedule', roles: ['admin', 'model'] },
  { path: '/audit', key: 'nav-audit', roles: ['admin'] },
];

/** The first page a role may open: where `/` sends a signed-in person. */
export function homeOf(role: Role): string {
  return PAGES.find((p) => p.roles.includes(role))?.path ?? '/';
}

export function csrfField(v: View): Html {
  return html`<input type="hidden" name="_csrf" value="${v.csrf}" />`;
}

/** A button in its own small form that POSTs to `action` (with the CSRF token and where to come back to). */
export function actionButton(v: View, action: string, label: string, fields: Record<string, string> = {}): Html {
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(v)}<input type="hidden" name="back" value="${v.url}" />${Object.entries(fields).map(
      ([k, val]) => html`<input type="hidden" name="${k}" value="${val}" />`,
    )}<button type="submit">${label}</button>
  </form>`;
}

export function when(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined) return '—';
  return (
    new Date(Number(ms)).toLocaleString(lang === 'en' ? 'en-GB' : 'es-MX', {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone: 'UTC',
    }) + ' UTC'
  );
}

/** Previous/next links for a list paged by ?page=N (1-based). */
export function pager(v: View, page: number, hasMore: boolean): Html {
  const link = (n: number): string => {
    const u = new URL(v.url, 'http://x');
    u.searchParams.set('page', String(n));
    return `${u.pathname}${u.search}`;
  };
  return html`<nav class="pager" aria-label="${v.t('page-n', { n: page })}">
    ${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">${v.t('previous')}</a>` : ''}<span>${v.t('page-n', {
      n: page,
    })}</span>${hasMore ? html`<a href="${link(page + 1)}" rel="next">${v.t('next')}</a>` : ''}
  </nav>`;
}

/** The whole document: skip link, menu of the person's pages, the flash message, the content. */
export function layout(v: View, title: string, body: Html, flash?: string | null): Html {
  const path = new URL(v.url, 'http://x').pathname;
  const nav = PAGES.filter((p) => p.roles.includes(v.user.role)).map(
    (p) =>
      html`<li><a href="${p.path}" ${path.startsWith(p.path) ? html` aria-current="page"` : ''}>${v.t(p.key)}</a></li>`,
  );
  return document(
    v.lang,
    `${title} · ${v.t('app-name')}`,
    html`<a class="skip" href="#main">${v.t('skip-to-main')}</a>
      <header>
        <span class="brand">${v.t('app-name')}</span>
        <nav aria-label="${v.t('nav-label')}">
          <ul>
            ${nav}
          </ul>
        </nav>
        <div class="who">
          <span>${v.t('signed-in-as', { name: v.user.name, role: v.t(`role-${v.user.role}`) })}</span>
          <form method="post" action="/signout" class="inline">
            ${csrfField(v)}<button type="submit">${v.t('sign-out')}</button>
          </form>
        </div>
      </header>
      <main id="main" data-csrf="${v.csrf}">
        <h1>${title}</h1>
        ${flash ? html`<p class="flash" role="status">${flash}</p>` : ''}${body}
      </main>`,
  );
}

/** A page without the menu (sign-in). */
export function document(lang: Lang, title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}

// Signed out: how to get a link (send /web to the bot), and the confirmation a link opens.
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { translator } from '../text.ts';
import type { Lang } from '../text.ts';
import { document } from '../view.ts';

export function signInPage(lang: Lang, refused?: string): Html {
  const t = translator(lang);
  return document(
    lang,
    `${t('signin-title')} · ${t('app-name')}`,
    html`<main id="main" class="signin">
      <h1>${t('app-name')}</h1>
      ${refused ? html`<p class="flash bad" role="alert">${refused}</p>` : ''}
      <p>${t('signin-how')}</p>
    </main>`,
  );
}

export function signInConfirmPage(lang: Lang, token: string): Html {
  const t = translator(lang);
  return document(
    lang,
    `${t('signin-title')} · ${t('app-name')}`,
    html`<main id="main" class="signin">
      <h1>${t('app-name')}</h1>
      <form method="post" action="/signin">
        <p>${t('signin-confirm')}</p>
        <input type="hidden" name="t" value="${token}" /><button type="submit">${t('signin-button')}</button>
      </form>
    </main>`,
  );
}

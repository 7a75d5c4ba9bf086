// The web page's routes on the control API. They authenticate themselves (a session cookie from a Telegram link),
// so the API's bearer check passes them by (WEB_PATHS); every POST needs the session's CSRF token, and every change
// is written to the audit log. Pages are drawn on the server; app.js adds uploads, live refresh and little more.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseDuration } from '../core/config.ts';
import { formatTime } from '../core/format.ts';
import { Silences } from '../monitor/index.ts';
import { InvoiceSearch, ReviewError, ReviewRecords } from '../pipeline/invoices/index.ts';
import type { ReviewDecision } from '../pipeline/invoices/index.ts';
import { IntakeRecords, retryFiles } from '../pipeline/intake/index.ts';
import { receiveUpload, uploadLimits } from '../pipeline/sources/index.ts';
import { Audit } from './audit.ts';
import { WebAuth, sameToken } from './auth.ts';
import type { SignedIn } from './auth.ts';
import type { WebDeps } from './deps.ts';
import { html } from './html.ts';
import type { Html } from './html.ts';
import { auditPage } from './pages/audit.ts';
import { incidentPage, incidentsOf, incidentsPage, SILENCE_CHOICES } from './pages/incidents.ts';
import { exportInvoices, invoicePage, invoicesPage } from './pages/invoices.ts';
import { nowFacts, nowPage } from './pages/now.ts';
import { queuePage } from './pages/queue.ts';
import { reviewActions, reviewPage } from './pages/review.ts';
import { answerText, postCommands, schedulePage } from './pages/schedule.ts';
import { signInPage, signInConfirmPage } from './pages/signin.ts';
import { batchFacts, batchPage, batchesPage, uploadPage } from './pages/upload.ts';
import { langFromHeader, translator } from './text.ts';
import type { TextKey } from './text.ts';
import { homeOf, layout } from './view.ts';
import type { Role, View } from './view.ts';

const SESSION_COOKIE = 'centinela_session';
const FLASH_COOKIE = 'centinela_flash';
const ASSETS = join(import.meta.dirname, 'assets');

type Query = Record<string, string | undefined>;
type Body = Record<string, string | undefined>;

/** Every path the web routes answer: the API's bearer check leaves them to the web's own sign-in. */
export const WEB_PATHS = [
  '/',
  '/signin',
  '/signout',
  '/assets/app.js',
  '/assets/app.css',
  '/now',
  '/upload',
  '/batch',
  '/batch/:id',
  '/invoices',
  '/invoices/:id',
  '/invoices/export.csv',
  '/invoices/export.json',
  '/file/:id',
  '/review',
  '/review/:id',
  '/quarantine/:id/retry',
  '/incidents',
  '/incidents/:id',
  '/incidents/:id/:action',
  '/queue',
  '/queue/retry',
  '/queue/jobs/:id/:action',
  '/schedule',
  '/schedule/:id/:action',
  '/audit',
];

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // A sign-in link's token must not leave in a Referer header.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function cookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** A path on this site to go back to after a form; anything else (another site, //host) goes home. */
function safeBack(back: string | undefined): string {
  return back && /^\/(?![/\\])[^\s]*$/.test(back) ? back : '/';
}

const idParam = (s: string): number | null => (/^\d{1,15}$/.test(s) ? Number(s) : null);
const pageOf = (q: Query): number => Math.min(100_000, Math.max(1, Number(q.page) || 1));

export function webRoutes(d: WebDeps): (app: FastifyInstance) => void {
  const auth = new WebAuth(d.store, d.config.telegram.users, d.config.web.session_days);
  const audit = new Audit(d.store);
  const httpsSite = d.config.web.base_url.startsWith('https:');
  const assets = new Map<string, Promise<string>>();
  const asset = (name: string): Promise<string> => {
    let text = assets.get(name);
    if (!text) assets.set(name, (text = readFile(join(ASSETS, name), 'utf8')));
    return text;
  };
  const cookie = (req: FastifyRequest, name: string, value: string, maxAge: number): string =>
    `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${httpsSite || req.protocol === 'https' ? '; Secure' : ''}`;

  const viewOf = (req: FastifyRequest, s: SignedIn): View => ({
    user: s.user,
    csrf: s.csrf,
    lang: s.user.language,
    t: translator(s.user.language),
    url: req.url,
  });
  const who = (v: View): string => `${v.user.name} (telegram ${v.user.id})`;

  const sendHtml = (reply: FastifyReply, body: Html, code = 200): FastifyReply =>
    reply.code(code).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(body.text);

  /** The signed-in person, or an answer already sent (sign-in page, refusal). */
  async function signedIn(req: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): Promise<View | null> {
    const s = await auth.session(cookies(req)[SESSION_COOKIE]);
    if (!s) {
      if (req.method === 'GET') await reply.redirect('/', 303);
      else await reply.code(401).send({ error: 'not signed in: send /web to the bot in Telegram for a link' });
      return null;
    }
    const v = viewOf(req, s);
    if (!roles.includes(s.user.role)) {
      await sendHtml(reply, layout(v, v.t('forbidden'), html``), 403);
      return null;
    }
    return v;
  }

  function page(
    app: FastifyInstance,
    path: string,
    roles: readonly Role[],
    title: (v: View, params: Record<string, string>) => string,
    draw: (v: View, req: FastifyRequest, reply: FastifyReply) => Promise<Html | null>,
  ): void {
    app.get(path, async (req, reply) => {
      const v = await signedIn(req, reply, roles);
      if (!v) return reply;
      const body = await draw(v, req, reply);
      if (reply.sent) return reply;
      if (body === null) return sendHtml(reply, layout(v, v.t('not-found'), html``), 404);
      // A fragment for the script's live refresh: the part alone.
      if ((req.query as Query).part) return sendHtml(reply, body);
      const flash = cookies(req)[FLASH_COOKIE];
      if (flash) reply.header('set-cookie', cookie(req, FLASH_COOKIE, '', 0));
      return sendHtml(reply, layout(v, title(v, req.params as Record<string, string>), body, flash));
    });
  }

  /** A POST that changes something: CSRF checked, done, audited by `act`, then back to the page with a message. */
  function action(
    app: FastifyInstance,
    path: string,
    roles: readonly Role[],
    act: (v: View, params: Record<string, string>, body: Body) => Promise<string>,
  ): void {
    app.post(path, async (req, reply) => {
      const v = await signedIn(req, reply, roles);
      if (!v) return reply;
      const body = (req.body ?? {}) as Body;
      if (!sameToken(body._csrf ?? (req.headers['x-csrf-token'] as string | undefined), v.csrf))
        return sendHtml(reply, layout(v, v.t('csrf-refused'), html``), 403);
      const flash = await act(v, req.params as Record<string, string>, body);
      return reply.header('set-cookie', cookie(req, FLASH_COOKIE, flash, 60)).redirect(safeBack(body.back), 303);
    });
  }

  return (app) => {
    void app.register(async (scope) => {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 256 * 1024 },
        (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
      );
      await scope.register(multipart, { limits: uploadLimits(d.config), throwFileSizeLimit: false });

      scope.get('/assets/app.js', async (_req, reply) =>
        reply
          .type('text/javascript; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send(await asset('app.js')),
      );
      scope.get('/assets/app.css', async (_req, reply) =>
        reply
          .type('text/css; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send(await asset('app.css')),
      );

      scope.get('/', async (req, reply) => {
        const s = await auth.session(cookies(req)[SESSION_COOKIE]);
        if (s) return reply.redirect(homeOf(s.user.role), 303);
        return sendHtml(reply, signInPage(langFromHeader(req.headers['accept-language'])));
      });
      // Opening the link only asks; the POST signs in. A link preview or a scanner that fetches the URL uses nothing.
      scope.get<{ Querystring: Query }>('/signin', async (req, reply) => {
        const lang = langFromHeader(req.headers['accept-language']);
        const token = req.query.t;
        return sendHtml(reply, token ? signInConfirmPage(lang, token) : signInPage(lang));
      });
      scope.post('/signin', async (req, reply) => {
        const lang = langFromHeader(req.headers['accept-language']);
        const token = ((req.body ?? {}) as Body).t ?? '';
        const used = token ? await auth.useLink(token) : { refused: 'unknown' as const };
        if ('refused' in used) {
          d.log.info({ why: used.refused }, 'web sign-in refused');
          return sendHtml(reply, signInPage(lang, translator(lang)(`signin-refused-${used.refused}` as TextKey)), 403);
        }
        await audit.record(`${used.user.name} (telegram ${used.user.id})`, 'sign-in', 'web');
        return reply
          .header('set-cookie', cookie(req, SESSION_COOKIE, used.session, auth.sessionSeconds))
          .redirect(homeOf(used.user.role), 303);
      });
      scope.post('/signout', async (req, reply) => {
        const token = cookies(req)[SESSION_COOKIE];
        const s = await auth.session(token);
        if (s && token && sameToken(((req.body ?? {}) as Body)._csrf, s.csrf)) await auth.end(token);
        return reply.header('set-cookie', cookie(req, SESSION_COOKIE, '', 0)).redirect('/', 303);
      });

      const OFFICE: Role[] = ['admin', 'staff'];
      const ADMIN: Role[] = ['admin'];

      page(
        scope,
        '/now',
        ADMIN,
        (v) => v.t('now-title'),
        async (v, req) => ((req.query as Query).part ? nowFacts(d, v) : nowPage(d, v)),
      );

      page(
        scope,
        '/upload',
        OFFICE,
        (v) => v.t('upload-title'),
        async (v, req) => {
          const batch = (req.query as Query).batch;
          const report = batch ? await d.upload.report(batch) : null;
          return html`${uploadPage(v)}
            <div id="batch-live">${report ? batchPage(report, v) : ''}</div>`;
        },
      );
      scope.post('/upload', async (req, reply) => {
        const v = await signedIn(req, reply, OFFICE);
        if (!v) return reply;
        if (!sameToken(req.headers['x-csrf-token'] as string | undefined, v.csrf))
          return reply.code(403).send({ error: v.t('csrf-refused') });
        const result = await receiveUpload(d.upload, req, v.user.name);
        const accepted = result.files.filter((f) => f.status === 'accepted').length;
        await audit.record(
          who(v),
          'upload',
          result.batch_id ?? '—',
          `${accepted} accepted, ${result.files.length - accepted} refused`,
        );
        return result;
      });
      page(
        scope,
        '/batch',
        OFFICE,
        (v) => v.t('batches-title'),
        async (v, req) => batchesPage(d, v, pageOf(req.query as Query)),
      );
      page(
        scope,
        '/batch/:id',
        OFFICE,
        (v, p) => v.t('batch-title', { id: p.id ?? '' }),
        async (v, req) => {
          const report = await d.upload.report((req.params as { id: string }).id);
          if (!report) return null;
          return (req.query as Query).part ? batchFacts(report, v) : batchPage(report, v);
        },
      );

      page(
        scope,
        '/invoices',
        OFFICE,
        (v) => v.t('invoices-title'),
        async (v, req) => invoicesPage(d, v, req.query as Query, pageOf(req.query as Query)),
      );
      page(
        scope,
        '/invoices/:id',
        OFFICE,
        (v, p) => v.t('invoice-title', { id: p.id ?? '' }),
        async (v, req) => {
          const id = idParam((req.params as { id: string }).id);
          if (id === null) return null;
          const detail = await new InvoiceSearch(d.store).detail(id);
          return detail ? invoicePage(d, v, id, reviewActions(v, detail.invoice)) : null;
        },
      );
      for (const format of ['csv', 'json'] as const) {
        scope.get(`/invoices/export.${format}`, async (req, reply) => {
          const v = await signedIn(req, reply, OFFICE);
          if (!v) return reply;
          const text = await exportInvoices(d, req.query as Query, format);
          return reply
            .headers({ ...SECURITY_HEADERS, 'content-disposition': `attachment; filename="invoices.${format}"` })
            .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
            .send(text);
        });
      }
      scope.get<{ Params: { id: string }; Querystring: Query }>('/file/:id', async (req, reply) => {
        const v = await signedIn(req, reply, OFFICE);
        if (!v) return reply;
        const id = idParam(req.params.id);
        const file =
          id !== null && (await new InvoiceSearch(d.store).isInvoiceFile(id))
            ? await new IntakeRecords(d.store).file(id)
            : undefined;
        if (!file?.path) return reply.code(404).send({ error: `no invoice file ${req.params.id}` });
        const name = file.file_name ?? basename(file.path);
        const ext = extname(name).toLowerCase();
        const inline = {
          '.pdf': 'application/pdf',
          '.png': 'image/png',
          '.jpg': 'image/jpeg',
          '.jpeg': 'image/jpeg',
          '.webp': 'image/webp',
        }[ext];
        const stream = createReadStream(file.path);
        await new Promise<void>((ok, fail) => stream.once('open', () => ok()).once('error', fail)).catch(() => null);
        if (stream.destroyed) return reply.code(404).send({ error: `the file of #${id} is no longer on disk` });
        const disposition = inline && req.query.download === undefined ? 'inline' : 'attachment';
        return reply
          .headers({
            'x-content-type-options': 'nosniff',
            'content-security-policy': 'sandbox',
            'content-disposition': `${disposition}; filename="${name.replace(/[^\w.-]/g, '_')}"`,
          })
          .type(inline ?? (ext === '.xml' ? 'application/xml' : 'application/octet-stream'))
          .send(stream);
      });

      page(
        scope,
        '/review',
        OFFICE,
        (v) => v.t('review-title'),
        async (v, req) => reviewPage(d, v, pageOf(req.query as Query)),
      );
      action(scope, '/review/:id', OFFICE, async (v, p, body) => {
        const id = idParam(p.id ?? '');
        const decision = body.decision as ReviewDecision;
        if (id === null || !['approved', 'rejected', 'duplicate'].includes(decision)) return v.t('not-found');
        const fields = body.field && body.value !== undefined ? { [body.field]: body.value } : undefined;
        try {
          const done = await new ReviewRecords(d.store, d.config.paths.data).decide(id, {
            decision,
            by: who(v),
            fields,
          });
          await audit.record(
            who(v),
            `invoice ${decision}`,
            `invoice #${id}`,
            fields ? JSON.stringify(JSON.parse(done.review.changes)) : null,
          );
          return v.t(`review-done-${decision}`, { id });
        } catch (err) {
          if (err instanceof ReviewError) return err.message;
          throw err;
        }
      });
      action(scope, '/quarantine/:id/retry', OFFICE, async (v, p) => {
        const id = idParam(p.id ?? '');
        if (id === null) return v.t('not-found');
        const report = await retryFiles(d.queue, d.store, d.followers, { pipelinesOnly: true, fileIds: [id] });
        const nothing = report.nothing[0];
        if (nothing) return v.t('quarantine-nothing', { id, reason: nothing.reason });
        await audit.record(who(v), 'retry file', `file #${id}`);
        return v.t('quarantine-retried', { id });
      });

      page(
        scope,
        '/incidents',
        ADMIN,
        (v) => v.t('incidents-title'),
        async (v, req) => incidentsPage(d, v, req.query as Query, pageOf(req.query as Query)),
      );
      page(
        scope,
        '/incidents/:id',
        ADMIN,
        (v, p) => v.t('incident-title', { id: p.id ?? '' }),
        async (v, req) => {
          const id = idParam((req.params as { id: string }).id);
          return id === null ? null : incidentPage(d, v, id);
        },
      );
      action(scope, '/incidents/:id/:action', ADMIN, async (v, p, body) => {
        const id = idParam(p.id ?? '');
        const incidents = incidentsOf(d);
        const incident = id === null ? null : await incidents.get(id);
        if (!incident) return v.t('not-found');
        switch (p.action) {
          case 'ack':
            await incidents.ack(incident.id, v.user.name);
            await audit.record(who(v), 'incident ack', `incident #${incident.id}`);
            return v.t('incident-done-ack', { id: incident.id });
          case 'silence': {
            const choice = SILENCE_CHOICES.find((c) => c === body.for) ?? '1h';
            const s = await new Silences(d.store).add({
              matcher: incident.rule,
              durationMs: parseDuration(choice) ?? 3_600_000,
              reason: 'web',
              by: v.user.name,
            });
            await audit.record(who(v), 'incident silence', `rule ${incident.rule}`, choice);
            return v.t('incident-done-silence', { rule: s.matcher, until: formatTime(s.until) });
          }
          case 'retry':
            if (incident.state === 'solved') return v.t('incident-retry-solved', { id: incident.id });
            if (incident.action === null) return v.t('incident-retry-none', { id: incident.id });
            await incidents.requestRetry(incident.id);
            await audit.record(who(v), 'incident retry', `incident #${incident.id}`);
            return v.t('incident-done-retry', { id: incident.id });
          default:
            return v.t('not-found');
        }
      });

      page(
        scope,
        '/queue',
        ADMIN,
        (v) => v.t('queue-title'),
        async (v, req) => queuePage(d, v, req.query as Query),
      );
      action(scope, '/queue/retry', ADMIN, async (v, _p, body) => {
        const queue = body.queue ?? '';
        if (!d.queue.queues.includes(queue) && !(await d.queue.stats()).some((s) => s.queue === queue))
          return v.t('not-found');
        const r = await d.queue.retry({ queue });
        await audit.record(who(v), 'queue retry failed', `queue ${queue}`, `${r.retried.length} jobs`);
        return v.t('queue-done-retry', { count: r.retried.length });
      });
      action(scope, '/queue/jobs/:id/:action', ADMIN, async (v, p) => {
        const id = idParam(p.id ?? '');
        if (id === null) return v.t('not-found');
        if (p.action === 'retry') {
          const r = await d.queue.retry({ ids: [id], states: ['failed', 'dead', 'cancelled'] });
          if (r.retried.length) await audit.record(who(v), 'job retry', `job #${id}`);
          return v.t('queue-done-retry', { count: r.retried.length });
        }
        if (p.action === 'cancel') {
          if (!(await d.queue.cancel(id))) return v.t('queue-not-cancelled', { id });
          await audit.record(who(v), 'job cancel', `job #${id}`);
          return v.t('queue-done-cancel', { id });
        }
        return v.t('not-found');
      });

      page(
        scope,
        '/schedule',
        ['admin', 'model'],
        (v) => v.t('schedule-title'),
        async (v, req) => schedulePage(d, v, (req.query as Query).creator),
      );
      action(scope, '/schedule/:id/:action', ADMIN, async (v, p, body) => {
        const id = idParam(p.id ?? '');
        if (id === null) return v.t('not-found');
        const posts = postCommands(d);
        const by = v.user.name;
        let answer;
        switch (p.action) {
          case 'approve':
            answer = await posts.approve(id, by);
            break;
          case 'skip':
            answer = await posts.skip(id, by);
            break;
          case 'reschedule':
            answer = await posts.reschedule(id, body.when ?? '', by, v.lang);
            break;
          case 'caption':
            if (!body.caption?.trim()) return v.t('not-found');
            answer = await posts.caption(id, body.caption.trim(), by);
            break;
          default:
            return v.t('not-found');
        }
        await audit.record(who(v), `post ${p.action}`, `post #${id}`, answer.key);
        return answerText(v.lang, answer);
      });

      page(
        scope,
        '/audit',
        ADMIN,
        (v) => v.t('audit-title'),
        async (v, req) => auditPage(d, v, pageOf(req.query as Query)),
      );
    });
  };
}

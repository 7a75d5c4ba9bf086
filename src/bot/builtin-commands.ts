// The commands this release ships: /start, /help, /status, /batch, /pause, /resume.
import { readStored, renderAll } from '../core/messages.ts';
import type { Queue } from '../core/queue/index.ts';
import type { Store } from '../core/store/index.ts';
import type { Intake } from '../pipeline/intake/index.ts';
import { DOWNLOAD_QUEUE, retryFiles } from '../pipeline/intake/index.ts';
import { InvoiceRecords, batchProgress, formatBatch } from '../pipeline/invoices/index.ts';
import type { Prices } from '../pipeline/invoices/index.ts';
import type { InvoiceRow } from '../pipeline/invoices/index.ts';
import { formatStatus } from '../status.ts';
import type { StatusReport } from '../status.ts';
import type { Commands } from './commands.ts';
import { reviewKeyboard } from './review-buttons.ts';

const EVERYONE = ['admin', 'staff', 'model'] as const;

export function registerBuiltins(
  commands: Commands,
  intake: Intake,
  status: () => Promise<StatusReport>,
  store: Store,
  queue: Queue,
  prices: Prices,
): void {
  commands.register({
    name: 'start',
    roles: EVERYONE,
    description: 'cmd-start',
    run: async ({ ctx, user, t }) => {
      await ctx.reply(t('start', { name: user.name, role_text: t(`role-${user.role}`) }));
    },
  });
  commands.register({
    name: 'help',
    roles: EVERYONE,
    description: 'cmd-help',
    run: async ({ ctx, user, t }) => {
      const lines = commands.for(user.role).map((c) => `/${c.name} — ${t(c.description)}`);
      await ctx.reply(`${t('help-title')}\n${lines.join('\n')}`);
    },
  });
  commands.register({
    name: 'status',
    roles: ['admin'],
    description: 'cmd-status',
    run: async ({ ctx, t }) => {
      const report = await status();
      const paused = await intake.paused();
      await ctx.reply(
        `${formatStatus(report, { say: t })}${paused ? `\n${t('status-paused', { reason: paused.reason })}` : ''}`,
      );
    },
  });
  commands.register({
    name: 'batch',
    roles: ['admin', 'staff', 'model'],
    description: 'cmd-batch',
    run: async ({ ctx, user, args, t }) => {
      if (!/^b_[a-z0-9]+$/i.test(args)) {
        await ctx.reply(t('batch-usage'));
        return;
      }
      const batch = await intake.records.batch(args.toLowerCase());
      // Staff and models see only their own batches.
      if (!batch || (user.role !== 'admin' && batch.sender_id !== user.id)) {
        await ctx.reply(t('batch-unknown', { batch: args }));
        return;
      }
      await ctx.reply(formatBatch(await batchProgress(store, batch), prices, t));
    },
  });
  commands.register({
    name: 'pause',
    roles: ['admin'],
    description: 'cmd-pause',
    run: async ({ ctx, user, t }) => {
      await intake.pause(`/pause by ${user.name}`);
      await ctx.reply(t('paused'));
    },
  });
  commands.register({
    name: 'resume',
    roles: ['admin'],
    description: 'cmd-resume',
    run: async ({ ctx, t }) => {
      await intake.resume();
      await ctx.reply(t('resumed'));
    },
  });
  commands.register({
    name: 'review',
    roles: ['admin'],
    description: 'cmd-review',
    run: async ({ ctx, t }) => {
      const records = new InvoiceRecords(store);
      const rows = await records.byStatus('review', 20);
      if (rows.length === 0) {
        await ctx.reply(t('review-none'));
        return;
      }
      // Each invoice with its file ids, the #N that /batch shows and /retry takes (issue 10.10).
      const filesOf = await records.fileIdsOf(rows.map((r) => r.id));
      const files = (ids: readonly number[] = []): string =>
        ids.length
          ? t('review-files', { count: ids.length, files: ids.map((id) => `#${id}`).join(', ') })
          : t('review-no-file');
      // Reasons kept as messages are read in the admin's language; older ones as they were written.
      const problems = (r: InvoiceRow): string => renderAll(readStored(r.problems), t) || t('review-no-problem');
      // 20 lines must fit one message (4,096 characters): a long reason is cut; `centinela invoices review` has it whole.
      const line = (r: InvoiceRow): string =>
        t('review-line', {
          id: String(r.id),
          files: files(filesOf.get(r.id)),
          issuer: r.issuer_rfc ?? r.issuer_name ?? t('review-no-issuer'),
          total: r.total ?? t('review-no-total'),
          problems: problems(r),
        });
      const lines = rows.map(line).map((l) => (l.length > 190 ? `${l.slice(0, 189)}…` : l));
      // Approve or reject each one with its buttons.
      await ctx.reply(`${t('review-title', { count: rows.length })}\n${lines.join('\n')}`, {
        reply_markup: { inline_keyboard: reviewKeyboard(rows, t) },
      });
    },
  });
  commands.register({
    name: 'retry',
    roles: ['admin'],
    description: 'cmd-retry',
    run: async ({ ctx, args, t }) => {
      // Failed and dead downloads and invoices (quarantined files among them) run again with fresh attempts;
      // "/retry 12 15" only those files.
      const words = args.split(/[\s,]+/).filter(Boolean);
      const fileIds = words.map((w) => Number(w.replace(/^#/, ''))); // "/retry #12" as /batch and /review write it
      if (fileIds.some((n) => !Number.isInteger(n) || n <= 0)) {
        await ctx.reply(t('retry-usage'));
        return;
      }
      const report = await retryFiles(queue, store, intake.followers, fileIds.length ? { fileIds } : {});
      const notes = [
        ...report.nothing.map((n) => t(`retry-nothing-${n.code}`, { id: String(n.fileId) })),
        ...(report.skipped.length ? [t('retry-skipped', { count: report.skipped.length })] : []),
      ];
      const downloads = report.retried.filter((r) => r.queue === DOWNLOAD_QUEUE.name);
      const files = [...new Set(report.retried.map((r) => r.fileId).filter((id) => id !== null))].map((id) => `#${id}`);
      const answer = report.retried.length
        ? t('retried', {
            downloads: downloads.length,
            invoices: report.retried.length - downloads.length,
            files: files.join(', ') || '—',
          })
        : t('retried-none');
      await ctx.reply([answer, ...notes].join('\n'));
    },
  });
}

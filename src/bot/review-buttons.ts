// The buttons under /review: an admin approves or rejects each invoice waiting for review, recorded with their name
// and the time (pipeline/invoices/review.ts). Corrections of fields are made with `centinela invoices approve --field`.
import type { InlineKeyboardButton } from 'grammy/types';
import type { Store } from '../core/store/index.ts';
import { ReviewRecords, ReviewError } from '../pipeline/invoices/index.ts';
import type { InvoiceRow } from '../pipeline/invoices/index.ts';
import type { BotUser } from './users.ts';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** `inv:<approve|reject>:<invoice id>`; null for anything else. */
export function parseReviewButton(data: string): { action: 'approve' | 'reject'; id: number } | null {
  const m = /^inv:(approve|reject):(\d{1,15})$/.exec(data);
  return m ? { action: m[1] as 'approve' | 'reject', id: Number(m[2]) } : null;
}

/** One row of two buttons per invoice. Ids go in as text: Fluent would write 1234 as "1,234". */
export function reviewKeyboard(rows: readonly InvoiceRow[], t: T): InlineKeyboardButton[][] {
  return rows.map((r) => [
    { text: t('review-approve-button', { id: String(r.id) }), callback_data: `inv:approve:${r.id}` },
    { text: t('review-reject-button', { id: String(r.id) }), callback_data: `inv:reject:${r.id}` },
  ]);
}

/** Takes the decision for an admin's press; the answer to show them. */
export async function pressReviewButton(
  press: { action: 'approve' | 'reject'; id: number },
  user: BotUser,
  store: Store,
  dataDir: string,
  t: T,
): Promise<string> {
  try {
    const by = `${user.name} (telegram ${user.id})`;
    await new ReviewRecords(store, dataDir).decide(press.id, {
      decision: press.action === 'approve' ? 'approved' : 'rejected',
      by,
    });
    return t(press.action === 'approve' ? 'review-approved' : 'review-rejected', { id: String(press.id) });
  } catch (err) {
    if (err instanceof ReviewError) return err.message;
    throw err;
  }
}

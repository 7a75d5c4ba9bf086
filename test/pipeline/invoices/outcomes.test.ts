// Item outcomes, batch progress, ETA, cost and retries: pure rules first, then the store code on SQLite and on
// PostgreSQL (files in every state of a batch, their invoice jobs, and what progress, status and retry make of them).
import { afterEach, describe, expect, it } from 'vitest';
import { IntakeRecords, retryFiles } from '../../../src/pipeline/intake/index.ts';
import type { BatchRow, FileRow } from '../../../src/pipeline/intake/index.ts';
import { english } from '../../../src/locales/index.ts';
import { englishReason } from '../../support/english.ts';
import {
  INVOICE_QUEUE,
  InvoiceRecords,
  OutcomeRecords,
  batchesInProgress,
  fileProgress as fileProgressKept,
  formatBatch,
  formatCost,
  invoiceFollower,
  loadBatchProgress,
  ratePerMinute,
  summariseBatch,
  tokenCost,
} from '../../../src/pipeline/invoices/index.ts';
import type { FileProgress, OutcomeRow, Prices } from '../../../src/pipeline/invoices/index.ts';
import { emptyInvoice } from '../../../src/pipeline/invoices/empty.ts';
import { STORE_KINDS, createTestStore, testQueue } from '../../support/stores.ts';
import type { TestStore } from '../../support/stores.ts';

const USD: Prices = { inputPerMillion: 0.15, outputPerMillion: 0.6, currency: 'USD' };
const T0 = Date.UTC(2026, 0, 5, 14, 0, 0);

function batchRow(over: Partial<BatchRow> = {}): BatchRow {
  return {
    id: 'b_00000001',
    source: 'http',
    purpose: 'invoice',
    chat_id: null,
    sender_id: null,
    language: 'es',
    state: 'closed',
    media_group_id: null,
    tags: null,
    receipt_message_id: null,
    progress_message_id: null,
    progress_done: null,
    closes_at: T0,
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}

function fileRow(id: number, over: Partial<FileRow> = {}): FileRow {
  return {
    id,
    source: 'http',
    kind: 'document',
    purpose: 'invoice',
    state: 'stored',
    batch_id: 'b_00000001',
    sender_id: null,
    sender_name: null,
    chat_id: null,
    message_id: null,
    update_id: null,
    media_group_id: null,
    file_id: null,
    file_unique_id: null,
    file_name: `f${id}.pdf`,
    mime_type: null,
    size: 10,
    folder: null,
    path: `/x/f${id}.pdf`,
    sha256: `sha${id}`,
    duplicate_of: null,
    error: null,
    caption: null,
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}

function outcome(fileId: number, item: number, o: OutcomeRow['outcome'], at: number, tokens = [0, 0]): OutcomeRow {
  return {
    file_id: fileId,
    item,
    outcome: o,
    record_id: o === 'error' ? null : 100 + item,
    reason: o === 'ok' ? null : `why ${item}`,
    input_tokens: tokens[0] ?? 0,
    output_tokens: tokens[1] ?? 0,
    finished_at: at,
  };
}

/** fileProgress with its reason in English (reasons are kept as messages). */
const fileProgress = (...args: Parameters<typeof fileProgressKept>): FileProgress => {
  const p = fileProgressKept(...args);
  return { ...p, reason: englishReason(p.reason) ?? null };
};

const done = (at: number) => ({ state: 'done' as const, lastError: null, finishedAt: at, live: false });

describe('progress rules', () => {
  it('derives each file status from its state, its job and its outcomes', () => {
    expect(fileProgress(fileRow(1, { state: 'received' }), [], undefined).status).toBe('pending');
    expect(fileProgress(fileRow(2, { state: 'duplicate', duplicate_of: 1 }), [], undefined)).toMatchObject({
      status: 'duplicate',
      items: [{ outcome: 'duplicate' }],
    });
    expect(fileProgress(fileRow(3, { state: 'failed', error: 'HTTP 404' }), [], undefined)).toMatchObject({
      status: 'failed',
      reason: 'HTTP 404',
      items: [{ outcome: 'error' }],
    });
    // Stored, but its job has not run (or runs again): pending whatever was recorded before.
    expect(
      fileProgress(fileRow(4), [outcome(4, 0, 'ok', T0)], { ...done(T0), state: 'waiting', live: true }).status,
    ).toBe('pending');
    expect(fileProgress(fileRow(4), [], undefined).status).toBe('pending');
    expect(fileProgress(fileRow(5), [outcome(5, 0, 'ok', T0 + 5)], done(T0 + 9))).toMatchObject({
      status: 'completed',
      finishedAt: T0 + 5,
    });
    // A CSV: all rows errors → failed; an error or a review among them → review; all duplicates → duplicate.
    expect(fileProgress(fileRow(6), [outcome(6, 2, 'error', T0), outcome(6, 3, 'error', T0)], done(T0)).status).toBe(
      'failed',
    );
    expect(fileProgress(fileRow(6), [outcome(6, 2, 'ok', T0), outcome(6, 3, 'error', T0)], done(T0))).toMatchObject({
      status: 'review',
      reason: 'row 3: why 3',
    });
    expect(
      fileProgress(fileRow(6), [outcome(6, 2, 'duplicate', T0), outcome(6, 3, 'duplicate', T0)], done(T0)).status,
    ).toBe('duplicate');
    // The job failed before anything was recorded (the store was down on its last attempt).
    expect(
      fileProgress(fileRow(7), [], { state: 'dead', lastError: 'boom', finishedAt: T0, live: false }),
    ).toMatchObject({ status: 'failed', reason: 'boom' });
    // A stored video is as far as that pipeline goes for now.
    expect(fileProgress(fileRow(8, { purpose: 'video' }), [], undefined).status).toBe('completed');
  });

  it('measures the pace over the recent completions up to now, so a stalled batch slows down', () => {
    expect(ratePerMinute([], T0, T0 + 60_000)).toBeNull();
    // 10 files in the first minute after the start.
    const ten = Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * 6000);
    expect(ratePerMinute(ten, T0, T0 + 60_000)).toBeCloseTo(10, 6);
    // Nothing more for another minute: half the pace.
    expect(ratePerMinute(ten, T0, T0 + 120_000)).toBeCloseTo(5, 6);
    // Only the last 50 count, from the completion before them: an hour of slow start does not weigh on a fast end.
    const slowEnd = T0 + 59 * 60_000;
    const slowThenFast = [
      ...Array.from({ length: 60 }, (_, i) => T0 + i * 60_000),
      ...Array.from({ length: 50 }, (_, i) => slowEnd + (i + 1) * 1200),
    ];
    expect(ratePerMinute(slowThenFast, T0, slowEnd + 60_000)).toBeCloseTo(50, 6);
  });

  it('summarises a batch: counts per file and per invoice, tokens, and the time left at the current pace', () => {
    const files: FileProgress[] = [
      fileProgress(fileRow(1), [outcome(1, 0, 'ok', T0 + 30_000, [1000, 200])], done(T0)),
      fileProgress(
        fileRow(2),
        [
          outcome(2, 2, 'ok', T0 + 60_000, [10, 1]),
          outcome(2, 3, 'review', T0 + 60_000),
          outcome(2, 4, 'duplicate', T0 + 60_000),
          outcome(2, 5, 'error', T0 + 60_000),
        ],
        done(T0),
      ),
      fileProgress(fileRow(3, { state: 'duplicate', duplicate_of: 1, updated_at: T0 + 1000 }), [], undefined),
      ...[4, 5, 6].map((id) => fileProgress(fileRow(id), [], undefined)),
    ];
    const p = summariseBatch(batchRow(), files, T0 + 60_000);
    expect(p).toMatchObject({
      total: 6,
      done: 3,
      counts: { completed: 1, review: 1, duplicate: 1, failed: 0, pending: 3 },
      outcomes: { ok: 2, review: 1, duplicate: 2, error: 1 },
      tokens: { input: 1010, output: 201 },
      ratePerMinute: 3,
      etaSeconds: 60,
    });
    expect(summariseBatch(batchRow(), files.slice(0, 3), T0 + 60_000).etaSeconds).toBe(0);
    const text = formatBatch(p, USD, english);
    expect(text).toContain('b_00000001 (http, closed): 3 of 6 done (50%), 3.0/min, about 60s left');
    expect(text).toContain('invoices: 2 ok, 1 to review, 2 duplicate, 1 with errors');
    expect(text).toContain('cost: 1010 input + 201 output tokens ≈ 0.0003 USD');
    expect(text).toContain('• #2 f2.pdf, row 5: error — why 5');
  });

  it('prices tokens exactly, as a decimal string', () => {
    expect(tokenCost({ input: 1_234_567, output: 89_012 }, USD)).toEqual({
      input_tokens: 1_234_567,
      output_tokens: 89_012,
      amount: '0.238592',
      currency: 'USD',
    });
    expect(tokenCost({ input: 0, output: 0 }, USD).amount).toBe('0.000000');
    // 0.1 + 0.2 in floats is 0.30000000000000004; here a million tokens at each price is exactly 0.3.
    expect(
      tokenCost(
        { input: 1_000_000, output: 1_000_000 },
        { inputPerMillion: 0.1, outputPerMillion: 0.2, currency: 'MXN' },
      ).amount,
    ).toBe('0.300000');
    expect(formatCost(tokenCost({ input: 1_234_567, output: 89_012 }, USD))).toBe('0.2386 USD');
    expect(formatCost(tokenCost({ input: 100, output: 10 }, USD))).toBe('0.000021 USD');
  });
});

describe.each(STORE_KINDS)('outcomes, progress and retry on %s', (kind) => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('reads a batch in every state, lists it while it runs, and retries only what failed', async () => {
    t = await createTestStore(kind);
    const store = t.store;
    const queue = await testQueue(store);
    const intake = new IntakeRecords(store);
    const first = await intake.recordUpload({ source: 'http', purpose: 'invoice', tags: {} }, [
      { kind: 'document', fileName: 'old.pdf', mimeType: null, size: 5, path: '/x/old.pdf', sha256: 'same' },
    ]);
    const names = ['ok.pdf', 'lista.csv', 'running.pdf', 'again.pdf', 'broken.pdf'];
    const { batch, files } = await intake.recordUpload(
      { source: 'http', purpose: 'invoice', tags: {} },
      names.map((n) => ({
        kind: 'document' as const,
        fileName: n,
        mimeType: null,
        size: 5,
        path: `/x/${n}`,
        sha256: n === 'again.pdf' ? 'same' : n,
      })),
    );
    const [ok, csv, running, again, broken] = files as [FileRow, FileRow, FileRow, FileRow, FileRow];
    expect(again.state).toBe('duplicate');
    const jobOf = async (f: FileRow, state: 'done' | 'active' | 'failed'): Promise<number> => {
      const { job } = await queue.enqueue(INVOICE_QUEUE, { fileId: f.id });
      await store.db
        .updateTable('jobs')
        .set({
          state,
          finished_at: state === 'active' ? null : Date.now(),
          last_error: state === 'failed' ? 'quarantined: broken' : null,
        })
        .where('id', '=', job.id)
        .execute();
      return job.id;
    };
    // What the invoice job records: an invoice and its outcome in one transaction; a CSV per row; errors alone.
    const invoices = new InvoiceRecords(store);
    const invoice = {
      ...emptyInvoice(),
      status: 'ok' as const,
      source: 'vision',
      issuer_rfc: 'EKU9003173C9',
      uuid: '00000000-0000-4000-8000-000000000001',
      total: '116.00',
    };
    const added = await invoices.add(invoice, ok.id, 'image', {
      item: 0,
      tokens: { input: 1200, output: 150 },
      duplicateWhen: 'same-role',
    });
    expect(added).toMatchObject({ existing: false, outcome: 'ok' });
    // The same item recorded again (a redelivered job) returns what it became, and records nothing new.
    expect(await invoices.add(invoice, ok.id, 'image', { item: 0, duplicateWhen: 'same-role' })).toMatchObject({
      existing: true,
      outcome: 'ok',
      invoice: { id: added.invoice.id },
    });
    expect(await invoices.add(invoice, csv.id, 'csv', { item: 2, duplicateWhen: 'exists' })).toMatchObject({
      existing: true,
      outcome: 'duplicate',
    });
    const outcomes = new OutcomeRecords(store);
    await outcomes.put({
      fileId: csv.id,
      item: 3,
      outcome: 'error',
      reason: 'the row has 3 columns but the header has 9',
    });
    await outcomes.put({ fileId: broken.id, item: 0, outcome: 'error', reason: 'quarantined: broken' });
    await jobOf(ok, 'done');
    await jobOf(csv, 'done');
    await jobOf(running, 'active');
    const brokenJob = await jobOf(broken, 'failed');
    await jobOf(first.files[0] as FileRow, 'done');

    const p = await loadBatchProgress(store, batch.id);
    expect(p).toMatchObject({
      total: 5,
      done: 4,
      counts: { completed: 1, review: 1, duplicate: 1, failed: 1, pending: 1 },
      outcomes: { ok: 1, review: 0, duplicate: 2, error: 2 },
      tokens: { input: 1200, output: 150 },
    });
    expect(p?.files.find((f) => f.file.id === csv.id)?.items.map((i) => [i.item, i.outcome])).toEqual([
      [2, 'duplicate'],
      [3, 'error'],
    ]);
    // Four files finished just now: a fast pace, and the one left is due in moments.
    expect(p?.ratePerMinute).toBeGreaterThan(0);
    expect(p?.etaSeconds).not.toBeNull();
    expect(await loadBatchProgress(store, 'b_nothere')).toBeNull();

    // In progress while a job runs; the finished batch of old.pdf is not.
    expect((await batchesInProgress(store)).map((b) => b.batch.id)).toEqual([batch.id]);

    // Retry: only the failed job, whatever the files named; the others say why there is nothing to do.
    const followers = { invoice: invoiceFollower(store, USD) };
    const report = await retryFiles(queue, store, followers, {
      fileIds: [ok.id, broken.id, running.id, 9999],
      pipelinesOnly: true,
    });
    expect(report.retried).toEqual([{ jobId: brokenJob, queue: 'invoice.process', fileId: broken.id }]);
    expect(report.nothing.map((n) => n.fileId)).toEqual([ok.id, running.id, 9999]);
    expect(report.nothing.map((n) => n.reason)).toEqual([
      `file #${ok.id} did not fail (its jobs are done)`,
      `file #${running.id} is waiting or being processed already`,
      'there is no file #9999',
    ]);
    expect((await queue.get(brokenJob))?.state).toBe('waiting');
    expect((await retryFiles(queue, store, followers)).retried).toEqual([]);
    // A retried file forgets its own error when its job starts again; a CSV row's error stays with the row.
    expect(await outcomes.clearFileError(broken.id)).toBe(1);
    expect(await outcomes.forFile(broken.id)).toEqual([]);
    expect(await outcomes.clearFileError(csv.id)).toBe(0);
    expect(await outcomes.forFile(csv.id)).toHaveLength(2);
    await queue.stop(1000);
  });

  it("counts in the ETA the time files wait for a crashed worker's lease or a retry, not only the pace", async () => {
    t = await createTestStore(kind);
    const store = t.store;
    const queue = await testQueue(store);
    const intake = new IntakeRecords(store);
    const names = ['a.pdf', 'b.pdf', 'c.pdf', 'killed.pdf', 'running.pdf', 'later.pdf'];
    const { batch, files } = await intake.recordUpload(
      { source: 'http', purpose: 'invoice', tags: {} },
      names.map((n) => ({
        kind: 'document' as const,
        fileName: n,
        mimeType: null,
        size: 5,
        path: `/x/${n}`,
        sha256: n,
      })),
    );
    const now = Date.now();
    const job = async (
      f: FileRow,
      set: {
        state: 'done' | 'active' | 'waiting';
        finished_at?: number;
        lease_until?: number;
        updated_at?: number;
        run_at?: number;
      },
    ): Promise<void> => {
      const { job: j } = await queue.enqueue(INVOICE_QUEUE, { fileId: f.id });
      await store.db.updateTable('jobs').set(set).where('id', '=', j.id).execute();
    };
    const [a, b, c, killed, running, later] = files as [FileRow, FileRow, FileRow, FileRow, FileRow, FileRow];
    // Three files done in the last 3 s: a pace of about a file a second.
    for (const [i, f] of [a, b, c].entries()) {
      await job(f, { state: 'done', finished_at: now - 3000 + i * 1000 });
      // Recorded on the test's clock: at the real one the outcomes could land in the batch's own millisecond (no pace yet).
      await new OutcomeRecords(store, () => now - 3000 + i * 1000).put({
        fileId: f.id,
        item: 0,
        outcome: 'error',
        reason: 'x',
      });
    }
    // A live worker renewed its lease 5 s ago; a killed one last renewed it 40 s ago and it runs out in 20 s.
    await job(running, { state: 'active', updated_at: now - 5000, lease_until: now + 55_000 });
    await job(killed, { state: 'active', updated_at: now - 40_000, lease_until: now + 20_000 });
    await job(later, { state: 'waiting', run_at: now + 10_000 });
    const p = await loadBatchProgress(store, batch.id, now);
    expect(p?.counts.pending).toBe(3);
    // At the pace alone: 3 files in a few seconds. The killed worker's file cannot start for 20 s.
    expect(p?.etaSeconds).toBeGreaterThanOrEqual(20);
    expect(p?.etaSeconds).toBeLessThan(40);
    // Once the lease is renewed (its worker lives), only the retry's wait remains: at least 10 s.
    await store.db
      .updateTable('jobs')
      .set({ updated_at: now - 1000, lease_until: now + 59_000 })
      .where('key', '=', INVOICE_QUEUE.key({ fileId: killed.id }))
      .execute();
    const q = await loadBatchProgress(store, batch.id, now);
    expect(q?.etaSeconds).toBeGreaterThanOrEqual(10);
    expect(q?.etaSeconds).toBeLessThan(20);
    await queue.stop(1000);
  });
});

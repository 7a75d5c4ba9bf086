// Receipts and batch messages under crashes and faults (issue 10.6, 10.3): a SIGKILL between recording a file and
// answering loses no receipt and repeats none; a batch under 429s and 502s shows each progress state at most once,
// never an older one after a newer one, and its summary once, as a new message.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBotApi } from '../fakes/telegram/index.ts';
import type { FakeBotApi } from '../fakes/telegram/index.ts';
import { STAFF, botEnv, textOf } from '../support/bot-service.ts';
import { startService, tempDir } from '../support/service.ts';
import type { RunningService } from '../support/service.ts';
import { eventually } from '../support/stores.ts';

let fake: FakeBotApi | null = null;
const running: RunningService[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
  await fake?.close();
  fake = null;
});

async function child(dir: string, extra: Record<string, string> = {}): Promise<RunningService> {
  const { CENTINELA_HTTP_PORT: _port, ...env } = botEnv(fake as FakeBotApi, dir, extra);
  const s = await startService({ cwd: dir, env: { ...env, CENTINELA_LOG_STDOUT: 'true' } });
  running.push(s);
  return s;
}

const sentTo = (chatId: number): string[] => (fake?.sent(chatId) ?? []).map(textOf);

describe('receipts and batch messages under crashes and faults', () => {
  it('sends every receipt exactly once after a SIGKILL that came before any could be sent', async () => {
    fake = await startFakeBotApi();
    const dir = tempDir('centinela-receipts-');
    const first = await child(dir);
    // Telegram takes no message: the receipts are written, not yet sent, when the process dies.
    fake.fail('sendMessage', { status: 502, description: 'Bad Gateway' }, 1_000_000);
    const FILES = 20;
    for (let i = 0; i < FILES; i++) {
      fake.document(STAFF, {
        bytes: Buffer.from(`%PDF-1.4 receipt ${i}\n`),
        fileName: `r-${i}.pdf`,
        mimeType: 'application/pdf',
      });
    }
    await eventually(
      () => first.lines.filter((l) => l.includes('"file received"')).length === FILES,
      'all files recorded',
      30_000,
    );
    first.proc.kill('SIGKILL');
    await first.stop('SIGKILL');
    fake.heal();

    const second = await child(dir);
    await eventually(
      () => sentTo(STAFF.id).filter((t) => t.startsWith('Recibí tu factura')).length >= FILES,
      'receipts sent',
      60_000,
    );
    await second.stop('SIGTERM');
    const receipts = sentTo(STAFF.id).filter((t) => t.startsWith('Recibí tu factura'));
    console.log(`figure receipts_lost_after_sigkill=${Math.max(0, FILES - receipts.length)} of ${FILES}`);
    // One receipt per file: none lost, none repeated (single files close together share a batch, so the texts may be alike).
    expect(receipts).toHaveLength(FILES);
  }, 120_000);

  it('shows each progress state at most once and never an older one, with one summary, under 502s and 429s', async () => {
    fake = await startFakeBotApi();
    const dir = tempDir('centinela-progress-');
    // A short lease: a progress send that outlived it would let the batch job run twice at once.
    const s = await child(dir, { CENTINELA_QUEUE_LEASE_SECONDS: '3' });
    fake.fail('sendMessage', { status: 502, description: 'Bad Gateway' }, 3);
    fake.fail('editMessageText', { status: 429, retryAfter: 2 }, 3);
    fake.fail('getFile', { stallMs: 2000 }, 10); // the files finish a few at a time: several progress states
    const items = Array.from({ length: 10 }, (_, i) => ({
      kind: 'document' as const,
      file: { bytes: Buffer.from(`%PDF-1.4 progress ${i}\n`), fileName: `p-${i}.pdf`, mimeType: 'application/pdf' },
    }));
    fake.album(STAFF, items);
    const summary = await fake.waitFor((c) => c.params.chat_id === STAFF.id && textOf(c).includes('terminado'), 60_000);
    await s.stop('SIGTERM');
    const calls = (fake.sent(STAFF.id) ?? []).filter((c) => textOf(c).includes('procesados'));
    const created = calls.filter((c) => c.method === 'sendMessage');
    const states = calls.map((c) => Number(/: (\d+) de 10/.exec(textOf(c))?.[1]));
    console.log(`figure progress_messages_per_batch=${created.length} states=${states.join(',')}`);
    expect(created.length).toBeLessThanOrEqual(1);
    for (let i = 1; i < states.length; i++) expect(states[i]).toBeGreaterThan(states[i - 1] as number);
    expect(calls.every((c) => c.at <= summary.at)).toBe(true);
    expect(sentTo(STAFF.id).filter((t) => t.includes('terminado'))).toHaveLength(1);
    expect(summary.method).toBe('sendMessage');
  }, 120_000);
});

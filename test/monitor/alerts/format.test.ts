// Alert texts keep the reason when they must be cut: a grouped line or a single alert cuts what was seen and keeps
// what the repair did or why it did not (issue 11.14).
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../src/monitor/alerts/index.ts';
import type { Incident } from '../../../src/monitor/incidents/index.ts';

const T = Date.parse('2026-01-05T14:00:00Z');

function incident(id: number, message: string): Incident {
  return {
    id,
    fingerprint: `folder_missing|/srv/x${id}`,
    rule: 'folder_missing',
    target: `/srv/x${id}`,
    errorType: 'folder_missing',
    severity: 'warning',
    state: 'pending',
    message,
    fields: {},
    action: 'create_folder',
    attempt: 0,
    maxAttempts: 1,
    count: 1,
    firstSeen: T,
    lastSeen: T,
    stateChangedAt: T,
    resolvedAt: null,
    ackedBy: null,
    ackedAt: null,
    retryRequested: false,
  };
}

describe('alert texts', () => {
  it('a grouped message cuts the seen part and keeps the reason', () => {
    const seen = `2026-01-05 14:00:00 ERROR Error: ENOENT: no such file or directory, mkdir '/etc/${'very-long-folder-name/'.repeat(10)}x'`;
    const reason = 'repair refused: /etc/x is outside the folders repairs may touch';
    const items = [1, 2].map((id) => ({
      incident: incident(id, `${seen} — ${reason}`),
      event: 'failed' as const,
      severity: 'warning' as const,
    }));
    const { html } = composeMessage(items, 'en', T);
    expect(html.split('\n').filter((l) => l.includes(reason))).toHaveLength(2);
    const single = composeMessage([items[0] as (typeof items)[number]], 'en', T).html;
    expect(single).toContain(reason);
  });
});

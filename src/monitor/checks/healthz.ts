// Healthz check, for a monitor running alone (--only monitor): the main service's /healthz must answer 2xx.
// A 503 carries the service's own list of problems, which goes into the message.
import { z } from 'zod';
import type { Check } from '../types.ts';
import { causeOf, healthy, problem } from './result.ts';

export interface HealthzCheckOptions {
  url: string;
  intervalMs: number;
  token?: string;
  timeoutMs?: number;
}

const unhealthyBody = z.object({ problems: z.array(z.string()) });

export function healthzCheck(o: HealthzCheckOptions): Check {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new Error(
      `monitor.watch_url is not a URL: "${o.url}"; use the main service's address, such as http://127.0.0.1:8787/healthz`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`monitor.watch_url must be http(s), got ${url.protocol}; use e.g. http://127.0.0.1:8787/healthz`);
  }
  // The target names the service without any user:password that may sit in the URL.
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  const target = shown.toString();
  const timeoutMs = o.timeoutMs ?? Math.min(10_000, Math.max(1_000, o.intervalMs));
  const headers: Record<string, string> = o.token ? { authorization: `Bearer ${o.token}` } : {};

  const down = (why: string, status: string) =>
    problem({
      rule: 'healthz',
      errorType: 'service_down',
      severity: 'critical',
      target,
      message: `${target} ${why}`,
      fields: { url: target, status },
    });

  return {
    id: 'healthz',
    intervalMs: o.intervalMs,
    async run() {
      let res: Response;
      try {
        res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        return [down(`is unreachable (${causeOf(err)}): the service is down or not listening there`, 'unreachable')];
      }
      const body = await res.text().catch(() => '');
      if (res.ok) return [healthy('healthz', target)];
      let problems = '';
      try {
        const parsed = unhealthyBody.safeParse(JSON.parse(body));
        if (parsed.success && parsed.data.problems.length > 0) problems = `: ${parsed.data.problems.join('; ')}`;
      } catch {
        // Not JSON: the status alone says enough.
      }
      return [down(`answered HTTP ${res.status}${problems}`, String(res.status))];
    },
  };
}

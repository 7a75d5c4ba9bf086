// The monitor benchmark's data: a log shaped like a busy day (mostly our INFO lines, other tools' text lines,
// an error now and then with its stack trace) and the shipped rules' patterns as one `grep -E` expression.
import { SHIPPED_RULES, loadRules, regexSources } from '../src/monitor/rules/index.ts';

export function buildLog(lines: number): string {
  const out: string[] = [];
  const ts = '2026-11-22T10:00:00.000Z';
  for (let i = 0; out.length < lines; i++) {
    switch (i % 50) {
      case 7:
        out.push(
          `{"level":"ERROR","ts":"${ts}","app":"centinela","component":"intake","msg":"download failed","job_id":${i},"err":{"type":"Error","message":"ENOENT: no such file or directory, open '/srv/media/victor/${i}.mp4'","code":"ENOENT"}}`,
        );
        break;
      case 19:
        out.push(`2026-11-22 10:00:00 WARN scraper: retrying page ${i} after HTTP 503`);
        break;
      case 31:
        out.push(
          'Error: something unexpected',
          '    at Object.<anonymous> (/srv/app/index.js:10:5)',
          '    at Module._compile (node:internal/modules/cjs/loader:1256:14)',
        );
        break;
      case 43:
        out.push(
          `{"level":"INFO","ts":"${ts}","app":"centinela","component":"bot","msg":"video received","request_id":"u-${i}","caption":"permission denied lol"}`,
        );
        break;
      default:
        out.push(
          `{"level":"INFO","ts":"${ts}","app":"centinela","component":"queue","msg":"job done","request_id":"j-${i}","job_id":${i},"queue":"intake.download","ms":${i % 997}}`,
        );
    }
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

/** Every regex of the shipped rules (defines expanded, anchored), turned into ERE: groups, \\d. */
export function grepPattern(): string {
  const sources = regexSources(loadRules(SHIPPED_RULES)).map((t) =>
    t
      .replace(/\(\?<[A-Za-z_]\w*>/g, '(')
      .replace(/\(\?:/g, '(')
      .replace(/\\d/g, '[0-9]'),
  );
  if (sources.length === 0) throw new Error(`no regexes in ${SHIPPED_RULES}`);
  return sources.map((s) => `(${s})`).join('|');
}

/**
 * The shipped rules' regexes as a fail2ban filter: Python named groups, each pattern wrapped whole in <F-ID> (a
 * failure id, so that no <HOST> is needed), `%` escaped for its config parser.
 */
export function fail2banFilter(): string {
  const sources = regexSources(loadRules(SHIPPED_RULES)).map((t) => {
    const body = t
      .replace(/^\^/, '')
      .replace(/\(\?<([A-Za-z_]\w*)>/g, '(?P<$1>')
      .replace(/%/g, '%%');
    return `^<F-ID>${body}</F-ID>`;
  });
  return `[Definition]\nfailregex = ${sources.join('\n            ')}\nignoreregex =\n`;
}

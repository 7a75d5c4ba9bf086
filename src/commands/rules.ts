// `centinela rules test [--rules FILE] [--log FILE [--source docker:NAME]]`: checks every sample of a rules file
// (✓/✗ each) and, given a log, shows what it would trigger — as the log of that container with --source (rules
// limited to it apply, lines are joined by its multiline_start). Exit 1 on problems or a failed sample, 2 on usage.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema, loadConfig } from '../core/config.ts';
import type { Config } from '../core/config.ts';
import { redactText } from '../core/log.ts';
import { UsageError } from '../usage-error.ts';
import { RulesError, SHIPPED_RULES, checkSamples, loadRules, readNumberedRecords } from '../monitor/index.ts';
import type { Finding, RuleSet } from '../monitor/index.ts';
import { formatDuration } from '../core/format.ts';

const USAGE = 'rules test [--rules FILE] [--log FILE [--source docker:NAME]]';
/** Lines shown per rule for --log. */
const EXAMPLES = 3;

export async function rules(args: string[], configFile: string | undefined): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      rules: { type: 'string' },
      log: { type: 'string' },
      source: { type: 'string' },
      config: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'test') throw new UsageError(`rules: say \`centinela ${USAGE}\``);
  if (values.source !== undefined && !values.log)
    throw new UsageError('rules test: --source names where the --log lines come from; give --log FILE too');
  if (values.source !== undefined && !/^docker:[\w.-]+$/.test(values.source)) {
    throw new UsageError(
      `rules test: --source ${values.source}: say docker:<container>, as rules see a container's log`,
    );
  }
  const monitor = monitorSettings(configFile);
  const file = values.rules ? resolve(values.rules) : monitor.rules ? resolve(monitor.rules) : SHIPPED_RULES;

  let set: RuleSet;
  try {
    set = loadRules(file, { samples: 'report' });
  } catch (err) {
    if (!(err instanceof RulesError)) throw err;
    out(`✗ ${err.message}`);
    return 1;
  }
  out(`rules: ${file} (${set.rules.length} rule${set.rules.length === 1 ? '' : 's'})`);
  const results = checkSamples(set);
  for (const r of results) {
    out(`${r.ok ? '✓' : '✗'} ${r.rule} ${r.expected === 'match' ? 'matches' : 'skips'}: ${shorten(r.line)}`);
    if (r.problem) out(`    ${r.problem}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  out(`${results.length} samples: ${results.length - failed} passed, ${failed} failed`);

  let ok = failed === 0;
  if (values.log) ok = (await scanLog(set, resolve(values.log), monitor, values.source)) && ok;
  return ok ? 0 : 1;
}

/** The monitor settings; a config file that is not there is no reason to refuse checking rules. */
function monitorSettings(configFile: string | undefined): Config['monitor'] {
  const named = configFile ?? process.env.CENTINELA_CONFIG;
  if (named && !existsSync(resolve(named))) {
    process.stderr.write(`centinela: config file ${resolve(named)} does not exist; using the default settings\n`);
    return configSchema.parse({}).monitor;
  }
  return loadConfig({ file: configFile }).config.monitor;
}

interface RuleHits {
  count: number;
  examples: Array<{ lineNo: number; text: string; finding: Finding }>;
}

/** Streams the log (any size) through the rules, read into records as the tailer reads it. */
async function scanLog(set: RuleSet, path: string, monitor: Config['monitor'], source = path): Promise<boolean> {
  if (!existsSync(path)) {
    process.stderr.write(`centinela: cannot read the log ${path}: it does not exist\n`);
    return false;
  }
  // A container's log is joined by its own multiline_start when it has one.
  const container = monitor.containers.find((c) => `docker:${c.name.replace(/^\//, '')}` === source);
  const [key, pattern] = container?.multiline_start
    ? [`monitor.containers (${container.name}).multiline_start`, container.multiline_start]
    : ['monitor.multiline_start', monitor.multiline_start];
  let startsRecord: RegExp;
  try {
    startsRecord = new RegExp(pattern);
  } catch (err) {
    throw new UsageError(`${key} ${JSON.stringify(pattern)} is not a regex: ${(err as Error).message}`);
  }
  const hits = new Map<string, RuleHits>(set.rules.map((r) => [r.id, { count: 0, examples: [] }]));
  let records = 0;
  let matched = 0;
  try {
    await readNumberedRecords(
      path,
      { maxLineBytes: monitor.max_line_bytes, multilineStart: startsRecord, source },
      (record, lineNo) => {
        records++;
        const finding = set.match(record);
        const hit = finding ? hits.get(finding.rule) : undefined;
        if (finding && hit) {
          matched++;
          hit.count++;
          if (hit.examples.length < EXAMPLES) hit.examples.push({ lineNo, text: record.text, finding });
        }
      },
    );
  } catch (err) {
    process.stderr.write(`centinela: cannot read the log ${path}: ${(err as Error).message}\n`);
    return false;
  }

  out('');
  out(
    `log: ${path}${source === path ? '' : ` as ${source}`}: ${records} record${records === 1 ? '' : 's'}, ${matched} would trigger a rule`,
  );
  for (const [rule, hit] of hits) {
    if (hit.count === 0) continue;
    out(`  ${rule}: ${hit.count}`);
    for (const e of hit.examples) {
      out(`    line ${e.lineNo}: ${shorten(redactText(e.text.split('\n')[0] ?? ''), 140)}`);
      out(`      → ${describeFinding(e.finding)}`);
    }
  }
  return true;
}

function describeFinding(f: Finding): string {
  const target = `target ${f.target}, ${f.severity}, notify ${f.notify}`;
  if (!f.action) return `no action; ${target}`;
  const params = Object.entries({ ...f.fields, ...f.action.params }).map(([k, v]) => `${k}=${String(v)}`);
  const waits = f.action.backoffMs.length ? `, waits ${f.action.backoffMs.map(formatDuration).join(' ')}` : '';
  return `${f.action.type}${params.length ? ` ${params.join(' ')}` : ''} (${f.action.attempts} attempt${f.action.attempts === 1 ? '' : 's'}${waits}); ${target}`;
}

function shorten(text: string, max = 110): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

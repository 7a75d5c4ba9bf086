// Posts that need a person or are late. The content pipeline answers which posts those are (the composition root
// hands its question in: the monitor neither knows the content module nor reads its tables); each becomes an
// incident of its own (rule per problem, target `post:<id>`) and is resolved when the post leaves that state —
// sent, cancelled, planned again — which the check learns by finding the post gone from the answer.
import { formatDuration, formatTime } from '../../core/format.ts';
import type { Check, CheckResult, Severity } from '../types.ts';
import { healthy, problem } from './result.ts';

export type PostProblemKind = 'failed' | 'unknown' | 'missed' | 'overdue';

/** A post the content pipeline says needs attention now. */
export interface WatchedPost {
  id: number;
  creator: string;
  problem: PostProblemKind;
  /** The post's state (overdue: scheduled or sending). */
  state: string;
  plannedAt: number | null;
  /** The chat it goes to. */
  target: string;
  lastError: string | null;
  /** The video's file name, when known. */
  video: string | null;
}

/**
 * The content pipeline's question: posts failed, unknown or missed, and posts still scheduled or sending more than
 * `overdueAfterMs` after their planned time.
 */
export type PostsNeedingAttention = (now: number, overdueAfterMs: number) => Promise<WatchedPost[]>;

export const POST_RULES = ['post_failed', 'post_unknown', 'post_missed', 'post_overdue'] as const;

export interface PostsCheckOptions {
  postsNeedingAttention: PostsNeedingAttention;
  /** Open incidents (rule and target): those of a post no longer in the answer are resolved. */
  openIncidents: () => Promise<ReadonlyArray<{ rule: string; target: string }>>;
  overdueAfterMs: number;
  intervalMs: number;
  now?: () => number;
}

/** Unknown and overdue need a person now (a post may be out twice or not at all); the others wait a decision. */
const SEVERITY: Record<PostProblemKind, Severity> = {
  unknown: 'critical',
  overdue: 'critical',
  failed: 'warning',
  missed: 'warning',
};

export function postsCheck(o: PostsCheckOptions): Check {
  const now = o.now ?? Date.now;
  return {
    id: 'posts',
    intervalMs: o.intervalMs,
    async run() {
      const at = now();
      const [posts, open] = await Promise.all([o.postsNeedingAttention(at, o.overdueAfterMs), o.openIncidents()]);
      const results: CheckResult[] = posts.map((p) => postProblem(p, at));
      const current = new Set(results.map((r) => (r.ok ? '' : `${r.finding.rule}|${r.finding.target}`)));
      const rules: readonly string[] = POST_RULES;
      for (const i of open) {
        if (rules.includes(i.rule) && !current.has(`${i.rule}|${i.target}`)) results.push(healthy(i.rule, i.target));
      }
      return results;
    },
  };
}

function postProblem(p: WatchedPost, at: number): CheckResult {
  const rule = `post_${p.problem}`;
  const planned = p.plannedAt === null ? 'with no planned time' : `planned ${formatTime(p.plannedAt)}`;
  const about = `post #${p.id} of ${p.creator} to ${p.target} (${planned})`;
  const error = p.lastError ? `: ${p.lastError}` : '';
  const message = {
    failed: `${about} failed${error}; the admins' message about it has a Publish again button`,
    unknown: `${about} may or may not have been published${error}; an admin must say which on its message`,
    missed: `${about} was missed while the service was down; an admin can publish it now or plan it again`,
    overdue: `${about} is ${formatDuration(at - (p.plannedAt ?? at))} late and still ${p.state}: the poster (its publish worker) is not running or hangs`,
  }[p.problem];
  const fields: Record<string, string> = { model: p.creator, post: String(p.id), state: p.state, channel: p.target };
  if (p.video) fields.video = p.video;
  if (p.plannedAt !== null) fields.planned_at = new Date(p.plannedAt).toISOString();
  return problem({
    rule,
    errorType: rule,
    severity: SEVERITY[p.problem],
    target: `post:${p.id}`,
    message,
    fields,
  });
}

// The compiled form of a rule, what the matcher runs on every record: regexes built once, field paths split once,
// cheap equality conditions ahead of regex ones.
import type { ActionPlan, Notify, Severity } from '../types.ts';

/** A problem with the rules file: where (the key path inside the rule or file) and what to do. */
export interface Problem {
  path: ReadonlyArray<string | number>;
  message: string;
}

export interface Condition {
  /** The field path as written (err.code), for messages. */
  readonly key: string;
  readonly path: readonly string[];
  /** Equality: the accepted values as text; null for a regex condition. */
  readonly values: ReadonlySet<string> | null;
  readonly regex: RegExp | null;
}

export interface Alternative {
  readonly source: RegExp | null;
  /** Conditions on JSON fields; an alternative with any applies to JSON records only. */
  readonly conditions: readonly Condition[];
  readonly regex: RegExp | null;
  /** Every named group of its regexes: the fields it yields. */
  readonly groups: ReadonlySet<string>;
}

export interface PositiveSample {
  readonly line: string;
  readonly source?: string;
  readonly fields?: Readonly<Record<string, string>>;
  readonly target?: string;
}

export interface NegativeSample {
  readonly line: string;
  readonly source?: string;
}

/** A rule as loaded: what the integrator and the CLI may read. */
export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly errorType: string;
  readonly severity: Severity;
  readonly notify: Notify;
  readonly action: ActionPlan | null;
  readonly samples: { readonly match: readonly PositiveSample[]; readonly noMatch: readonly NegativeSample[] };
}

/** A piece of a target template: literal text, or a field to fill in. */
export type TemplatePart = { text: string } | { field: string };

export interface CompiledRule extends Rule {
  readonly match: readonly Alternative[];
  readonly ignore: readonly Alternative[];
  /** JSON fields copied into the finding: [field name, path]. */
  readonly capture: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly target: readonly TemplatePart[] | null;
}

// The monitor's rules: a YAML file of rules (regexes and JSON conditions, ignores, captures, an action, samples)
// loaded and checked once, then matched against every log record. This is the folder's public face.
import { resolve } from 'node:path';

/** config/rules.yaml of this repository: the rules used when monitor.rules is empty. */
export const SHIPPED_RULES: string = resolve(import.meta.dirname, '../../../config/rules.yaml');

export { RulesError, loadRules, parseRules } from './load.ts';
export { regexSources } from './matcher.ts';
export type { RuleSet } from './matcher.ts';
export { checkSamples } from './samples.ts';
export { toRecord } from './record.ts';
export { ACTION_TYPES as RULE_ACTION_TYPES } from '../actions/registry.ts';

// Everything start-up refuses as configuration, checked before anything starts: the settings (every problem at
// once, from loadConfig) and the monitor's rules file. `centinela start` and `centinela doctor` both run this, so
// doctor never calls valid what start refuses.
import { resolve } from 'node:path';
import { loadConfig } from './core/config.ts';
import type { LoadOptions, LoadedConfig } from './core/config.ts';
// The rules loader alone: monitor/index.ts would load the tailer, Docker and the actions, which doctor never needs.
// eslint-disable-next-line no-restricted-imports
import { SHIPPED_RULES, loadRules } from './monitor/rules/index.ts';

export interface CheckOptions extends LoadOptions {
  /** Whether the monitor runs (and so reads its rules file); default true. */
  monitor?: boolean;
}

/** The configuration, or a ConfigError (settings) or RulesError (rules file) listing every problem found. */
export function checkConfiguration(options: CheckOptions = {}): LoadedConfig {
  const loaded = loadConfig(options);
  if (options.monitor !== false) loadRules(rulesFile(loaded));
  return loaded;
}

/** The rules file the monitor reads: monitor.rules, or the shipped rules when it is empty. */
export function rulesFile({ config }: LoadedConfig): string {
  return config.monitor.rules ? resolve(config.monitor.rules) : SHIPPED_RULES;
}

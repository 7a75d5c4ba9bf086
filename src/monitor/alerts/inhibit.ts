// Inhibition: while an incident of a source type is open, news of the target types is muted (their cause is
// already known). Add a line to extend it.

export interface InhibitRule {
  /** Error types whose open incident mutes the targets. */
  sources: readonly string[];
  targets: readonly string[];
}

export const INHIBIT_RULES: readonly InhibitRule[] = [
  // The Bot API is down (its check, or the rule on the log line): every download and send times out; one alert says why.
  { sources: ['bot_api_down', 'bot_api_unreachable'], targets: ['download_timeout', 'send_timeout'] },
  // The disk is full: writes fail; the disk alert is the one to act on.
  { sources: ['disk_critical', 'disk_full'], targets: ['write_failure'] },
];

/** Every error type that can inhibit another: the open incidents flush() must look at. */
export const INHIBITING_TYPES: readonly string[] = [...new Set(INHIBIT_RULES.flatMap((r) => r.sources))];

/** The open incident (of those given) that mutes news of `errorType`, or null. */
export function inhibitorOf<T extends { id: number; errorType: string }>(
  errorType: string,
  selfId: number,
  openSources: readonly T[],
): T | null {
  for (const rule of INHIBIT_RULES) {
    if (!rule.targets.includes(errorType)) continue;
    const source = openSources.find((s) => s.id !== selfId && rule.sources.includes(s.errorType));
    if (source) return source;
  }
  return null;
}

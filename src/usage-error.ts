/** A command used wrongly (exit 2): its message says what to type instead. Alone here so the CLI loads nothing else. */
export class UsageError extends Error {}

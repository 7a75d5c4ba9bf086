// Reading a value nested in parsed data (YAML, JSON log records) by its path of keys and list indexes.

/** The value at `path` (keys of objects, indexes of lists), or undefined when a step on the way is not there. */
export function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

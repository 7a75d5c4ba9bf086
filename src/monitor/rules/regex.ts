// Every regex of a rules file goes through here: `{{name}}` defines are expanded, the pattern is anchored at the
// start as ^(?:…) (so a rule never matches in the middle of a line, where what users typed may sit) and compiled once.

export type Compiled = { ok: true; re: RegExp; groups: string[] } | { ok: false; problem: string };

const DEFINE_REF = /\{\{([A-Za-z_][\w-]*)\}\}/g;
// (?<name> opens a named group; (?<= and (?<! (lookbehind) do not match the name part.
const NAMED_GROUP = /\(\?<([A-Za-z_$][\w$]*)>/g;
const ALLOWED_FLAGS = /^[imsu]*$/;

/**
 * Compiles `body` anchored at the start. A leading ^ is allowed and changes nothing. Flags g and y are refused:
 * they make a shared regex keep state (lastIndex) between records.
 */
export function compileAnchored(body: string, flags: string, defines: ReadonlyMap<string, string>): Compiled {
  if (!ALLOWED_FLAGS.test(flags))
    return { ok: false, problem: `flags "${flags}" are not allowed; use only i, m, s or u` };
  const expanded = expandDefines(body, defines);
  if (!expanded.ok) return expanded;
  try {
    const re = new RegExp(`^(?:${expanded.text})`, flags);
    return { ok: true, re, groups: namedGroups(expanded.text) };
  } catch (err) {
    return { ok: false, problem: `the regex '${body}' does not compile: ${reason(err)}` };
  }
}

/** `/body/flags` is a regex; anything else is null (a plain value compared as it is). */
export function slashRegex(value: string): { body: string; flags: string } | null {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(value);
  return m ? { body: m[1] as string, flags: m[2] as string } : null;
}

function expandDefines(
  body: string,
  defines: ReadonlyMap<string, string>,
): { ok: true; text: string } | { ok: false; problem: string } {
  const unknown: string[] = [];
  const text = body.replace(DEFINE_REF, (whole, name: string) => {
    const value = defines.get(name);
    if (value === undefined) unknown.push(name);
    return value ?? whole;
  });
  if (unknown.length > 0) {
    const known = [...defines.keys()];
    return {
      ok: false,
      problem: `{{${unknown[0]}}} is not defined; ${known.length ? `the defines are ${known.join(', ')}` : 'add it under define: at the top of the file'}`,
    };
  }
  return { ok: true, text };
}

/** Defines may use earlier defines; each is expanded in file order. */
export function resolveDefines(raw: Record<string, string>): {
  defines: Map<string, string>;
  problems: Array<{ name: string; message: string }>;
} {
  const defines = new Map<string, string>();
  const problems: Array<{ name: string; message: string }> = [];
  for (const [name, body] of Object.entries(raw)) {
    const expanded = expandDefines(body, defines);
    if (!expanded.ok) {
      problems.push({ name, message: `${expanded.problem} (a define may only use defines above it)` });
      continue;
    }
    try {
      new RegExp(expanded.text);
    } catch (err) {
      problems.push({ name, message: `'${body}' does not compile: ${reason(err)}` });
      continue;
    }
    defines.set(name, `(?:${expanded.text})`);
  }
  return { defines, problems };
}

/** V8's "Invalid regular expression: /…/flags: Unterminated group" → "Unterminated group". */
function reason(err: unknown): string {
  return (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
}

function namedGroups(source: string): string[] {
  return [...source.matchAll(NAMED_GROUP)].map((m) => m[1] as string);
}

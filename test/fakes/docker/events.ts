// GET /events: newline-delimited JSON messages (Engine API v1.52 shape: Type, Action, Actor, scope, time, timeNano),
// past ones replayed from `since`, new ones streamed until `until` or the client leaves; `filters` as Docker reads them.

export interface DockerEventMessage {
  Type: 'container';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

export type EventFilters = Map<string, Set<string>>;

/** `filters` is JSON: {"type":["container"],"event":["die"]} or the older {"event":{"die":true}}. */
export function parseFilters(raw: string | null): EventFilters {
  const out: EventFilters = new Map();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`invalid filter '${raw}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`invalid filter '${raw}'`);
  for (const [key, value] of Object.entries(parsed)) {
    const values = Array.isArray(value)
      ? value.map(String)
      : typeof value === 'object' && value !== null
        ? Object.keys(value)
        : null;
    if (!values) throw new Error(`invalid filter '${raw}'`);
    out.set(key, new Set(values));
  }
  return out;
}

/** An event passes when, for each filter key given, one of its values matches (Docker's AND of ORs). */
export function eventMatches(ev: DockerEventMessage, filters: EventFilters): boolean {
  for (const [key, values] of filters) {
    if (values.size === 0) continue;
    const name = ev.Actor.Attributes.name ?? '';
    let ok: boolean;
    if (key === 'type') ok = values.has(ev.Type);
    else if (key === 'event') ok = values.has(ev.Action) || values.has(ev.Action.split(':')[0] ?? '');
    else if (key === 'container')
      ok = [...values].some((v) => v === name || (v.length >= 4 && ev.Actor.ID.startsWith(v)));
    else if (key === 'image') ok = values.has(ev.Actor.Attributes.image ?? '');
    else if (key === 'label')
      ok = [...values].some((v) => {
        const [k, want] = v.split('=');
        return k !== undefined && k in ev.Actor.Attributes && (want === undefined || ev.Actor.Attributes[k] === want);
      });
    else if (key === 'scope') ok = values.has(ev.scope);
    else ok = true; // daemon, network, volume, …: no such events here
    if (!ok) return false;
  }
  return true;
}

export function eventMessage(
  action: string,
  id: string,
  attributes: Record<string, string>,
  ns: bigint,
): DockerEventMessage {
  return {
    Type: 'container',
    Action: action,
    Actor: { ID: id, Attributes: attributes },
    scope: 'local',
    time: Number(ns / 1_000_000_000n),
    timeNano: Number(ns),
  };
}

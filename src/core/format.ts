// The one place that writes durations, sizes and times for people: status, doctor, the bot's replies, the monitor's
// findings and repairs. One style: durations "300ms", "1.5s", "12m", "3h 5m", "2d 4h"; sizes "900 B", "12.0 KB",
// "1.5 GB" (multiples of 1024); times "2026-01-05 14:30 UTC".
// Texts that tests pin in another style keep it, and their formatter is here too, named for what it writes:
// status and the ETA (formatSeconds: "60s", "7.0h"), the alerts' durations (formatDurationSpaced: "3 min"), the
// disk check's sizes (formatBinaryBytes: "2.6 GiB") and sizes as the settings write them (formatSizeSetting: "50m").

/** 300ms, 1.5s, 45s, 12m, 3h 5m, 2d 4h: under a minute to a tenth of a second, above it to the unit below. */
export function formatDuration(ms: number): string {
  const t = Math.max(0, ms);
  if (t < 1000) return `${Math.round(t)}ms`;
  if (t < 60_000) return `${Number((t / 1000).toFixed(1))}s`;
  const m = Math.floor(Math.round(t / 1000) / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** Status and the ETA: 45s, 60s, 12m, 7.0h, 2.5d (seconds up to 90). */
export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

/** The alerts' durations: 45 s, 3 min, 2 h 5 min, 1 d 3 h. */
export function formatDurationSpaced(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** 900 B, 12.0 KB, 1.5 GB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** The disk check's sizes: 12 KiB, 512.0 MiB, 2.6 GiB. */
export function formatBinaryBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A size as the settings write it, for texts that name a setting: 52428800 → "50m", 1536 → "1.5k", 999 → "999 bytes". */
export function formatSizeSetting(bytes: number): string {
  const units: Array<[string, number]> = [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`;
    }
  }
  return `${bytes} bytes`;
}

/** 2026-01-05 14:30 UTC: admins may sit in several time zones, and the logs are in UTC too. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A time as a reader in `timeZone` says it, in their language: "sáb, 10 ene 2026, 10:00 (America/Mexico_City)". */
export function formatLocalTime(ms: number, timeZone: string, lang: string): string {
  const text = new Intl.DateTimeFormat(lang, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
  return `${text} (${timeZone})`;
}

/** A day as a reader in `timeZone` says it, in their language: "28 de marzo de 2026", "March 28, 2026". */
export function formatLocalDate(ms: number, timeZone: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone, dateStyle: 'long' }).format(ms);
}

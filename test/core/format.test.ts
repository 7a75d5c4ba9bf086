// core/format.ts: the one module that writes durations, sizes and times for people.
import { describe, expect, test } from 'vitest';
import {
  formatBinaryBytes,
  formatBytes,
  formatDuration,
  formatDurationSpaced,
  formatSeconds,
  formatSizeSetting,
  formatTime,
} from '../../src/core/format.ts';
import { decodeEntities } from '../../src/core/html-entities.ts';
import { configSchema } from '../../src/core/config.ts';

describe('formatDuration', () => {
  test('milliseconds, tenths of a second under a minute, then the unit below', () => {
    expect(formatDuration(300)).toBe('300ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(60_000)).toBe('1m');
    expect(formatDuration(12 * 60_000 + 20_000)).toBe('12m');
    expect(formatDuration(91 * 60_000)).toBe('1h 31m');
    expect(formatDuration(2 * 3_600_000)).toBe('2h');
    expect(formatDuration(52 * 3_600_000)).toBe('2d 4h');
    expect(formatDuration(-5)).toBe('0ms');
  });
});

describe('the styles tests pin apart', () => {
  test('status and ETA seconds, the alerts spaced, disk sizes binary, sizes as settings write them', () => {
    expect(formatSeconds(60)).toBe('60s');
    expect(formatSeconds(7 * 3600)).toBe('7.0h');
    expect(formatDurationSpaced(3 * 60_000)).toBe('3 min');
    expect(formatDurationSpaced(3_600_000 + 5 * 60_000)).toBe('1 h 5 min');
    expect(formatBinaryBytes(2.6 * 1024 ** 3)).toBe('2.6 GiB');
    expect(formatSizeSetting(50 * 1024 ** 2)).toBe('50m');
  });
});

test('formatBytes and formatTime', () => {
  expect(formatBytes(900)).toBe('900 B');
  expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  expect(formatTime(Date.parse('2026-01-05T14:30:59Z'))).toBe('2026-01-05 14:30 UTC');
});

test('decodeEntities: the predefined names and numeric references; anything else stays as written', () => {
  expect(decodeEntities('Pérez &amp; Hijos &lt;b&gt; &quot;x&quot; &apos;y&apos; &#128165; &#x1F4A5; &#X41;')).toBe(
    'Pérez & Hijos <b> "x" \'y\' 💥 💥 A',
  );
  expect(decodeEntities('&nbsp; &#0; &#xD800; &amp no semicolon')).toBe('&nbsp; &#0; &#xD800; &amp no semicolon');
});

test('telegram.api_root comes out of the schema without trailing slashes', () => {
  expect(configSchema.parse({ telegram: { api_root: 'http://127.0.0.1:8081//' } }).telegram.api_root).toBe(
    'http://127.0.0.1:8081',
  );
  expect(configSchema.parse({}).telegram.api_root).toBe('https://api.telegram.org');
});

// intake/incoming.ts: the one incoming folder (by UTC day) and the one name rule for files received there.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { incomingDir, incomingFileName, safeName } from '../../../src/pipeline/intake/index.ts';

test('incomingDir is <data>/incoming/<UTC day> of the moment given', () => {
  expect(incomingDir('/d', Date.parse('2026-01-05T23:59:59Z'))).toBe(join('/d', 'incoming', '2026-01-05'));
});

test('incomingFileName puts a prefix (a row id, or time and random digits) before the safe name', () => {
  expect(incomingFileName('../x/fac tura?.pdf', '42')).toBe('42_fac tura_.pdf');
  expect(incomingFileName('a.pdf')).toMatch(/^\d+_[0-9a-f]{6}_a\.pdf$/);
  expect(safeName('.hidden')).toBe('_hidden');
  expect(safeName(safeName('../a*b.xml'))).toBe(safeName('../a*b.xml'));
});

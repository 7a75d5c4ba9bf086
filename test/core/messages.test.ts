// Texts kept as messages ({key, vars}) and rendered in the reader's language; older rows' plain text shown as written.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMessages, readStored, renderAll, storeTexts } from '../../src/core/messages.ts';

const dir = mkdtempSync(join(tmpdir(), 'centinela-messages-'));
writeFileSync(
  join(dir, 'es.ftl'),
  'total-missing = falta el total\nfield-total = total\nnot-in-pdf = el { $field } { $value } no aparece en el PDF\nonly-es = solo en español\n',
);
writeFileSync(
  join(dir, 'en.ftl'),
  'total-missing = the total is missing\nfield-total = total\nnot-in-pdf = the { $field } { $value } is not in the PDF text\n',
);
const messages = loadMessages(dir, ['es', 'en']);
const say = (lang: string) => (key: string, vars?: Record<string, string | number>) => messages.t(lang, key, vars);

describe('stored messages', () => {
  it('keep one message as JSON, several as a JSON array, and read back in either language', () => {
    const one = storeTexts([{ key: 'total-missing' }]) as string;
    expect(JSON.parse(one)).toEqual({ key: 'total-missing' });
    expect(renderAll(readStored(one), say('es'))).toBe('falta el total');
    expect(renderAll(readStored(one), say('en'))).toBe('the total is missing');
    const two = storeTexts([
      { key: 'total-missing' },
      { key: 'not-in-pdf', vars: { field: { key: 'field-total' }, value: '1,160.00' } },
    ]) as string;
    expect(renderAll(readStored(two), say('es'))).toBe('falta el total; el total 1,160.00 no aparece en el PDF');
    expect(renderAll(readStored(two), say('en'))).toBe(
      'the total is missing; the total 1,160.00 is not in the PDF text',
    );
    expect(storeTexts([])).toBeNull();
  });

  it('show an older plain-text reason, or text that only looks like JSON, as it was written', () => {
    for (const old of ['the total is missing', '{not json', '[1, 2]', '{"no":"key"}'])
      expect(renderAll(readStored(old), say('es'))).toBe(old);
    // An invoice's problems column of older rows: a JSON array of English strings, mixed with messages later.
    expect(renderAll(readStored(JSON.stringify(['low confidence', { key: 'total-missing' }])), say('es'))).toBe(
      'low confidence; falta el total',
    );
  });

  it('fall back to the first language for a key missing in another, and show an unknown key', () => {
    expect(messages.t('en', 'only-es')).toBe('solo en español');
    expect(messages.t('en', 'nope')).toBe('{nope}');
  });
});

// Is this file something the invoice pipeline can read? The bytes decide (file-type's magic numbers; XML and CSV
// recognised as text), and the name must agree with them. Every refusal says what was wrong and what to do: as a
// message (src/locales: check-*) for readers of either language, and in English for the API, the log and the CLI.

import { render } from '../../../core/messages.ts';
import type { MessageRef } from '../../../core/messages.ts';
import { english } from '../../../locales/index.ts';
import { describeDetected, extensionOf, typeWord, typeOfExtension, typeOfMime } from './names.ts';
import { csvProblem, decodeText, looksLikeXml } from './text.ts';
import { PHOTO_TYPES } from './types.ts';
import type { InvoiceFileCheck, InvoiceFileInput, InvoiceFileType } from './types.ts';
import { formatSizeSetting } from '../../../core/format.ts';

const fail = (key: string, vars?: MessageRef['vars']): InvoiceFileCheck => {
  const message: MessageRef = vars ? { key, vars } : { key };
  return { ok: false, reason: render(message, english), message };
};

const isPhoto = (type: InvoiceFileType | undefined): boolean => type !== undefined && PHOTO_TYPES.includes(type);

/** Whether a name's extension may stand for bytes of this type (a PNG named .jpg is still a photo). */
function agrees(named: InvoiceFileType, actual: InvoiceFileType): boolean {
  return named === actual || (isPhoto(named) && isPhoto(actual));
}

function limitNameFor(named: InvoiceFileType | undefined): string {
  return isPhoto(named) ? 'intake.max_bytes.photo' : 'intake.max_bytes.document';
}

/**
 * Checks an invoice file before anything reads it. Accepted: PDF, XML, CSV, and JPEG/PNG/WebP photos, where the
 * extension (if the name has one) matches the bytes; photo extensions are interchangeable. A name without an
 * extension is judged by its bytes alone.
 */
export async function checkInvoiceFile(input: InvoiceFileInput): Promise<InvoiceFileCheck> {
  const { bytes, fileName, maxBytes } = input;
  const extension = extensionOf(fileName);
  const named = typeOfExtension(extension);
  const shownName: MessageRef =
    extension === '' ? { key: 'check-no-extension' } : { key: 'check-named', vars: { ext: extension } };

  if (bytes.length === 0) return fail('check-empty');
  if (bytes.length > maxBytes) {
    const limit = input.limitName ?? limitNameFor(named);
    return fail('check-too-big', { size: formatSizeSetting(bytes.length), limit, max: formatSizeSetting(maxBytes) });
  }

  const { fileTypeFromBuffer } = await import('file-type'); // loaded with the first file, not at start
  const detected = await fileTypeFromBuffer(bytes);
  if (detected !== undefined) {
    const actual = typeOfMime(detected.mime);
    if (actual === undefined) {
      if (named !== undefined)
        return fail('check-not-invoice', { named: shownName, detected: describeDetected(detected) });
      return fail('check-unsupported', { what: detected.mime });
    }
    if (actual === 'xml') return checkText(bytes, named, extension, shownName, input.csvRows ?? 'file');
    if (extension !== '' && (named === undefined || !agrees(named, actual))) {
      return fail('check-rename', {
        named: shownName,
        actual: typeWord(actual),
        ext: actual === 'jpeg' ? 'jpg' : actual,
      });
    }
    return { ok: true, type: actual };
  }
  return checkText(bytes, named, extension, shownName, input.csvRows ?? 'file');
}

function checkText(
  bytes: Uint8Array,
  named: InvoiceFileType | undefined,
  extension: string,
  shownName: MessageRef,
  csvRows: 'file' | 'row',
): InvoiceFileCheck {
  const text = decodeText(bytes);
  if (named !== undefined && named !== 'xml' && named !== 'csv') {
    const what = { key: text === null ? 'check-what-binary' : 'check-what-text' };
    return fail('check-damaged', { named: shownName, what, expected: typeWord(named) });
  }
  if (text === null) {
    if (named !== undefined) return fail('check-binary', { named: shownName, expected: typeWord(named) });
    return fail('check-unsupported-binary');
  }
  if (text.trim() === '') return fail('check-blank');
  const xml = looksLikeXml(text);
  if (named === 'xml') {
    return xml ? { ok: true, type: 'xml' } : fail('check-not-xml', { named: shownName });
  }
  if (xml) {
    if (extension !== '') return fail('check-is-xml', { named: shownName });
    return { ok: true, type: 'xml' };
  }
  const problem = csvProblem(text);
  if (named === 'csv') {
    // Named .csv: a row of another width may be that row's error only (the name already says what it is).
    const fileProblem = csvRows === 'row' ? csvProblem(text, { rows: false }) : problem;
    // The CSV's own problem (a line's width, a quote never closed) stays as written.
    return fileProblem === null
      ? { ok: true, type: 'csv' }
      : fail('check-not-csv', { named: shownName, problem: fileProblem });
  }
  if (extension === '' && problem === null) return { ok: true, type: 'csv' };
  return fail('check-unsupported-text', {
    kind: extension === '' ? { key: 'check-plain-text' } : { key: 'check-ext-text', vars: { ext: extension } },
  });
}

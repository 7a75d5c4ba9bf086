// Is this file something the invoice pipeline can read? The bytes decide (file-type's magic numbers; XML and CSV
// recognised as text), and the name must agree with them. Every refusal says what was wrong and what to do.

import { describeDetected, extensionOf, TYPE_WORDS, typeOfExtension, typeOfMime } from './names.ts';
import { csvProblem, decodeText, looksLikeXml } from './text.ts';
import { PHOTO_TYPES, SEND_INSTEAD } from './types.ts';
import type { InvoiceFileCheck, InvoiceFileInput, InvoiceFileType } from './types.ts';
import { formatSizeSetting } from '../../../core/format.ts';

const fail = (reason: string): InvoiceFileCheck => ({ ok: false, reason });

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
  const shownName = extension === '' ? 'the file has no extension' : `the file is named .${extension}`;

  if (bytes.length === 0) return fail('the file is empty: send it again (the upload may have failed)');
  if (bytes.length > maxBytes) {
    const limit = input.limitName ?? limitNameFor(named);
    return fail(
      `the file is ${formatSizeSetting(bytes.length)}, over ${limit} (${formatSizeSetting(maxBytes)}): send a smaller file or raise ${limit}`,
    );
  }

  const { fileTypeFromBuffer } = await import('file-type'); // loaded with the first file, not at start
  const detected = await fileTypeFromBuffer(bytes);
  if (detected !== undefined) {
    const actual = typeOfMime(detected.mime);
    if (actual === undefined) {
      if (named !== undefined) return fail(`${shownName} but its bytes are ${describeDetected(detected)}: not an invoice`);
      return fail(`unsupported type ${detected.mime}: ${SEND_INSTEAD}`);
    }
    if (actual === 'xml') return checkText(bytes, named, extension, shownName, input.csvRows ?? 'file');
    if (extension !== '' && (named === undefined || !agrees(named, actual))) {
      return fail(`${shownName} but its bytes are ${TYPE_WORDS[actual]}: rename it to .${actual === 'jpeg' ? 'jpg' : actual} or send the right file`);
    }
    return { ok: true, type: actual };
  }
  return checkText(bytes, named, extension, shownName, input.csvRows ?? 'file');
}

function checkText(
  bytes: Uint8Array,
  named: InvoiceFileType | undefined,
  extension: string,
  shownName: string,
  csvRows: 'file' | 'row',
): InvoiceFileCheck {
  const text = decodeText(bytes);
  if (named !== undefined && named !== 'xml' && named !== 'csv') {
    const what = text === null ? 'unrecognised binary data' : 'text';
    return fail(`${shownName} but its bytes are ${what}, not ${TYPE_WORDS[named]}: the file may be damaged; send it again`);
  }
  if (text === null) {
    if (named !== undefined) return fail(`${shownName} but its bytes are binary data, not ${TYPE_WORDS[named]}: send the original file`);
    return fail(`unsupported type: unrecognised binary data: ${SEND_INSTEAD}`);
  }
  if (text.trim() === '') return fail('the file has only blank space: send the invoice itself');
  const xml = looksLikeXml(text);
  if (named === 'xml') {
    return xml ? { ok: true, type: 'xml' } : fail(`${shownName} but it does not start with "<": not an XML document; send the CFDI XML as the issuer sent it`);
  }
  if (xml) {
    if (named === 'csv') return fail(`${shownName} but its content is XML: rename it to .xml`);
    if (extension !== '') return fail(`${shownName} but its content is XML: rename it to .xml`);
    return { ok: true, type: 'xml' };
  }
  const problem = csvProblem(text);
  if (named === 'csv') {
    // Named .csv: a row of another width may be that row's error only (the name already says what it is).
    const fileProblem = csvRows === 'row' ? csvProblem(text, { rows: false }) : problem;
    return fileProblem === null ? { ok: true, type: 'csv' } : fail(`${shownName} but it is not readable as CSV: ${fileProblem}`);
  }
  if (extension === '' && problem === null) return { ok: true, type: 'csv' };
  const kind = extension === '' ? 'plain text' : `.${extension} text`;
  return fail(`unsupported type: ${kind}: ${SEND_INSTEAD}`);
}

// Invoice file checks: type by magic bytes and extension together, size limit, empty files, and a reason for
// every refusal.
import { describe, expect, it } from 'vitest';
import { formatSizeSetting } from '../../../src/core/format.ts';
import { checkInvoiceFile } from '../../../src/pipeline/invoices/check/index.ts';
import {
  CFDI_XML,
  GIF_HEADER,
  INVOICE_CSV,
  JPEG_HEADER,
  PNG_HEADER,
  imageOnlyPdf,
  invoicePdf,
  webpHeader,
  windowsExecutable,
} from '../../support/invoice-data.ts';

const MB = 1024 * 1024;
// A refusal's message (for readers of either language) is checked in bot-locales; here its English reason.
const check = async (bytes: Buffer, fileName: string, maxBytes = 50 * MB) => {
  const checked = await checkInvoiceFile({ bytes, fileName, maxBytes });
  if (checked.ok) return checked;
  const { message: _message, ...english } = checked;
  return english;
};

describe('checkInvoiceFile', () => {
  it('accepts each supported type when the name agrees with the bytes', async () => {
    expect(await check(invoicePdf(), 'factura.pdf')).toEqual({ ok: true, type: 'pdf' });
    expect(await check(imageOnlyPdf(), 'SCAN.PDF')).toEqual({ ok: true, type: 'pdf' });
    expect(await check(PNG_HEADER, 'foto.png')).toEqual({ ok: true, type: 'png' });
    expect(await check(JPEG_HEADER, 'foto.jpg')).toEqual({ ok: true, type: 'jpeg' });
    expect(await check(JPEG_HEADER, 'foto.jpeg')).toEqual({ ok: true, type: 'jpeg' });
    expect(await check(webpHeader(), 'foto.webp')).toEqual({ ok: true, type: 'webp' });
    expect(await check(Buffer.from(CFDI_XML), 'cfdi.xml')).toEqual({ ok: true, type: 'xml' });
    expect(await check(Buffer.from('<cfdi:Comprobante Total="1"/>'), 'cfdi.xml')).toEqual({ ok: true, type: 'xml' });
    const goodRows = INVOICE_CSV.split('\r\n').slice(0, -1).join('\r\n');
    expect(await check(Buffer.from(goodRows), 'facturas.csv')).toEqual({ ok: true, type: 'csv' });
    expect(await check(Buffer.from('folio,total\r\nA-1,"1,160.00"\r\n', 'latin1'), 'f.csv')).toEqual({
      ok: true,
      type: 'csv',
    });
    expect(await check(Buffer.from('folio;razón\nA-1;Compañía\n', 'latin1'), 'latin1.csv')).toEqual({
      ok: true,
      type: 'csv',
    });
  });

  it('judges a name without an extension by its bytes alone; photo extensions are interchangeable', async () => {
    expect(await check(invoicePdf(), 'document')).toEqual({ ok: true, type: 'pdf' });
    expect(await check(Buffer.from(CFDI_XML), 'file')).toEqual({ ok: true, type: 'xml' });
    expect(await check(Buffer.from('a,b\n1,2\n'), 'file')).toEqual({ ok: true, type: 'csv' });
    expect(await check(PNG_HEADER, 'photo.jpg')).toEqual({ ok: true, type: 'png' });
  });

  it('rejects an executable named .pdf, saying what its bytes are', async () => {
    expect(await check(windowsExecutable(), 'factura.pdf')).toEqual({
      ok: false,
      reason: 'the file is named .pdf but its bytes are a Windows executable (MZ): not an invoice',
    });
  });

  it('rejects empty and oversize files, naming the setting', async () => {
    expect(await check(Buffer.alloc(0), 'factura.pdf')).toEqual({
      ok: false,
      reason: 'the file is empty: send it again (the upload may have failed)',
    });
    expect(await check(Buffer.alloc(50 * MB + 1), 'factura.pdf')).toEqual({
      ok: false,
      reason:
        'the file is 50.0m, over intake.max_bytes.document (50m): send a smaller file or raise intake.max_bytes.document',
    });
    expect(await check(Buffer.alloc(2 * 1536), 'foto.jpg', 2048)).toEqual({
      ok: false,
      reason: 'the file is 3k, over intake.max_bytes.photo (2k): send a smaller file or raise intake.max_bytes.photo',
    });
    expect(formatSizeSetting(999)).toBe('999 bytes');
    expect(formatSizeSetting(1536)).toBe('1.5k');
    expect(formatSizeSetting(2 * 1024 ** 3)).toBe('2g');
  });

  it('rejects unsupported types with what to send instead', async () => {
    expect(await check(GIF_HEADER, 'foto.gif')).toEqual({
      ok: false,
      reason: 'unsupported type image/gif: send PDF, XML, CSV or a JPEG/PNG/WebP photo',
    });
    expect(await check(windowsExecutable(), 'setup.exe')).toEqual({
      ok: false,
      reason: 'unsupported type application/x-msdownload: send PDF, XML, CSV or a JPEG/PNG/WebP photo',
    });
    expect(await check(Buffer.from([0, 1, 2, 3, 250, 251]), 'blob')).toEqual({
      ok: false,
      reason: 'unsupported type: unrecognised binary data: send PDF, XML, CSV or a JPEG/PNG/WebP photo',
    });
    expect(await check(Buffer.from('hola, qué tal'), 'nota.txt')).toEqual({
      ok: false,
      reason: 'unsupported type: .txt text: send PDF, XML, CSV or a JPEG/PNG/WebP photo',
    });
  });

  it('rejects every other disagreement between name and bytes', async () => {
    expect(await check(invoicePdf(), 'cfdi.xml')).toEqual({
      ok: false,
      reason: 'the file is named .xml but its bytes are a PDF document: rename it to .pdf or send the right file',
    });
    expect(await check(PNG_HEADER, 'factura.pdf')).toEqual({
      ok: false,
      reason: 'the file is named .pdf but its bytes are a PNG image: rename it to .png or send the right file',
    });
    expect(await check(GIF_HEADER, 'factura.pdf')).toEqual({
      ok: false,
      reason: 'the file is named .pdf but its bytes are a GIF image (image/gif): not an invoice',
    });
    expect(await check(Buffer.from('Factura A-123 total 1160'), 'factura.pdf')).toEqual({
      ok: false,
      reason:
        'the file is named .pdf but its bytes are text, not a PDF document: the file may be damaged; send it again',
    });
    expect(await check(Buffer.from('folio,total\nA-1,1160\n'), 'cfdi.xml')).toEqual({
      ok: false,
      reason:
        'the file is named .xml but it does not start with "<": not an XML document; send the CFDI XML as the issuer sent it',
    });
    expect(await check(Buffer.from(CFDI_XML), 'facturas.csv')).toEqual({
      ok: false,
      reason: 'the file is named .csv but its content is XML: rename it to .xml',
    });
    expect(await check(Buffer.from('folio,total\nA-1,1160,extra\n'), 'facturas.csv')).toEqual({
      ok: false,
      reason: 'the file is named .csv but it is not readable as CSV: line 2 has 3 columns but the header has 2',
    });
    expect(await check(Buffer.from(INVOICE_CSV), 'facturas.csv')).toEqual({
      ok: false,
      reason: 'the file is named .csv but it is not readable as CSV: line 6 has 6 columns but the header has 9',
    });
    expect(await check(Buffer.from('solo una columna\notra\n'), 'facturas.csv')).toEqual({
      ok: false,
      reason:
        'the file is named .csv but it is not readable as CSV: its first line has no "," or ";" separating columns',
    });
    expect(await check(Buffer.from('a,b\n1\u00002\n'), 'facturas.csv')).toEqual({
      ok: false,
      reason: 'the file is named .csv but its bytes are binary data, not CSV text: send the original file',
    });
    expect(await check(Buffer.from(' \n\t\n'), 'facturas.csv')).toEqual({
      ok: false,
      reason: 'the file has only blank space: send the invoice itself',
    });
  });
});

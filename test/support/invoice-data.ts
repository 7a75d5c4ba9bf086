// Invoice test files built in code: minimal valid PDFs (one with a text layer, one with only an image), the
// headers of photos and of a Windows executable, and CSV text.

/** A PDF from its objects' bodies (object 1 is the catalog), with a correct cross-reference table. */
function buildPdf(objects: readonly string[]): Buffer {
  const chunks: string[] = ['%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'];
  const offsets: number[] = [];
  let length = Buffer.byteLength(chunks[0] ?? '', 'latin1');
  objects.forEach((body, i) => {
    const chunk = `${i + 1} 0 obj\n${body}\nendobj\n`;
    offsets.push(length);
    chunks.push(chunk);
    length += Buffer.byteLength(chunk, 'latin1');
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R >>`,
    'startxref',
    String(length),
    '%%EOF',
  ].join('\n');
  chunks.push(`${xref}\n`);
  return Buffer.from(chunks.join(''), 'latin1');
}

const stream = (content: string, dictionary = ''): string =>
  `<< ${dictionary} /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;

const escapePdf = (text: string): string => text.replace(/[\\()]/g, (c) => `\\${c}`);

/** A one-page PDF whose text layer holds these lines (Helvetica, WinAnsi: Latin-1 text only). */
export function textPdf(lines: readonly string[]): Buffer {
  const content = [
    'BT',
    '/F1 11 Tf',
    '14 TL',
    '50 780 Td',
    ...lines.map((line) => `(${escapePdf(line)}) Tj T*`),
    'ET',
  ].join('\n');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    stream(content),
  ]);
}

/** A one-page PDF with only an image on it (a 2×2 grey picture), like a scan: no text layer. */
export function imageOnlyPdf(): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>',
    stream(
      '\x80\x40\x40\x80',
      '/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8',
    ),
    stream('q 500 0 0 700 50 70 cm /Im1 Do Q'),
  ]);
}

export const INVOICE_LINES = [
  'Proveedor Ejemplo SA de CV',
  'RFC Emisor: EKU9003173C9',
  'Factura No. A-123',
  'Fecha 12/05/2024',
  'Cliente: Publico en General RFC XAXX010101000',
  'Moneda: MXN',
  'Subtotal 1,000.00',
  'IVA 16% 160.00',
  'Total 1,160.00',
] as const;

/** The invoice PDF of the issue: a text layer with number, date, RFCs, subtotal, IVA and total. */
export function invoicePdf(): Buffer {
  return textPdf(INVOICE_LINES);
}

export const PNG_HEADER = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde,
]);

export const JPEG_HEADER = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
  0x00, 0xff, 0xd9,
]);

export function webpHeader(): Buffer {
  const body = Buffer.concat([Buffer.from('WEBPVP8 '), Buffer.alloc(18)]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF'), size, body]);
}

export const GIF_HEADER = Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;', 'latin1');

/** The start of a Windows executable: "MZ", then the offset of the PE header at 0x3c, then "PE\0\0". */
export function windowsExecutable(): Buffer {
  const bytes = Buffer.alloc(256);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

export const CFDI_XML =
  '\uFEFF  <?xml version="1.0" encoding="UTF-8"?>\n<cfdi:Comprobante Version="4.0" Total="1160.00"/>\n';

export const INVOICE_CSV = [
  'Folio;Fecha;RFC Emisor;Emisor;Subtotal;IVA;Total;Moneda;Concepto',
  'A-1;12/05/2024;eku9003173c9;"Proveedor; Ejemplo ""Norte"" SA";"1.000,00";160,00;"1.160,00";mxn;"dos',
  'líneas"',
  '',
  'A-2;2024-05-13;EKU9003173C9;Proveedor Ejemplo SA;500;80;580;MXN;simple',
  'A-3;13/05/2024;EKU9003173C9;Falta columna;500;80',
].join('\r\n');

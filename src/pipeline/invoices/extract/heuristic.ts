// Reading invoice fields out of plain text (a PDF's text layer) without a model: labels in Spanish or English
// followed by values. What it understands:
// - number: "Factura No. A-123", "Factura #123", "Folio: 456" (not "Folio fiscal"), "Invoice # INV-9", "Invoice No. 9";
//   series: "Serie A" (not "No. de serie del certificado").
// - folio fiscal: the first UUID-shaped text, upper-cased.
// - date: the first date after a "Fecha"/"Fecha de emisión"/"Date" label (not "de timbrado", "de vencimiento",
//   "de pago", "de certificación"), else the first date in the text; formats as in dates.ts.
// - currency: MXN/USD/EUR written out; else "pesos"/"M.N." → MXN, "dólares"/"US$" → USD, "€"/"euros" → EUR;
//   a bare "$" → MXN (noted).
// - RFCs: texts matching the RFC pattern; one after "Receptor"/"Cliente"/"Bill to" is the receiver's, the others
//   fill issuer then receiver in order.
// - amounts: the first amount right after each label (an optional rate like "16%" and ":" between), formats as in
//   amounts.ts: Subtotal; Descuento/Discount; transferred taxes = "Total impuestos trasladados", else IVA + IEPS
//   (or VAT/Tax); withheld = "Total impuestos retenidos", else IVA retenido + ISR retenido, else "Retención";
//   Total (not Subtotal, not "Total de impuestos").
// - Forma de pago (two digits) and Método de pago (PUE/PPD).
// Not understood: amounts laid out in a column away from their labels, names of the parties.

import { RFC_PATTERN } from '../cfdi/index.ts';
import { AMOUNT_IN_TEXT, parseAmountText } from './amounts.ts';
import { datesIn } from './dates.ts';
import type { InvoiceFields } from './fields.ts';
import { expectedTotal, sameAmount } from './money.ts';
import { sumDecimals } from '../cfdi/index.ts';

export interface HeuristicResult {
  fields: Partial<InvoiceFields>;
  /** 0..1: how many key fields were found, and whether the totals add up. */
  confidence: number;
  /** True below REVIEW_THRESHOLD: a person should look at it. */
  review: boolean;
  notes: string[];
}

export const REVIEW_THRESHOLD = 0.7;

const RATE = String.raw`(?:\(?\s*\d{1,2}(?:[.,]\d{1,6})?\s?%\s*\)?)?`;
const BETWEEN = String.raw`\s*(?:\(?(?:MXN|USD|EUR)\)?)?\s*${RATE}\s*[:=]?\s*(?:\(?(?:MXN|USD|EUR)\)?)?\s*`;

function amountAfter(text: string, label: string): string | undefined {
  const match = new RegExp(`(?:${label})${BETWEEN}(${AMOUNT_IN_TEXT})`, 'iu').exec(text);
  const raw = match?.[1];
  return raw === undefined ? undefined : (parseAmountText(raw) ?? undefined);
}

const LABELS = {
  subtotal: String.raw`\bsub[\s-]?total(?:es)?\b`,
  discount: String.raw`\b(?:descuentos?|discount)\b`,
  transferredTotal: String.raw`\btotal\s+(?:de\s+)?impuestos\s+trasladados\b`,
  iva: String.raw`(?<!retenci[oó]n\s(?:de\s)?|ret\.?\s?)\b(?:i\.v\.a\.?|iva\b)(?!\s*ret)(?:\s+trasladado)?`,
  ieps: String.raw`\bieps\b(?!\s*ret)`,
  vat: String.raw`\b(?:vat|tax)\b`,
  withheldTotal: String.raw`\btotal\s+(?:de\s+)?impuestos\s+retenidos\b`,
  retIva: String.raw`\b(?:retenci[oó]n\s+(?:de\s+)?iva|iva\s+retenido|ret\.?\s*iva)\b`,
  retIsr: String.raw`\b(?:retenci[oó]n\s+(?:de\s+)?isr|isr\s+retenido|ret\.?\s*isr)\b`,
  retention: String.raw`\b(?:retenci[oó]n(?:es)?|withholding(?:\s+tax)?)\b`,
  total: String.raw`(?<![a-z]|sub[\s-])\btotal\b(?:\s+a\s+pagar|\s+factura)?(?!\s+(?:de\s+)?impuestos)`,
} as const;

function sumPresent(values: Array<string | undefined>): string | undefined {
  const present = values.filter((v): v is string => v !== undefined);
  return present.length === 0 ? undefined : sumDecimals(present);
}

function readNumber(text: string): { number?: string; series?: string } {
  const result: { number?: string; series?: string } = {};
  const patterns = [
    /\b(?:factura|invoice)\s*(?:no\.?|n[uú]m(?:ero)?\.?|n[°º]|number|#)\s*[:#]?\s*([A-Z0-9][A-Z0-9/_-]*)/iu,
    /\bno\.?\s*de\s*factura\s*[:#]?\s*([A-Z0-9][A-Z0-9/_-]*)/iu,
    /\bfolio(?!\s*fiscal)(?:\s*(?:no\.?|interno))?\s*[:#]?\s*([A-Z0-9][A-Z0-9/_-]*)/iu,
  ];
  for (const pattern of patterns) {
    const value = pattern.exec(text)?.[1];
    if (value !== undefined && /\d/.test(value)) {
      result.number = value.replace(/[-/_]+$/, '');
      break;
    }
  }
  const series = /(?<!de\s)\bserie\s*[:#]?\s*([A-Z0-9]{1,25})\b/iu.exec(text)?.[1];
  if (series !== undefined) result.series = series.toUpperCase();
  return result;
}

function readDate(text: string, notes: string[]): string | undefined {
  const dates = datesIn(text);
  const label = /\b(?:fecha(?:\s+(?:y\s+hora\s+)?de\s+(?:emisi[oó]n|expedici[oó]n|factura))?|invoice\s+date|issue\s+date|date)\b(?!\s+de\s+(?:timbrado|certificaci|vencimiento|pago))/giu;
  for (const match of text.matchAll(label)) {
    const end = match.index + match[0].length;
    const near = dates.find((d) => d.index >= end && d.index - end <= 40);
    if (near !== undefined) return near.date;
  }
  const first = dates[0];
  if (first !== undefined) {
    notes.push('date taken from the first date in the text (no "Fecha" label next to a date)');
    return first.date;
  }
  return undefined;
}

function readCurrency(text: string, notes: string[]): { currency?: string; explicit: boolean } {
  const code = /\b(MXN|USD|EUR)\b/u.exec(text)?.[1];
  if (code !== undefined) return { currency: code, explicit: true };
  if (/\bpesos\b|\bm\.\s?n\./iu.test(text)) return { currency: 'MXN', explicit: true };
  if (/d[oó]lares|dollars|US\$/iu.test(text)) return { currency: 'USD', explicit: true };
  if (/€|\beuros?\b/iu.test(text)) return { currency: 'EUR', explicit: true };
  if (text.includes('$')) {
    notes.push('currency assumed MXN from "$"');
    return { currency: 'MXN', explicit: false };
  }
  return { explicit: false };
}

function readRfcs(text: string): { issuerRfc?: string; receiverRfc?: string } {
  const upper = text.toUpperCase();
  const seen = new Set<string>();
  const receiverByLabel: string[] = [];
  const others: string[] = [];
  for (const match of upper.matchAll(/(?<![A-Z0-9Ñ&])[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}(?![A-Z0-9Ñ&])/gu)) {
    const rfc = match[0];
    if (!RFC_PATTERN.test(rfc) || seen.has(rfc)) continue;
    seen.add(rfc);
    const before = upper.slice(Math.max(0, match.index - 120), match.index);
    const receiverAt = Math.max(...['RECEPTOR', 'CLIENTE', 'CUSTOMER', 'BILL TO', 'FACTURAR A'].map((w) => before.lastIndexOf(w)));
    const issuerAt = Math.max(...['EMISOR', 'PROVEEDOR', 'ISSUER', 'VENDOR', 'SUPPLIER'].map((w) => before.lastIndexOf(w)));
    if (receiverAt > issuerAt) receiverByLabel.push(rfc);
    else others.push(rfc);
  }
  const result: { issuerRfc?: string; receiverRfc?: string } = {};
  const issuer = others.shift();
  if (issuer !== undefined) result.issuerRfc = issuer;
  const receiver = receiverByLabel[0] ?? others[0];
  if (receiver !== undefined) result.receiverRfc = receiver;
  return result;
}

function readAmounts(text: string): Partial<InvoiceFields> {
  const fields: Partial<InvoiceFields> = {};
  const subtotal = amountAfter(text, LABELS.subtotal);
  const discount = amountAfter(text, LABELS.discount);
  const transferred =
    amountAfter(text, LABELS.transferredTotal) ??
    sumPresent([amountAfter(text, LABELS.iva), amountAfter(text, LABELS.ieps)]) ??
    amountAfter(text, LABELS.vat);
  const withheld =
    amountAfter(text, LABELS.withheldTotal) ??
    sumPresent([amountAfter(text, LABELS.retIva), amountAfter(text, LABELS.retIsr)]) ??
    amountAfter(text, LABELS.retention);
  const total = amountAfter(text, LABELS.total);
  if (subtotal !== undefined) fields.subtotal = subtotal;
  if (discount !== undefined) fields.discount = discount;
  if (transferred !== undefined) fields.transferredTaxes = transferred;
  if (withheld !== undefined) fields.withheldTaxes = withheld;
  if (total !== undefined) fields.total = total;
  return fields;
}

/** Fields, a confidence score and notes from an invoice's text. Never throws. */
export function heuristicExtract(text: string): HeuristicResult {
  const notes: string[] = [];
  const fields: Partial<InvoiceFields> = { ...readNumber(text) };
  const uuid = /\b[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b/iu.exec(text)?.[0];
  if (uuid !== undefined) fields.uuid = uuid.toUpperCase();
  const issuedAt = readDate(text, notes);
  if (issuedAt !== undefined) fields.issuedAt = issuedAt;
  const currency = readCurrency(text, notes);
  if (currency.currency !== undefined) fields.currency = currency.currency;
  Object.assign(fields, readRfcs(text), readAmounts(text));
  const paymentForm = /\bforma\s+de\s+pago\s*:?\s*(\d{2})\b/iu.exec(text)?.[1];
  if (paymentForm !== undefined) fields.paymentForm = paymentForm;
  const paymentMethod = /\bm[eé]todo\s+de\s+pago\s*:?\s*(PUE|PPD)\b/iu.exec(text)?.[1];
  if (paymentMethod !== undefined) fields.paymentMethod = paymentMethod.toUpperCase();

  let confidence = 0;
  const weigh = (found: boolean, weight: number, missing: string): void => {
    if (found) confidence += weight;
    else notes.push(`no ${missing} found`);
  };
  weigh(fields.total !== undefined, 0.25, 'total');
  weigh(fields.issuedAt !== undefined, 0.15, 'date');
  weigh(fields.number !== undefined || fields.uuid !== undefined, 0.15, 'invoice number or folio fiscal');
  weigh(fields.issuerRfc !== undefined, 0.15, 'RFC');
  weigh(fields.subtotal !== undefined, 0.1, 'subtotal');
  if (currency.explicit) confidence += 0.05;
  else if (fields.currency !== undefined) confidence += 0.025;
  else notes.push('no currency found');
  if (fields.subtotal !== undefined && fields.total !== undefined) {
    const expected = expectedTotal({ ...fields, subtotal: fields.subtotal });
    if (sameAmount(expected, fields.total)) confidence += 0.15;
    else notes.push(`the amounts do not add up: expected a total of ${expected}, found ${fields.total}`);
  } else {
    notes.push('the sum could not be checked (subtotal or total missing)');
  }
  confidence = Math.round(confidence * 1000) / 1000;
  return { fields, confidence, review: confidence < REVIEW_THRESHOLD, notes };
}

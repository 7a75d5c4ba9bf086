// Reading invoice fields out of plain text (a PDF's text layer) without a model: labels in Spanish or English
// followed by values. What it understands:
// - number: "Factura No. A-123", "Factura #123", "Folio: 456" (not "Folio fiscal"), "Invoice # INV-9", "Invoice No. 9";
//   series: "Serie A" (not "No. de serie del certificado").
// - folio fiscal: the first UUID-shaped text, upper-cased.
// - date: the first date after an issue-date label ("Fecha de emisión", "Invoice Date", "Issue Date"), else after a
//   plain "Fecha"/"Date" label that is not a due, payment, order or delivery date ("Due Date", "Fecha de
//   vencimiento", "Order Date"…), else the first date no such label claims (a guess); formats as in dates.ts.
// - currency: an ISO code written out (MXN, USD, EUR, INR, GBP, CAD…); else words and signs before "$": "pesos"/
//   "M.N." → MXN, "dólares"/"dollars"/"US$" → USD, "€"/"euros" → EUR, "₹"/"Rs." → INR, "£" → GBP; a bare "$" is
//   MXN only on a Mexican invoice (an RFC, IVA, "Factura"), else the currency is left unknown: "$" is also the dollar.
// - RFCs: texts matching the RFC pattern; one after "Receptor"/"Cliente"/"Bill to" is the receiver's, the others
//   fill issuer then receiver in order.
// - amounts: the first amount right after each label (an optional rate like "16%" and ":" between), formats as in
//   amounts.ts: Subtotal; Descuento/Discount; transferred taxes = "Total impuestos trasladados", else IVA + IEPS
//   (or VAT/Tax); withheld = "Total impuestos retenidos", else IVA retenido + ISR retenido, else "Retención";
//   the total after a label that can only mean the amount to pay ("Grand Total", "Total a pagar", "Amount Due",
//   "Importe total"…), else the "Total" line (not Subtotal, not "Total de impuestos"; of a table's totals row with
//   several amounts, the last, as a guess); a total that makes subtotal and taxes add up wins.
// - Forma de pago (two digits) and Método de pago (PUE/PPD).
// Each field that is a guess is named in `unsure` with why: the reviewer sees it as one, and the reading goes to
// review, so a confident wrong value is never offered.
// Not understood: amounts laid out in a column away from their labels, names of the parties.

import { RFC_PATTERN, sumDecimals } from '../cfdi/index.ts';
import { AMOUNT_IN_TEXT, amountsIn, parseAmountText } from './amounts.ts';
import { datesIn } from './dates.ts';
import type { InvoiceFields } from './fields.ts';
import { expectedTotal, sameAmount } from './money.ts';

export interface HeuristicResult {
  fields: Partial<InvoiceFields>;
  /** 0..1: how many key fields were found, and whether the totals add up; guessed fields count half. */
  confidence: number;
  /** True below REVIEW_THRESHOLD, or when a key field is a guess: a person should look at it. */
  review: boolean;
  notes: string[];
  /** Fields read without a label that settles them, and why each is a guess. */
  unsure: Partial<Record<keyof InvoiceFields, string>>;
}

export const REVIEW_THRESHOLD = 0.7;

const RATE = String.raw`(?:\(?\s*\d{1,2}(?:[.,]\d{1,6})?\s?%\s*\)?)?`;
const CODES = ['MXN', 'USD', 'EUR', 'CAD', 'GBP', 'INR', 'JPY', 'CNY', 'BRL', 'COP', 'CLP', 'ARS', 'PEN', 'CHF', 'AUD'];
const MARK = String.raw`(?:\(?(?:${CODES.join('|')}|Rs\.?|₹|£)\)?)?`;
const BETWEEN = String.raw`\s*${MARK}\s*${RATE}\s*[:=]?\s*${MARK}\s*`;

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
  /** Labels that can only mean the amount to pay. */
  payable: String.raw`\b(?:grand\s+total|total\s+a\s+pagar|total\s+factura|importe\s+total|total\s+general|neto\s+a\s+pagar|(?:total\s+)?amount\s+(?:due|payable)|balance\s+due|total\s+(?:due|payable|amount)|invoice\s+total)\b`,
} as const;

function sumPresent(values: Array<string | undefined>): string | undefined {
  const present = values.filter((v): v is string => v !== undefined);
  return present.length === 0 ? undefined : sumDecimals(present);
}

function readNumber(text: string): { number?: string; series?: string } {
  const result: { number?: string; series?: string } = {};
  const patterns = [
    /\b(?:factura|invoice)\s*(?:number|no\.?|n[uú]m(?:ero)?(?![a-z])\.?|n[°º]|#)\s*[:#]?\s*([A-Z0-9][A-Z0-9/_-]*)/giu,
    /\bno\.?\s*de\s*factura\s*[:#]?\s*([A-Z0-9][A-Z0-9/_-]*)/giu,
    /\bfolio(?!\s*fiscal)(?:\s*(?:no\.?|interno))?\s*[:#]?\s*([A-Z0-9][A-Z0-9/_-]*)/giu,
  ];
  // The first value with a digit after any of the labels, in the order of the patterns.
  const value = patterns
    .flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] ?? ''))
    .find((v) => /\d/.test(v));
  if (value !== undefined) result.number = value.replace(/[-/_]+$/, '');
  const series = /(?<!de\s)\bserie\s*[:#]?\s*([A-Z0-9]{1,25})\b/iu.exec(text)?.[1];
  if (series !== undefined) result.series = series.toUpperCase();
  return result;
}

// Dates that are not the issue date, whatever follows them.
const OTHER_DATE =
  /\b(?:due|payment|pay\s+by|order|delivery|ship(?:ping)?|service|expiry|expiration|valid\s+until|vencimiento|pago|l[ií]mite|entrega|pedido|timbrado|certificaci[oó]n)\b[^\n\d]{0,20}$/iu;
const ISSUE_LABEL =
  /\b(?:fecha\s+(?:y\s+hora\s+)?de\s+(?:emisi[oó]n|expedici[oó]n|factura)|invoice\s+date|issue\s+date|date\s+of\s+issue|billing\s+date|fecha\s+factura)\b/giu;
const PLAIN_LABEL = /\b(?:fecha|date)\b(?!\s+de\s+(?:timbrado|certificaci|vencimiento|pago))/giu;

function readDate(text: string, notes: string[], unsure: HeuristicResult['unsure']): string | undefined {
  const dates = datesIn(text);
  const after = (label: RegExp): (typeof dates)[number] | undefined => {
    for (const match of text.matchAll(label)) {
      // "Due Date", "Fecha de vencimiento", "Order Date": that label is not the issue date's.
      if (OTHER_DATE.test(text.slice(Math.max(0, match.index - 30), match.index + match[0].length))) continue;
      const end = match.index + match[0].length;
      const near = dates.find((d) => d.index >= end && d.index - end <= 40);
      if (near !== undefined) return near;
    }
    return undefined;
  };
  let found = after(ISSUE_LABEL) ?? after(PLAIN_LABEL);
  if (found === undefined) {
    found = dates.find((d) => !OTHER_DATE.test(text.slice(Math.max(0, d.index - 40), d.index)));
    if (found === undefined) return undefined;
    notes.push('date taken from the first date in the text (no "Fecha" label next to a date)');
    unsure.issuedAt = 'no issue-date label next to it';
  }
  // Day first is the Mexican order; an invoice in English may be month first.
  if (found.ambiguous && !MEXICAN_WORDS.test(text) && !MEXICAN_RFC.test(text) && !/\bfecha\b/iu.test(text)) {
    unsure.issuedAt = `${found.written} was read day first; on an invoice in English it may be month first`;
  }
  return found.date;
}

const CODE_IN_TEXT = new RegExp(String.raw`\b(${CODES.join('|')})\b`, 'u');
/** Signs of a Mexican invoice, for reading a bare "$" as pesos. */
const MEXICAN_WORDS = /\b(?:RFC|IVA|CFDI|factura|folio\s+fiscal|r[eé]gimen\s+fiscal|M\.\s?N\.)/iu;
const MEXICAN_RFC = /(?<![A-Z0-9])[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}(?![A-Z0-9])/u;

function readCurrency(
  text: string,
  notes: string[],
  unsure: HeuristicResult['unsure'],
): { currency?: string; explicit: boolean } {
  const code = CODE_IN_TEXT.exec(text)?.[1];
  if (code !== undefined) return { currency: code, explicit: true };
  if (/\bpesos\b|\bm\.\s?n\./iu.test(text)) return { currency: 'MXN', explicit: true };
  if (/d[oó]lares|dollars|US\$|U\.S\.\s?\$/iu.test(text)) return { currency: 'USD', explicit: true };
  if (/€|\beuros?\b/iu.test(text)) return { currency: 'EUR', explicit: true };
  if (/₹|\bRs\.?\s?\d|\brupees?\b/iu.test(text)) return { currency: 'INR', explicit: true };
  if (/£|\bpounds?\s+sterling\b/iu.test(text)) return { currency: 'GBP', explicit: true };
  if (text.includes('$')) {
    if (MEXICAN_WORDS.test(text) || MEXICAN_RFC.test(text)) {
      notes.push('currency assumed MXN from "$"');
      return { currency: 'MXN', explicit: false };
    }
    notes.push('the currency is not written and "$" alone may be pesos or dollars');
    unsure.currency = '"$" without a code';
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
    const receiverAt = Math.max(
      ...['RECEPTOR', 'CLIENTE', 'CUSTOMER', 'BILL TO', 'FACTURAR A'].map((w) => before.lastIndexOf(w)),
    );
    const issuerAt = Math.max(
      ...['EMISOR', 'PROVEEDOR', 'ISSUER', 'VENDOR', 'SUPPLIER'].map((w) => before.lastIndexOf(w)),
    );
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

/** Every amount on the rest of the line after each "Total" label, line by line. */
function totalLines(text: string): string[][] {
  const lines: string[][] = [];
  for (const match of text.matchAll(new RegExp(LABELS.total, 'giu'))) {
    const rest = text.slice(match.index + match[0].length).split('\n', 1)[0] ?? '';
    const amounts = amountsIn(rest.replace(new RegExp(String.raw`^\s*${MARK}\s*${RATE}`, 'iu'), ''));
    if (amounts.length > 0) lines.push(amounts);
  }
  return lines;
}

/**
 * The amount to pay: after a label that can only mean it; else on a "Total" line (the last amount of a table's
 * totals row, as a guess). Among the candidates, one that makes subtotal and taxes add up wins.
 */
function readTotal(text: string, parts: Partial<InvoiceFields>, unsure: HeuristicResult['unsure']): string | undefined {
  const payable = amountAfter(text, LABELS.payable);
  const lines = totalLines(text);
  const candidates = [...(payable === undefined ? [] : [payable]), ...lines.map((l) => l[l.length - 1] as string)];
  if (parts.subtotal !== undefined) {
    const expected = expectedTotal({ ...parts, subtotal: parts.subtotal });
    const adding = candidates.find((c) => sameAmount(c, expected));
    if (adding !== undefined) return adding;
  }
  if (payable !== undefined) return payable;
  const line = lines[0];
  if (line === undefined) return undefined;
  if (line.length > 1)
    unsure.total = `the "Total" line has ${line.length} amounts (${line.join(', ')}); the last was taken`;
  return line[line.length - 1];
}

function readAmounts(text: string, unsure: HeuristicResult['unsure']): Partial<InvoiceFields> {
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
  if (subtotal !== undefined) fields.subtotal = subtotal;
  if (discount !== undefined) fields.discount = discount;
  if (transferred !== undefined) fields.transferredTaxes = transferred;
  if (withheld !== undefined) fields.withheldTaxes = withheld;
  const total = readTotal(text, fields, unsure);
  if (total !== undefined) fields.total = total;
  return fields;
}

/** Fields, a confidence score and notes from an invoice's text. Never throws. */
export function heuristicExtract(text: string): HeuristicResult {
  const notes: string[] = [];
  const unsure: HeuristicResult['unsure'] = {};
  const fields: Partial<InvoiceFields> = { ...readNumber(text) };
  const uuid = /\b[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b/iu.exec(text)?.[0];
  if (uuid !== undefined) fields.uuid = uuid.toUpperCase();
  const issuedAt = readDate(text, notes, unsure);
  if (issuedAt !== undefined) fields.issuedAt = issuedAt;
  const currency = readCurrency(text, notes, unsure);
  if (currency.currency !== undefined) fields.currency = currency.currency;
  Object.assign(fields, readRfcs(text), readAmounts(text, unsure));
  const paymentForm = /\bforma\s+de\s+pago\s*:?\s*(\d{2})\b/iu.exec(text)?.[1];
  if (paymentForm !== undefined) fields.paymentForm = paymentForm;
  const paymentMethod = /\bm[eé]todo\s+de\s+pago\s*:?\s*(PUE|PPD)\b/iu.exec(text)?.[1];
  if (paymentMethod !== undefined) fields.paymentMethod = paymentMethod.toUpperCase();

  let confidence = 0;
  const weigh = (found: boolean, weight: number, missing: string, guessed = false): void => {
    if (found) confidence += guessed ? weight / 2 : weight;
    else notes.push(`no ${missing} found`);
  };
  weigh(fields.total !== undefined, 0.25, 'total', unsure.total !== undefined);
  weigh(fields.issuedAt !== undefined, 0.15, 'date', unsure.issuedAt !== undefined);
  weigh(fields.number !== undefined || fields.uuid !== undefined, 0.15, 'invoice number or folio fiscal');
  weigh(fields.issuerRfc !== undefined, 0.15, 'RFC');
  weigh(fields.subtotal !== undefined, 0.1, 'subtotal');
  if (currency.explicit) confidence += 0.05;
  else if (fields.currency !== undefined) confidence += 0.025;
  else if (unsure.currency === undefined) notes.push('no currency found');
  if (fields.subtotal !== undefined && fields.total !== undefined) {
    const expected = expectedTotal({ ...fields, subtotal: fields.subtotal });
    if (sameAmount(expected, fields.total)) confidence += 0.15;
    else notes.push(`the amounts do not add up: expected a total of ${expected}, found ${fields.total}`);
  } else {
    notes.push('the sum could not be checked (subtotal or total missing)');
  }
  confidence = Math.round(confidence * 1000) / 1000;
  return { fields, confidence, review: confidence < REVIEW_THRESHOLD || Object.keys(unsure).length > 0, notes, unsure };
}

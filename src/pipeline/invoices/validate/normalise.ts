// Raw fields (from a CSV row, a model, the heuristic extractor) into the canonical shape: RFCs upper-case and
// checked, dates as ISO dates, money as decimal strings with two decimals (rounded half away from zero when
// written with more), currency as an upper-case 3-letter code, payment method and form as SAT catalogue codes. A value that cannot be understood is left out
// and named in `problems`.

import { PAYMENT_FORM_HINT, PAYMENT_METHOD_HINT, RFC_PATTERN, paymentFormCode, paymentMethodCode, toMinorUnits } from '../cfdi/index.ts';
import { MONEY_FIELDS, UUID_TEXT, parseAmountText, parseDateText } from '../extract/index.ts';
import type { InvoiceFields } from '../extract/index.ts';

export interface NormalisedFields {
  fields: Partial<InvoiceFields>;
  problems: string[];
}

const LABELS: Record<keyof InvoiceFields, string> = {
  number: 'invoice number',
  series: 'series',
  issuedAt: 'issue date',
  currency: 'currency',
  issuerRfc: 'issuer RFC',
  issuerName: 'issuer name',
  receiverRfc: 'receiver RFC',
  receiverName: 'receiver name',
  uuid: 'folio fiscal (UUID)',
  subtotal: 'subtotal',
  discount: 'discount',
  transferredTaxes: 'transferred taxes',
  withheldTaxes: 'withheld taxes',
  total: 'total',
  paymentForm: 'payment form',
  paymentMethod: 'payment method',
};

export function fieldLabel(field: keyof InvoiceFields): string {
  return LABELS[field];
}

/** Minor units back to a decimal string with two decimals: 116000n → "1160.00". */
export function fromMinorUnits(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** "1,234.5" → "1234.50", "$ 1 234,56" → "1234.56", "8.625" → "8.63"; null when not an amount. */
export function normaliseMoney(value: string): string | null {
  const decimal = parseAmountText(value);
  return decimal === null ? null : fromMinorUnits(toMinorUnits(decimal));
}

const CURRENCY_WORDS: Record<string, string> = { $: 'MXN', MN: 'MXN', 'M.N.': 'MXN', PESOS: 'MXN', 'US$': 'USD', '€': 'EUR' };

export function normaliseFields(raw: Partial<InvoiceFields>): NormalisedFields {
  const fields: Partial<InvoiceFields> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw) as Array<[keyof InvoiceFields, string | undefined]>) {
    if (value === undefined || !(key in LABELS)) continue;
    const text = String(value).trim().replace(/\s+/g, ' ');
    if (text === '') continue;
    const label = LABELS[key];
    switch (key) {
      case 'issuerRfc':
      case 'receiverRfc': {
        const rfc = text.toUpperCase().replace(/[\s-]/g, '');
        if (RFC_PATTERN.test(rfc)) fields[key] = rfc;
        else problems.push(`the ${label} "${text}" is not an RFC (3–4 letters, 6 digits of a date, 3 letters or digits)`);
        break;
      }
      case 'issuedAt': {
        const date = parseDateText(text);
        if (date !== null) fields.issuedAt = date;
        else problems.push(`the ${label} "${text}" is not a date (write 2024-05-12, 12/05/2024 or 12 de mayo de 2024)`);
        break;
      }
      case 'currency': {
        const upper = text.toUpperCase();
        const code = CURRENCY_WORDS[upper] ?? upper;
        if (/^[A-Z]{3}$/.test(code)) fields.currency = code;
        else problems.push(`the currency "${text}" is not a 3-letter code like MXN, USD or EUR`);
        break;
      }
      case 'uuid': {
        const uuid = text.toUpperCase();
        if (UUID_TEXT.test(uuid)) fields.uuid = uuid;
        else problems.push(`the ${label} "${text}" is not UUID-shaped (8-4-4-4-12 hexadecimal digits)`);
        break;
      }
      case 'paymentMethod': {
        // SAT catalogue c_MetodoPago; a word that is not one ("texto") is named, never stored upper-cased.
        const code = paymentMethodCode(text);
        if (code !== null) fields.paymentMethod = code;
        else problems.push(`the ${label} "${text}" is not in the SAT catalogue: it must be ${PAYMENT_METHOD_HINT}`);
        break;
      }
      case 'paymentForm': {
        const code = paymentFormCode(text);
        if (code !== null) fields.paymentForm = code;
        else problems.push(`the ${label} "${text}" is not in the SAT catalogue: it must be ${PAYMENT_FORM_HINT}`);
        break;
      }
      default:
        if ((MONEY_FIELDS as readonly string[]).includes(key)) {
          const money = normaliseMoney(text);
          if (money !== null) fields[key] = money;
          else problems.push(`the ${label} "${text}" is not an amount (write 1234.56 or 1,234.56)`);
        } else {
          fields[key] = text;
        }
    }
  }
  return { fields, problems };
}

// Raw fields (from a CSV row, a model, the heuristic extractor) into the canonical shape: RFCs upper-case and
// checked, dates as ISO dates, money as decimal strings with two decimals (rounded half away from zero when
// written with more), currency as an upper-case 3-letter code, payment method and form as SAT catalogue codes. A value that cannot be understood is left out
// and named in `problems`.

import {
  PAYMENT_FORM_HINT,
  PAYMENT_METHOD_HINT,
  RFC_PATTERN,
  paymentFormCode,
  paymentMethodCode,
  toMinorUnits,
} from '../cfdi/index.ts';
import { MONEY_FIELDS, UUID_TEXT, parseAmountText, parseDateText } from '../extract/index.ts';
import type { InvoiceFields } from '../extract/index.ts';
import type { MessageRef, StoredText } from '../../../core/messages.ts';

export interface NormalisedFields {
  fields: Partial<InvoiceFields>;
  /** Messages (src/locales: invoice-*), rendered in the reader's language. */
  problems: StoredText[];
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

/** The field's name as a message (field-issuer-rfc …), for reasons read in either language. */
export function fieldRef(field: keyof InvoiceFields): MessageRef {
  return { key: `field-${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` };
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

const CURRENCY_WORDS: Record<string, string> = {
  $: 'MXN',
  MN: 'MXN',
  'M.N.': 'MXN',
  PESOS: 'MXN',
  US$: 'USD',
  '€': 'EUR',
};

export function normaliseFields(raw: Partial<InvoiceFields>): NormalisedFields {
  const fields: Partial<InvoiceFields> = {};
  const problems: StoredText[] = [];
  for (const [key, value] of Object.entries(raw) as Array<[keyof InvoiceFields, string | undefined]>) {
    if (value === undefined || !(key in LABELS)) continue;
    const text = String(value).trim().replace(/\s+/g, ' ');
    if (text === '') continue;
    const label = fieldRef(key);
    const bad = (reason: string, extra: Record<string, string> = {}): void => {
      problems.push({ key: reason, vars: { field: label, value: text, ...extra } });
    };
    switch (key) {
      case 'issuerRfc':
      case 'receiverRfc': {
        const rfc = text.toUpperCase().replace(/[\s-]/g, '');
        if (RFC_PATTERN.test(rfc)) fields[key] = rfc;
        else bad('invoice-not-rfc');
        break;
      }
      case 'issuedAt': {
        const date = parseDateText(text);
        if (date !== null) fields.issuedAt = date;
        else bad('invoice-not-date');
        break;
      }
      case 'currency': {
        const upper = text.toUpperCase();
        const code = CURRENCY_WORDS[upper] ?? upper;
        if (/^[A-Z]{3}$/.test(code)) fields.currency = code;
        else bad('invoice-not-currency');
        break;
      }
      case 'uuid': {
        const uuid = text.toUpperCase();
        if (UUID_TEXT.test(uuid)) fields.uuid = uuid;
        else bad('invoice-not-uuid');
        break;
      }
      case 'paymentMethod': {
        // SAT catalogue c_MetodoPago; a word that is not one ("texto") is named, never stored upper-cased.
        const code = paymentMethodCode(text);
        if (code !== null) fields.paymentMethod = code;
        else bad('invoice-not-in-catalogue', { hint: PAYMENT_METHOD_HINT });
        break;
      }
      case 'paymentForm': {
        const code = paymentFormCode(text);
        if (code !== null) fields.paymentForm = code;
        else bad('invoice-not-in-catalogue', { hint: PAYMENT_FORM_HINT });
        break;
      }
      default:
        if ((MONEY_FIELDS as readonly string[]).includes(key)) {
          const money = normaliseMoney(text);
          if (money !== null) fields[key] = money;
          else bad('invoice-not-amount');
        } else {
          fields[key] = text;
        }
    }
  }
  return { fields, problems };
}

// Reading typed values out of attributes, with errors that name the element and attribute.

import { normalizeAmount, isDecimal } from './decimal.ts';
import { CfdiError } from './errors.ts';
import { attr } from './xml.ts';
import type { XmlElement } from './xml.ts';

export const RFC_PATTERN = /^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/;
const UUID_PATTERN = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;

const ADVICE = 'Check the file is the unaltered XML from the issuer (or from the SAT portal).';

/** Attribute access for one element; `where` names it in messages, e.g. "Comprobante" or "Emisor". */
export class Fields {
  readonly element: XmlElement;
  readonly where: string;

  constructor(element: XmlElement, where: string) {
    this.element = element;
    this.where = where;
  }

  private label(names: readonly string[]): string {
    return `${this.where}@${names[0] ?? '?'}`;
  }

  /** Trimmed value, or null when absent or empty. */
  optional(...names: string[]): string | null {
    const value = attr(this.element, ...names)?.trim();
    return value === undefined || value === '' ? null : value;
  }

  required(...names: string[]): string {
    const value = this.optional(...names);
    if (value === null) {
      const field = this.label(names);
      throw new CfdiError('missing_field', `${field} is missing or empty but a CFDI must have it. ${ADVICE}`, field);
    }
    return value;
  }

  amount(...names: string[]): string {
    return normalizeAmount(this.required(...names), this.label(names));
  }

  optionalAmount(...names: string[]): string | null {
    const value = this.optional(...names);
    return value === null ? null : normalizeAmount(value, this.label(names));
  }

  /** A decimal kept exactly as written (quantities, rates, exchange rates). */
  optionalDecimal(...names: string[]): string | null {
    const value = this.optional(...names);
    if (value === null) return null;
    if (!isDecimal(value)) {
      const field = this.label(names);
      throw new CfdiError('invalid_value', `${field} "${value}" is not a decimal number. ${ADVICE}`, field);
    }
    return value.startsWith('+') ? value.slice(1) : value;
  }

  decimal(...names: string[]): string {
    const value = this.optionalDecimal(...names);
    if (value === null) return this.required(...names); // throws missing_field
    return value;
  }

  /** Upper-cased RFC checked against the SAT pattern; null (with a warning) when the attribute is empty. */
  rfc(warnings: string[], ...names: string[]): string | null {
    const value = this.optional(...names);
    const field = this.label(names);
    if (value === null) {
      if (attr(this.element, ...names) === undefined) {
        throw new CfdiError('missing_field', `${field} (the RFC) is missing. ${ADVICE}`, field);
      }
      warnings.push(`${field} is empty; the RFC was recorded as null.`);
      return null;
    }
    const upper = value.toUpperCase();
    if (!RFC_PATTERN.test(upper)) {
      throw new CfdiError(
        'invalid_value',
        `${field} "${value}" is not a valid RFC (3–4 letters, 6 digits for the date, 3 letters/digits). ${ADVICE}`,
        field,
      );
    }
    return upper;
  }

  optionalUuid(...names: string[]): string | null {
    const value = this.optional(...names);
    if (value === null) return null;
    const upper = value.toUpperCase();
    if (!UUID_PATTERN.test(upper)) {
      const field = this.label(names);
      throw new CfdiError(
        'invalid_value',
        `${field} "${value}" is not a UUID (8-4-4-4-12 hexadecimal digits). ${ADVICE}`,
        field,
      );
    }
    return upper;
  }

  /** ISO date-time kept as written (CFDI dates are local time without an offset). */
  dateTime(...names: string[]): string {
    const value = this.required(...names);
    const match = DATE_TIME.exec(value);
    const [month, day, hour, minute, second] = (match?.slice(2, 7) ?? []).map(Number);
    if (
      match === null ||
      month === undefined ||
      month < 1 ||
      month > 12 ||
      day === undefined ||
      day < 1 ||
      day > 31 ||
      hour === undefined ||
      hour > 23 ||
      minute === undefined ||
      minute > 59 ||
      second === undefined ||
      second > 59
    ) {
      const field = this.label(names);
      throw new CfdiError(
        'invalid_value',
        `${field} "${value}" is not an ISO date-time like 2017-05-12T10:00:00. ${ADVICE}`,
        field,
      );
    }
    return value;
  }

  optionalDateTime(...names: string[]): string | null {
    return this.optional(...names) === null ? null : this.dateTime(...names);
  }

  integer(...names: string[]): number {
    const value = this.required(...names);
    if (!/^\d{1,6}$/.test(value)) {
      const field = this.label(names);
      throw new CfdiError('invalid_value', `${field} "${value}" is not a whole number. ${ADVICE}`, field);
    }
    return Number.parseInt(value, 10);
  }
}

// Decimal amounts as strings, never through floating point. A CFDI writes money as decimal text ("1709.12",
// "2269400", "8.620690"); we keep the digits exactly as written and only pad to at least two decimals.

import { CfdiError } from './errors.ts';

const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * "2269400" → "2269400.00", "2819.3" → "2819.30", "8.620690" stays "8.620690", "0.30" stays "0.30".
 * A leading "+" is dropped; digits are never re-rounded.
 */
export function normalizeAmount(text: string, field = 'amount'): string {
  const value = text.trim();
  if (!DECIMAL.test(value)) {
    throw new CfdiError(
      'invalid_value',
      `${field} "${text}" is not a decimal number; amounts must be written like 1234.56. Check the file is an unaltered CFDI.`,
      field,
    );
  }
  const unsigned = value.startsWith('+') ? value.slice(1) : value;
  const dot = unsigned.indexOf('.');
  if (dot === -1) return `${unsigned}.00`;
  const decimals = unsigned.length - dot - 1;
  return decimals >= 2 ? unsigned : `${unsigned}${'0'.repeat(2 - decimals)}`;
}

/** A decimal as an exact scaled integer: "12.345" → { units: 12345n, scale: 3 }. */
export function toScaled(text: string): { units: bigint; scale: number } {
  if (!DECIMAL.test(text)) throw new RangeError(`not a decimal: ${text}`);
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const [whole = '0', fraction = ''] = body.split('.');
  const units = BigInt(whole + fraction);
  return { units: negative ? -units : units, scale: fraction.length };
}

/** { units: 12345n, scale: 3 } → "12.345". */
export function fromScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return (negative ? '-' : '') + text;
}

/** Exact sum of decimal strings, at the largest scale among them, padded to 2+ decimals. */
export function sumDecimals(values: readonly string[]): string {
  const parts = values.map(toScaled);
  const scale = Math.max(2, ...parts.map((p) => p.scale));
  const total = parts.reduce((sum, p) => sum + p.units * 10n ** BigInt(scale - p.scale), 0n);
  return fromScaled(total, scale);
}

/** Exact comparison: -1, 0 or 1. "1.50" equals "1.5". */
export function compareDecimals(a: string, b: string): number {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = Math.max(x.scale, y.scale);
  const left = x.units * 10n ** BigInt(scale - x.scale);
  const right = y.units * 10n ** BigInt(scale - y.scale);
  return left === right ? 0 : left < right ? -1 : 1;
}

/**
 * Integer minor units (e.g. centavos) for `minorDigits` decimals, rounding half away from zero:
 * "1709.12" → 170912n, "8.620690" → 862n.
 */
export function toMinorUnits(text: string, minorDigits = 2): bigint {
  const { units, scale } = toScaled(text);
  if (scale <= minorDigits) return units * 10n ** BigInt(minorDigits - scale);
  const divisor = 10n ** BigInt(scale - minorDigits);
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** CFDI 3.2 writes rates as percentages ("16"); 3.3+ as fractions with six decimals ("0.160000"). */
export function percentToRate(text: string, field = 'tasa'): string {
  const value = text.trim();
  if (!DECIMAL.test(value)) {
    throw new CfdiError(
      'invalid_value',
      `${field} "${text}" is not a decimal percentage (expected e.g. 16 or 16.00).`,
      field,
    );
  }
  const { units, scale } = toScaled(value);
  const newScale = Math.max(6, scale + 2);
  return fromScaled(units * 10n ** BigInt(newScale - scale - 2), newScale);
}

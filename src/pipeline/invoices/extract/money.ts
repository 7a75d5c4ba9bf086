// Exact arithmetic on decimal strings, through the CFDI parser's helpers (never floats).

import { compareDecimals, sumDecimals } from '../cfdi/index.ts';

export function negate(decimal: string): string {
  return decimal.startsWith('-') ? decimal.slice(1) : `-${decimal}`;
}

/** subtotal − discount + transferred − withheld, exactly; absent parts count as zero. */
export function expectedTotal(parts: {
  subtotal: string;
  discount?: string | undefined;
  transferredTaxes?: string | undefined;
  withheldTaxes?: string | undefined;
}): string {
  return sumDecimals([
    parts.subtotal,
    negate(parts.discount ?? '0'),
    parts.transferredTaxes ?? '0',
    negate(parts.withheldTaxes ?? '0'),
  ]);
}

export function sameAmount(a: string, b: string): boolean {
  return compareDecimals(a, b) === 0;
}

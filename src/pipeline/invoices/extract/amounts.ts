// Money as people write it, read into exact decimal strings. Supported (an optional "$", "US$" or "€" first,
// an optional leading "-"):
//   1234.56   1,234.56   1,234,567.89   1234   1,234       (comma thousands, dot decimals)
//   1.234,56  1 234,56   1234,56                           (dot or space thousands, comma decimals: es-MX/EU style)
// Rules: when both "." and "," appear, the last one is the decimal mark. A single "." is the decimal mark, as in
// Mexico ("1.234" is 1.234, "8.625" is 8.625); repeated dots group thousands ("1.234.567"). A single "," followed
// by exactly three digits groups thousands ("1,234" is 1234); followed by other digit counts it is the decimal
// mark ("1234,5"). Spaces (also no-break and narrow no-break) only group thousands. All decimals are kept.

const GROUP_SPACE = /[ \u00a0\u202f]/g;

/** "1,234.56" → "1234.56", "$ 1 234,56" → "1234.56", "1,234" → "1234"; null when it is not an amount. */
export function parseAmountText(input: string): string | null {
  let value = input.trim().replace(/\s*(?:MXN|USD|EUR|M\.?N\.?)$/i, '');
  let sign = '';
  if (value.startsWith('-')) {
    sign = '-';
    value = value.slice(1).trim();
  }
  value = value.replace(/^(?:US\$|\$|€)\s*/i, '');
  if (sign === '' && value.startsWith('-')) {
    sign = '-';
    value = value.slice(1).trim();
  }
  if (!/^\d[\d.,  \u00a0\u202f]*$/.test(value) || /[.,\s\u00a0\u202f]{2}/.test(value)) return null;
  if (/[\s\u00a0\u202f]/.test(value)) {
    // Spaces group thousands: every group after the first has exactly three digits (the last may carry decimals).
    if (!/^\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d{1,2})?$/.test(value)) return null;
    value = value.replace(GROUP_SPACE, '');
  }
  const lastDot = value.lastIndexOf('.');
  const lastComma = value.lastIndexOf(',');
  let whole: string;
  let fraction = '';
  if (lastDot !== -1 && lastComma !== -1) {
    const decimalMark = lastDot > lastComma ? '.' : ',';
    const groupMark = decimalMark === '.' ? ',' : '.';
    const at = value.lastIndexOf(decimalMark);
    whole = value.slice(0, at);
    fraction = value.slice(at + 1);
    if (whole.includes(decimalMark) || !validGroups(whole, groupMark)) return null;
    whole = whole.split(groupMark).join('');
  } else if (lastDot !== -1 || lastComma !== -1) {
    const mark = lastDot !== -1 ? '.' : ',';
    const parts = value.split(mark);
    const last = parts[parts.length - 1] ?? '';
    if (parts.length === 2 && (mark === '.' || last.length !== 3)) {
      whole = parts[0] ?? '';
      fraction = last;
    } else {
      if (!validGroups(value, mark)) return null;
      whole = parts.join('');
    }
  } else {
    whole = value;
  }
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return null;
  whole = whole.replace(/^0+(?=\d)/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

function validGroups(text: string, mark: string): boolean {
  const parts = text.split(mark);
  if (parts.length === 1) return true;
  return /^\d{1,3}$/.test(parts[0] ?? '') && parts.slice(1).every((p) => /^\d{3}$/.test(p));
}

/**
 * An amount inside running text, as a regex source: "$ 1,234.56", "1.234,56", "1 234,56", "160.00". In running
 * text, spaces group thousands only when the amount ends in comma decimals ("1 234,56"), so "2 100.00" stays
 * two numbers.
 */
export const AMOUNT_IN_TEXT = String.raw`(?<![\d.,])(?:-\s?)?(?:(?:US\$|\$|€)\s?)?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+,\d{1,2}|\d{1,3}(?:(?:,\d{3})+|(?:\.\d{3})+)(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d])`;

/** Every amount in a text, as decimal strings, in order. */
export function amountsIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(new RegExp(AMOUNT_IN_TEXT, 'g'))) {
    const value = parseAmountText(match[0]);
    if (value !== null) found.push(value);
  }
  return found;
}

/** "1160.00" → "1,160.00" (for messages). */
export function formatAmount(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction] = decimal.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

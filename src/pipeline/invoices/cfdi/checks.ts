// What a CFDI's own numbers must agree on (Anexo 20 of the SAT, CFDI 3.3 and 4.0 validations; 3.2 had fewer):
// - each concept's Importe is Cantidad × ValorUnitario, within the rounding the SAT allows (3.3+: the bounds of the
//   product with each factor moved half a unit of its last written decimal, truncated/rounded up to the Importe's
//   decimals);
// - for income, expense and payroll documents, the concepts' Importe add up to SubTotal (rounded to the cent), and
//   in 3.3+ their Descuento add up to the document's Descuento;
// - in every document, SubTotal − Descuento + transferred − withheld taxes (federal, and local from the
//   ImpuestosLocales complement) = Total, to the cent (payments and transfers: 0 − 0 + 0 − 0 = 0);
// - in 3.3+, MetodoPago and FormaPago come from their catalogues.
// Each disagreement is one line saying the figures and the difference, for the reviewer.

import { PAYMENT_FORM_HINT, PAYMENT_METHODS, PAYMENT_METHOD_HINT, paymentFormCode } from './catalogue.ts';
import { fromScaled, sumDecimals, toMinorUnits, toScaled } from './decimal.ts';
import type { CfdiDocument, CfdiItem } from './types.ts';

/** Minor units → "1,234.56" (for messages). */
function money(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${whole}.${digits.slice(-2)}`;
}

const cents = (decimal: string): bigint => toMinorUnits(decimal);
const off = (a: bigint, b: bigint): string => money(a > b ? a - b : b - a);

const floorDiv = (n: bigint, d: bigint): bigint => (n >= 0n ? n / d : -((-n + d - 1n) / d));

/** [lower, upper] of Cantidad × ValorUnitario at `scale` decimals, as the SAT computes them (3.3+). */
function importeBounds(quantity: string, unitValue: string, scale: number): [bigint, bigint] {
  const q = toScaled(quantity);
  const v = toScaled(unitValue);
  // Each factor moved by half a unit of its last written decimal (one more decimal: ×10 ± 5).
  const low = (q.units * 10n - 5n) * (v.units * 10n - 5n);
  const high = (q.units * 10n + 5n) * (v.units * 10n + 5n);
  const shift = q.scale + v.scale + 2 - scale;
  if (shift <= 0) return [low * 10n ** BigInt(-shift), high * 10n ** BigInt(-shift)];
  const unit = 10n ** BigInt(shift);
  return [floorDiv(low, unit), -floorDiv(-high, unit)];
}

function checkItem(item: CfdiItem, index: number, problems: string[]): void {
  const amount = toScaled(item.amount);
  const [lower, upper] = importeBounds(item.quantity, item.unitValue, amount.scale);
  if (amount.units >= lower && amount.units <= upper) return;
  const q = toScaled(item.quantity);
  const v = toScaled(item.unitValue);
  const product = cents(fromScaled(q.units * v.units, q.scale + v.scale));
  problems.push(
    `concept ${index + 1} ("${item.description.slice(0, 60)}"): Importe ${money(cents(item.amount))} is not Cantidad ${item.quantity} × ValorUnitario ${item.unitValue} = ${money(product)} (off by ${off(cents(item.amount), product)})`,
  );
}

/** The document's disagreements with itself, one line each; empty when it adds up. */
export function cfdiProblems(d: CfdiDocument): string[] {
  const problems: string[] = [];
  const modern = d.version !== '3.2';
  if (modern) d.items.forEach((item, i) => checkItem(item, i, problems));

  if (d.type === 'I' || d.type === 'E' || d.type === 'N') {
    const concepts = cents(sumDecimals(d.items.map((i) => i.amount)));
    const subtotal = cents(d.subtotal);
    if (concepts !== subtotal) {
      problems.push(`the concepts add up to ${money(concepts)} but SubTotal is ${money(subtotal)} (off by ${off(concepts, subtotal)})`);
    }
    if (modern) {
      const conceptDiscounts = cents(sumDecimals(d.items.map((i) => i.discount ?? '0')));
      const discount = cents(d.discount ?? '0');
      if (conceptDiscounts !== discount) {
        problems.push(`the concepts' discounts add up to ${money(conceptDiscounts)} but Descuento is ${money(discount)} (off by ${off(conceptDiscounts, discount)})`);
      }
    }
  }

  const local = d.localTaxes;
  const parts = [d.subtotal, `-${d.discount ?? '0'}`, d.taxes.transferred.total, `-${d.taxes.withheld.total}`, local?.transferred ?? '0', `-${local?.withheld ?? '0'}`];
  const expected = cents(sumDecimals(parts.map((p) => p.replace(/^--/, ''))));
  const total = cents(d.total);
  if (expected !== total) {
    const localText = local ? ` + local taxes ${money(cents(local.transferred))} − local withholdings ${money(cents(local.withheld))}` : '';
    problems.push(
      `the amounts do not add up: SubTotal ${money(cents(d.subtotal))} − Descuento ${money(cents(d.discount ?? '0'))}` +
        ` + transferred taxes ${money(cents(d.taxes.transferred.total))} − withheld taxes ${money(cents(d.taxes.withheld.total))}${localText}` +
        ` = ${money(expected)}, but Total is ${money(total)} (off by ${off(expected, total)})`,
    );
  }

  if (modern && d.paymentMethod !== null && !(d.paymentMethod in PAYMENT_METHODS)) {
    problems.push(`MetodoPago "${d.paymentMethod}" is not in the SAT catalogue: it must be ${PAYMENT_METHOD_HINT}`);
  }
  if (modern && d.paymentForm !== null && paymentFormCode(d.paymentForm) !== d.paymentForm) {
    problems.push(`FormaPago "${d.paymentForm}" is not in the SAT catalogue: it must be ${PAYMENT_FORM_HINT}`);
  }
  return problems;
}

// What a CFDI's own numbers must agree on (Anexo 20 of the SAT, CFDI 3.3 and 4.0 validations; 3.2 had fewer):
// - each concept's Importe is Cantidad × ValorUnitario, within the rounding the SAT allows (3.3+: the bounds of the
//   product with each factor moved half a unit of its last written decimal, truncated/rounded up to the Importe's
//   decimals);
// - for income, expense and payroll documents, the concepts' Importe add up to SubTotal (rounded to the cent), and
//   in 3.3+ their Descuento add up to the document's Descuento;
// - in every document, SubTotal − Descuento + transferred − withheld taxes (federal, and local from the
//   ImpuestosLocales complement) = Total, to the cent (payments and transfers: 0 − 0 + 0 − 0 = 0);
// - in 3.3+, MetodoPago and FormaPago come from their catalogues.
// Each disagreement is one message (src/locales: cfdi-*) saying the figures and the difference, for the reviewer.

import { PAYMENT_FORM_HINT, PAYMENT_METHODS, PAYMENT_METHOD_HINT, paymentFormCode } from './catalogue.ts';
import { fromScaled, sumDecimals, toMinorUnits, toScaled } from './decimal.ts';
import type { CfdiDocument, CfdiItem } from './types.ts';
import type { MessageRef } from '../../../core/messages.ts';

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

function checkItem(item: CfdiItem, index: number, problems: MessageRef[]): void {
  const amount = toScaled(item.amount);
  const [lower, upper] = importeBounds(item.quantity, item.unitValue, amount.scale);
  if (amount.units >= lower && amount.units <= upper) return;
  const q = toScaled(item.quantity);
  const v = toScaled(item.unitValue);
  const product = cents(fromScaled(q.units * v.units, q.scale + v.scale));
  problems.push({
    key: 'cfdi-concept-amount',
    vars: {
      index: String(index + 1),
      description: item.description.slice(0, 60),
      amount: money(cents(item.amount)),
      quantity: item.quantity,
      unit: item.unitValue,
      product: money(product),
      off: off(cents(item.amount), product),
    },
  });
}

/** The document's disagreements with itself, one message each; empty when it adds up. */
export function cfdiProblems(d: CfdiDocument): MessageRef[] {
  const problems: MessageRef[] = [];
  const modern = d.version !== '3.2';
  if (modern) d.items.forEach((item, i) => checkItem(item, i, problems));

  if (d.type === 'I' || d.type === 'E' || d.type === 'N') {
    const concepts = cents(sumDecimals(d.items.map((i) => i.amount)));
    const subtotal = cents(d.subtotal);
    if (concepts !== subtotal) {
      problems.push({
        key: 'cfdi-concepts-subtotal',
        vars: { concepts: money(concepts), subtotal: money(subtotal), off: off(concepts, subtotal) },
      });
    }
    if (modern) {
      const conceptDiscounts = cents(sumDecimals(d.items.map((i) => i.discount ?? '0')));
      const discount = cents(d.discount ?? '0');
      if (conceptDiscounts !== discount) {
        problems.push({
          key: 'cfdi-concepts-discount',
          vars: { concepts: money(conceptDiscounts), discount: money(discount), off: off(conceptDiscounts, discount) },
        });
      }
    }
  }

  const local = d.localTaxes;
  const parts = [
    d.subtotal,
    `-${d.discount ?? '0'}`,
    d.taxes.transferred.total,
    `-${d.taxes.withheld.total}`,
    local?.transferred ?? '0',
    `-${local?.withheld ?? '0'}`,
  ];
  const expected = cents(sumDecimals(parts.map((p) => p.replace(/^--/, ''))));
  const total = cents(d.total);
  if (expected !== total) {
    const vars = {
      subtotal: money(cents(d.subtotal)),
      discount: money(cents(d.discount ?? '0')),
      transferred: money(cents(d.taxes.transferred.total)),
      withheld: money(cents(d.taxes.withheld.total)),
      expected: money(expected),
      total: money(total),
      off: off(expected, total),
    };
    problems.push(
      local
        ? {
            key: 'cfdi-sum-mismatch-local',
            vars: { ...vars, local: money(cents(local.transferred)), local_withheld: money(cents(local.withheld)) },
          }
        : { key: 'cfdi-sum-mismatch', vars },
    );
  }

  if (modern && d.paymentMethod !== null && !(d.paymentMethod in PAYMENT_METHODS)) {
    problems.push({ key: 'cfdi-payment-method', vars: { value: d.paymentMethod, hint: PAYMENT_METHOD_HINT } });
  }
  if (modern && d.paymentForm !== null && paymentFormCode(d.paymentForm) !== d.paymentForm) {
    problems.push({ key: 'cfdi-payment-form', vars: { value: d.paymentForm, hint: PAYMENT_FORM_HINT } });
  }
  return problems;
}

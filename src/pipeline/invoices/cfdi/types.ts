// The shapes parseCfdi returns, as zod schemas (so stored JSON can be re-checked) with the TypeScript types
// inferred from them. Money and rates are decimal strings, never numbers.

import { z } from 'zod';

const decimal = z.string().regex(/^-?\d+\.\d{2,}$/, 'a decimal string with at least two decimals');
const rawDecimal = z.string().regex(/^-?\d+(?:\.\d+)?$/, 'a decimal string');
const rfc = z.string().regex(/^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/, 'an upper-case RFC');
const uuid = z.string().regex(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/, 'an upper-case UUID');
const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/, 'an ISO date-time');

export const cfdiVersionSchema = z.enum(['3.2', '3.3', '4.0']);
export type CfdiVersion = z.infer<typeof cfdiVersionSchema>;

/** I ingreso (invoice), E egreso (credit note), P pago (payment), N nómina (payroll), T traslado (transfer). */
export const cfdiTypeSchema = z.enum(['I', 'E', 'P', 'N', 'T']);
export type CfdiType = z.infer<typeof cfdiTypeSchema>;

export const cfdiCategorySchema = z.enum(['invoice', 'credit_note', 'payment', 'payroll', 'transfer']);
export type CfdiCategory = z.infer<typeof cfdiCategorySchema>;

export const taxLineSchema = z.object({
  /** SAT tax code: 001 ISR, 002 IVA, 003 IEPS (3.2 names are mapped to these). */
  tax: z.string(),
  /** "Tasa", "Cuota" or "Exento"; null in 3.2, which does not say. */
  factor: z.string().nullable(),
  /** Fraction as written ("0.160000"); 3.2 percentages are converted ("16" → "0.160000"). */
  rate: rawDecimal.nullable(),
  base: decimal.nullable(),
  amount: decimal.nullable(),
});
export type TaxLine = z.infer<typeof taxLineSchema>;

export const taxGroupSchema = z.object({ total: decimal, items: z.array(taxLineSchema) });
export type TaxGroup = z.infer<typeof taxGroupSchema>;

export const taxesSchema = z.object({ transferred: taxGroupSchema, withheld: taxGroupSchema });
export type Taxes = z.infer<typeof taxesSchema>;

export const cfdiItemSchema = z.object({
  productCode: z.string().nullable(),
  identification: z.string().nullable(),
  quantity: rawDecimal,
  unit: z.string().nullable(),
  unitCode: z.string().nullable(),
  description: z.string(),
  unitValue: decimal,
  amount: decimal,
  discount: decimal.nullable(),
  taxes: z.object({ transferred: z.array(taxLineSchema), withheld: z.array(taxLineSchema) }),
});
export type CfdiItem = z.infer<typeof cfdiItemSchema>;

export const relatedPaymentDocumentSchema = z.object({
  uuid: uuid.nullable(),
  series: z.string().nullable(),
  folio: z.string().nullable(),
  currency: z.string().nullable(),
  /** EquivalenciaDR (2.0) or TipoCambioDR (1.0), as written. */
  exchangeRate: rawDecimal.nullable(),
  installment: z.string().nullable(),
  previousBalance: decimal.nullable(),
  paidAmount: decimal.nullable(),
  balance: decimal.nullable(),
});
export type RelatedPaymentDocument = z.infer<typeof relatedPaymentDocumentSchema>;

export const paymentSchema = z.object({
  paidAt: isoDateTime,
  form: z.string().nullable(),
  currency: z.string(),
  exchangeRate: rawDecimal.nullable(),
  amount: decimal,
  operationNumber: z.string().nullable(),
  relatedDocuments: z.array(relatedPaymentDocumentSchema),
});
export type Payment = z.infer<typeof paymentSchema>;

export const paymentsComplementSchema = z.object({
  version: z.enum(['1.0', '2.0']),
  /** Totales@MontoTotalPagos (2.0 only). */
  totalAmount: decimal.nullable(),
  payments: z.array(paymentSchema),
});
export type PaymentsComplement = z.infer<typeof paymentsComplementSchema>;

export const cfdiDocumentSchema = z.object({
  version: cfdiVersionSchema,
  uuid: uuid.nullable(),
  stampedAt: isoDateTime.nullable(),
  type: cfdiTypeSchema,
  category: cfdiCategorySchema,
  series: z.string().nullable(),
  folio: z.string().nullable(),
  issuedAt: isoDateTime,
  issuer: z.object({ rfc: rfc.nullable(), name: z.string().nullable(), taxRegime: z.string().nullable() }),
  receiver: z.object({
    rfc: rfc.nullable(),
    name: z.string().nullable(),
    cfdiUse: z.string().nullable(),
    taxRegime: z.string().nullable(),
  }),
  currency: z.string(),
  exchangeRate: rawDecimal.nullable(),
  subtotal: decimal,
  discount: decimal.nullable(),
  total: decimal,
  taxes: taxesSchema,
  /** The ImpuestosLocales complement's totals (state and city taxes), which count in the total; null without it. */
  localTaxes: z.object({ transferred: decimal, withheld: decimal }).nullable(),
  paymentForm: z.string().nullable(),
  paymentMethod: z.string().nullable(),
  items: z.array(cfdiItemSchema),
  payments: paymentsComplementSchema.nullable(),
  /** Local names of the elements inside Complemento, e.g. ["ImpuestosLocales", "TimbreFiscalDigital"]. */
  complements: z.array(z.string()),
  /** Things accepted but worth a look, e.g. an empty RFC in a test file. */
  warnings: z.array(z.string()),
});
export type CfdiDocument = z.infer<typeof cfdiDocumentSchema>;

export const retencionesDocumentSchema = z.object({
  version: z.enum(['1.0', '2.0']),
  uuid: uuid.nullable(),
  stampedAt: isoDateTime.nullable(),
  issuedAt: isoDateTime,
  /** CveRetenc: the SAT code for what was withheld (e.g. 14 dividends). */
  retentionCode: z.string(),
  issuer: z.object({ rfc: rfc.nullable(), name: z.string().nullable(), taxRegime: z.string().nullable() }),
  receiver: z.object({
    nationality: z.string().nullable(),
    rfc: rfc.nullable(),
    name: z.string().nullable(),
    foreignTaxId: z.string().nullable(),
  }),
  period: z.object({ startMonth: z.number().int(), endMonth: z.number().int(), year: z.number().int() }),
  totals: z.object({
    operationAmount: decimal,
    taxedAmount: decimal.nullable(),
    exemptAmount: decimal.nullable(),
    withheldTotal: decimal,
    items: z.array(
      z.object({
        tax: z.string().nullable(),
        base: decimal.nullable(),
        amount: decimal,
        paymentType: z.string().nullable(),
      }),
    ),
  }),
  complements: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type RetencionesDocument = z.infer<typeof retencionesDocumentSchema>;

export const cfdiResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cfdi'), document: cfdiDocumentSchema }),
  z.object({ kind: z.literal('retenciones'), document: retencionesDocumentSchema }),
]);
export type CfdiResult = z.infer<typeof cfdiResultSchema>;

export interface ParseCfdiOptions {
  /** Refuse inputs larger than this many bytes (default 5 MiB). */
  maxBytes?: number;
}

// CFDI (Mexican electronic invoice) parsing: CFDI 3.2, 3.3 and 4.0 and Retenciones 1.0/2.0, deterministically,
// with money as decimal strings. See parse.ts for the entry point and types.ts for the shapes.

export { parseCfdi } from './parse.ts';
export { cfdiParseRate } from './rate.ts';
export { CfdiError } from './errors.ts';
export type { CfdiErrorCode } from './errors.ts';
export { DEFAULT_MAX_BYTES } from './xml.ts';
export { RFC_PATTERN } from './fields.ts';
export { cfdiProblems } from './checks.ts';
export {
  PAYMENT_FORMS,
  PAYMENT_FORM_HINT,
  PAYMENT_METHODS,
  PAYMENT_METHOD_HINT,
  paymentFormCode,
  paymentMethodCode,
} from './catalogue.ts';
export { compareDecimals, normalizeAmount, sumDecimals, toMinorUnits } from './decimal.ts';
export { cfdiDocumentSchema, cfdiResultSchema, retencionesDocumentSchema } from './types.ts';
export type {
  CfdiCategory,
  CfdiDocument,
  CfdiItem,
  CfdiResult,
  CfdiType,
  CfdiVersion,
  ParseCfdiOptions,
  Payment,
  PaymentsComplement,
  RelatedPaymentDocument,
  RetencionesDocument,
  TaxGroup,
  TaxLine,
  Taxes,
} from './types.ts';

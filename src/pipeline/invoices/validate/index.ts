// Normalising invoice fields to their canonical shape and validating them (sum to the cent, required fields,
// no future dates, cross-check against the PDF's text).

export { normaliseFields, normaliseMoney, fromMinorUnits, fieldLabel, fieldRef } from './normalise.ts';
export type { NormalisedFields } from './normalise.ts';
export { validateInvoice, latestToday } from './validate.ts';
export type { ValidateOptions, Validation } from './validate.ts';

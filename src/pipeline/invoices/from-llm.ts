// Invoices read by OpenAI (structured outputs): photos by vision, PDFs from their text layer. The answer is
// never trusted as it comes: it must fit the schema the request declared (else it is asked again, and after the
// last attempt the invoice goes to review saying what was wrong), then it is normalised and validated like any
// other reading, and for a PDF its key fields must appear in the PDF's own text.
import { z } from 'zod';
import type { InvoiceFieldName, InvoiceFields } from './extract/index.ts';
import { INVOICE_FIELD_NAMES } from './extract/index.ts';
// The error only: the client (and the OpenAI SDK) loads when a key is set.
import { BrokenAnswerError } from './openai/errors.ts';
import type { OpenAIClient } from './openai/index.ts';
import type { NewInvoice } from './records.ts';
import type { Tokens } from './outcomes/index.ts';
import { invoiceFromFields } from './empty.ts';
import { normaliseFields, validateInvoice } from './validate/index.ts';

const DESCRIPTIONS: Record<keyof InvoiceFields, string> = {
  number: 'invoice number (folio), without the series',
  series: 'invoice series, if any',
  issuedAt: 'issue date as YYYY-MM-DD',
  currency: 'ISO 4217 code, e.g. MXN or USD',
  issuerRfc: "issuer's RFC (Mexican tax id) or foreign tax id",
  issuerName: "issuer's name",
  receiverRfc: "receiver's RFC",
  receiverName: "receiver's name",
  uuid: 'folio fiscal (UUID) of a CFDI, if printed',
  subtotal: 'subtotal as printed, digits and a decimal point only',
  discount: 'discount, if any',
  transferredTaxes: 'total transferred taxes (IVA, IEPS)',
  withheldTaxes: 'total withheld taxes (ISR, IVA retenido)',
  total: 'total to pay',
  paymentForm: 'payment form (forma de pago), code or text',
  paymentMethod: 'payment method (método de pago), e.g. PUE or PPD',
};

/**
 * The model's answer, one definition for the strict JSON schema sent and the check of what comes back: every field
 * present, a string as printed or null when the document does not show it.
 */
export const INVOICE_SCHEMA = {
  name: 'invoice',
  zod: z.strictObject(
    Object.fromEntries(INVOICE_FIELD_NAMES.map((f) => [f, z.string().nullable().describe(DESCRIPTIONS[f])])) as Record<
      InvoiceFieldName,
      z.ZodNullable<z.ZodString>
    >,
  ),
};

const SYSTEM =
  'You read one invoice and return its fields exactly as printed. Never guess: a field the document does not show is null. Amounts: digits and a decimal point only.';

export interface LlmInput {
  images?: Array<{ mime: string; bytes: Buffer }>;
  /** The PDF's text layer: sent instead of images, and used to cross-check the answer. */
  text?: string;
}

export interface LlmReading {
  invoice: NewInvoice;
  costUsd: number;
  /** Prompt and completion tokens of the answer, for the batch's cost. */
  tokens: Tokens;
}

export async function invoiceFromLlm(
  client: OpenAIClient,
  input: LlmInput,
  now: Date,
  signal?: AbortSignal,
): Promise<LlmReading> {
  let result;
  try {
    result = await client.extract(
      { images: input.images, text: input.text, schema: INVOICE_SCHEMA, system: SYSTEM },
      signal,
    );
  } catch (err) {
    if (err instanceof BrokenAnswerError) return brokenAnswer(err, input);
    throw err;
  }
  const raw = Object.fromEntries(
    Object.entries(result.data).filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
  ) as Partial<InvoiceFields>;
  const { fields, problems } = normaliseFields(raw);
  const check = validateInvoice(fields, { now, sourceText: input.text });
  const all = [...problems, ...check.problems, ...check.review];
  // Checked before it is matched: a folio fiscal the PDF's own text does not show is the model's, not the invoice's,
  // so it must not make this file a duplicate of another invoice. It stays in data and in the review note.
  const identity = check.unconfirmed.includes('uuid') ? { ...fields, uuid: undefined } : fields;
  return {
    costUsd: result.costUsd,
    tokens: { input: result.usage.prompt, output: result.usage.completion },
    invoice: invoiceFromFields(identity, {
      status: check.ok && check.review.length === 0 && problems.length === 0 ? 'ok' : 'review',
      source: input.images ? 'vision' : 'llm',
      problems: all,
      data: { fields, usage: result.usage, costUsd: result.costUsd, attempts: result.attempts },
    }),
  };
}

/** Every answer broke the schema: a person reads the invoice, told what was wrong; what the answers cost is kept. */
function brokenAnswer(err: BrokenAnswerError, input: LlmInput): LlmReading {
  const usage = err.usage ?? { prompt: 0, completion: 0, total: 0 };
  return {
    costUsd: err.costUsd,
    tokens: { input: usage.prompt, output: usage.completion },
    invoice: invoiceFromFields(
      {},
      {
        status: 'review',
        source: input.images ? 'vision' : 'llm',
        problems: [{ key: 'invoice-model-broken', vars: { detail: err.message, attempts: String(err.attempts) } }],
        data: { usage, costUsd: err.costUsd, attempts: err.attempts },
      },
    ),
  };
}

// OpenAI for the invoice pipeline: one throttled, retrying client for structured extraction from images and text.
// A queue handler keeps work waiting while the quota is gone or OpenAI fails for everyone:
//   catch (err) { if (err instanceof QuotaExhaustedError || err instanceof ProviderOutageError) throw new RetryAfter(…); ... }
export { OpenAIClient } from './client.ts';
export type { ClientTotals, ExtractImage, ExtractInput, ExtractResult, OpenAIClientOptions, Usage } from './client.ts';
export {
  BrokenAnswerError,
  InvalidOutputError,
  OpenAIRequestError,
  ProviderOutageError,
  QuotaExhaustedError,
} from './errors.ts';
export { jsonSchemaOf, readAnswer } from './answer.ts';
export type { AnswerSchema } from './answer.ts';
export { Throttle, TokenCalibration } from './throttle.ts';
export type { Permit, ThrottleOptions } from './throttle.ts';
export { Bucket } from './bucket.ts';
export { parseDuration, retryAfterMs } from './durations.ts';
export { estimatePromptTokens } from './estimate.ts';

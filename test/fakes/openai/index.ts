// The fake OpenAI chat completions API for tests and the benchmark: `startFakeOpenAI()`, then point the official
// SDK at it with `new OpenAI({ baseURL: fake.baseURL, apiKey: fake.apiKey, maxRetries: 0 })`.
export { DEFAULT_API_KEY, DEFAULT_RPM, DEFAULT_TPM, startFakeOpenAI } from './fake.ts';
export { formatDuration } from './bucket.ts';
export { IMAGE_TOKENS, parseRequest, sha256Hex } from './request.ts';
export type {
  FakeOpenAI,
  FakeOpenAIMode,
  FakeOpenAIOptions,
  FakeOpenAIStats,
  RecordedRequest,
  Scenario,
} from './types.ts';

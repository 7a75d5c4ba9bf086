// The fake Gemini API (Files API + generateContent) for tests and the benchmark: `startFakeGemini()`, then point
// the official SDK at it with `new GoogleGenAI({ apiKey: fake.apiKey, httpOptions: { baseUrl: fake.baseUrl } })`.
export { DEFAULT_GEMINI_KEY, FILE_TOKENS, startFakeGemini } from './fake.ts';
export type {
  FakeGemini,
  FakeGeminiFile,
  FakeGeminiMode,
  FakeGeminiOptions,
  FileProcessing,
  GeminiAnswer,
  GeminiReply,
  GenerateContentBody,
  RecordedGeminiRequest,
} from './types.ts';

// Types of the fake Gemini: its options, scripted answers, fault modes and what it records.

/**
 * A scripted generateContent answer: an object is answered as its JSON text, a string verbatim; or, with `error`, that
 * failure in its place (429 with a 1 s RetryInfo, 500, 503 overloaded) at that point of the script.
 */
export type GeminiAnswer = GeminiReply | { error: 429 | 500 | 503 };

export interface GeminiReply {
  content: string | Record<string, unknown>;
  /** usageMetadata; unset: the fake's estimate (see README). */
  promptTokens?: number;
  outputTokens?: number;
  /** candidates[0].finishReason; default STOP. */
  finishReason?: 'STOP' | 'MAX_TOKENS' | 'SAFETY';
}

/** How an uploaded file's state moves when files.get reads it. */
export type FileProcessing =
  | { polls: number } // PROCESSING for this many reads, then ACTIVE
  | { polls: number; fail: string } // PROCESSING for this many reads, then FAILED with this message
  | 'stuck'; // PROCESSING for ever

/**
 * Faults, acting on generateContent only (uploads and files.get are not rate limited here):
 * - `{status: 429}`: RESOURCE_EXHAUSTED with RetryInfo `retryDelay` (default 1s);
 * - `{status: 503}`: UNAVAILABLE "The model is overloaded. Please try again later.";
 * - `{status: 500}`: INTERNAL. `times` (default: until `normal`) counts the requests it applies to.
 */
export type FakeGeminiMode =
  | 'normal'
  | { status: 429; times?: number; retryDelaySeconds?: number }
  | { status: 500 | 503; times?: number };

export interface FakeGeminiOptions {
  apiKey?: string;
  /** Delay before each generateContent answer (ms): a number or a range. */
  latencyMs?: number | { min: number; max: number };
  /** How new files move from PROCESSING; default `{polls: 1}`. */
  processing?: FileProcessing;
}

export interface RecordedGeminiRequest {
  at: number;
  method: string;
  /** Path without the query: /v1beta/models/gemini-2.5-flash:generateContent, /upload/v1beta/files, … */
  path: string;
  status: number;
  /** generateContent: the model of the path and the parsed JSON body. */
  model?: string;
  body?: GenerateContentBody;
}

/** The parts of a generateContent body the fake reads (as @google/genai sends it to the Gemini API). */
export interface GenerateContentBody {
  contents: Array<{ role?: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { role?: string; parts: Array<Record<string, unknown>> };
  generationConfig?: {
    responseMimeType?: string;
    responseSchema?: Record<string, unknown>;
    responseJsonSchema?: Record<string, unknown>;
    maxOutputTokens?: number;
    temperature?: number;
  };
}

export interface FakeGeminiFile {
  name: string;
  displayName?: string;
  mimeType: string;
  sizeBytes: string;
  createTime: string;
  updateTime: string;
  expirationTime: string;
  sha256Hash: string;
  uri: string;
  state: 'PROCESSING' | 'ACTIVE' | 'FAILED';
  source: 'UPLOADED';
  error?: { code: number; message: string };
}

export interface FakeGemini {
  /** For `new GoogleGenAI({apiKey, httpOptions: {baseUrl}})`: the SDK adds /v1beta itself. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly requests: RecordedGeminiRequest[];
  /** The generateContent requests, in order. */
  readonly generations: RecordedGeminiRequest[];
  readonly files: ReadonlyMap<string, FakeGeminiFile>;
  /** Every file uploaded, in order (as it was at upload), kept after it is deleted. */
  readonly uploaded: readonly FakeGeminiFile[];
  /** Answers for the next generateContent calls, in order; when none is left, the fallback. */
  script(...answers: GeminiAnswer[]): void;
  /** The answer when no script is left; default `{caption: "…", hashtags: []}`-shaped least answer. */
  fallback(answer: GeminiReply): void;
  mode(m: FakeGeminiMode): void;
  /** Models that answer 503 "overloaded" until taken out (by calling again without them). */
  overloaded(...models: string[]): void;
  /** How files uploaded from now on move from PROCESSING. */
  processing(p: FileProcessing): void;
  setLatency(ms: number | { min: number; max: number }): void;
  close(): Promise<void>;
}

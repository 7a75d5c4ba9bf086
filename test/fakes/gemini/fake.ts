// The fake Gemini API: a loopback HTTP server answering what @google/genai calls for captions — the Files API's
// resumable upload (start, then upload/finalize), files.get with PROCESSING → ACTIVE | FAILED, files.delete — and
// models.generateContent, with scripted answers, latency and fault modes. See README.md next to this file.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  GeminiError,
  fileForbidden,
  fileNotReady,
  internal,
  invalidApiKey,
  invalidArgument,
  notFound,
  overloaded,
  rateLimited,
} from './errors.ts';
import type {
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

export const DEFAULT_GEMINI_KEY = 'AIzaFakeGeminiKeyForTests0000000000000';
/** Models models.list lists (and models.get finds). */
export const FAKE_GEMINI_MODELS = ['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro'];
/** What the fake charges for each video file in a prompt (tokens); the real API counts about 263 per second. */
export const FILE_TOKENS = 258;
const MAX_BODY = 64 * 1024 * 1024;
const DAY_MS = 86_400_000;

interface Upload {
  declaredSize: number;
  mimeType: string;
  displayName?: string;
  chunks: Buffer[];
  received: number;
}

interface FileEntry {
  file: FakeGeminiFile;
  processing: FileProcessing;
  reads: number;
}

class Fake implements FakeGemini {
  readonly apiKey: string;
  readonly requests: RecordedGeminiRequest[] = [];
  private readonly server: Server;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly uploads = new Map<string, Upload>();
  private readonly entries = new Map<string, FileEntry>();
  private readonly scripted: GeminiAnswer[] = [];
  private fallbackAnswer: GeminiReply = { content: { caption: 'A caption from the fake.', hashtags: [] } };
  private currentMode: FakeGeminiMode = 'normal';
  private modeLeft = Infinity;
  private overloadedModels = new Set<string>();
  private fileProcessing: FileProcessing;
  private latency: { min: number; max: number } = { min: 0, max: 0 };
  private closed = false;

  constructor(options: FakeGeminiOptions = {}) {
    this.apiKey = options.apiKey ?? DEFAULT_GEMINI_KEY;
    this.fileProcessing = options.processing ?? { polls: 1 };
    this.setLatency(options.latencyMs ?? 0);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (err instanceof GeminiError) this.sendError(res, err);
        else res.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get generations(): RecordedGeminiRequest[] {
    return this.requests.filter((r) => r.model !== undefined);
  }

  /** Every file uploaded, in order, kept after it is deleted. */
  readonly uploaded: FakeGeminiFile[] = [];

  get files(): ReadonlyMap<string, FakeGeminiFile> {
    return new Map([...this.entries].map(([name, e]) => [name, e.file]));
  }

  script(...answers: GeminiAnswer[]): void {
    this.scripted.push(...answers);
  }

  fallback(answer: GeminiReply): void {
    this.fallbackAnswer = answer;
  }

  mode(m: FakeGeminiMode): void {
    this.currentMode = m;
    this.modeLeft = typeof m === 'object' ? (m.times ?? Infinity) : Infinity;
    if (this.modeLeft <= 0) this.currentMode = 'normal';
  }

  overloaded(...models: string[]): void {
    this.overloadedModels = new Set(models);
  }

  processing(p: FileProcessing): void {
    this.fileProcessing = p;
  }

  setLatency(ms: number | { min: number; max: number }): void {
    this.latency = typeof ms === 'number' ? { min: ms, max: ms } : { min: ms.min, max: Math.max(ms.min, ms.max) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  // --- the request path ---

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.headersSent) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  }

  private sendError(res: ServerResponse, err: GeminiError): void {
    this.send(res, err.code, err.body());
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(
            new GeminiError(413, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${MAX_BODY} bytes.`),
          );
          req.resume();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private record(r: Omit<RecordedGeminiRequest, 'at'>): void {
    this.requests.push({ at: Date.now(), ...r });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const header = (name: string): string => String(req.headers[name] ?? '');
    const body = await this.readBody(req);

    // The upload URL is its own credential (the real one carries upload_id); everything else needs the key.
    const uploadId = url.searchParams.get('upload_id');
    if (path === '/upload/v1beta/files' && method === 'POST' && uploadId !== null) {
      this.uploadChunk(res, uploadId, header('x-goog-upload-command'), Number(header('x-goog-upload-offset')), body);
      this.record({ method, path, status: res.statusCode });
      return;
    }
    const key = header('x-goog-api-key') || (url.searchParams.get('key') ?? '');
    if (key !== this.apiKey) {
      this.record({ method, path, status: 400 });
      this.sendError(res, invalidApiKey());
      return;
    }
    if (path === '/upload/v1beta/files' && method === 'POST') {
      this.uploadStart(req, res, body);
      this.record({ method, path, status: res.statusCode });
      return;
    }
    const fileMatch = /^\/v1beta\/(files\/[a-z0-9-]+)$/.exec(path);
    if (fileMatch?.[1] && (method === 'GET' || method === 'DELETE')) {
      const entry = this.entries.get(fileMatch[1]);
      if (!entry) {
        this.record({ method, path, status: 403 });
        this.sendError(res, fileForbidden(fileMatch[1]));
        return;
      }
      if (method === 'DELETE') {
        this.entries.delete(fileMatch[1]);
        this.send(res, 200, {});
      } else this.send(res, 200, this.read(entry));
      this.record({ method, path, status: 200 });
      return;
    }
    // models.list and models.get: what a key check calls, cheaply.
    const modelMatch = /^\/v1beta\/models(?:\/([^/:]+))?$/.exec(path);
    if (modelMatch && method === 'GET') {
      const model = (name: string) => ({
        name: `models/${name}`,
        version: '001',
        displayName: name,
        inputTokenLimit: 1048576,
        outputTokenLimit: 65536,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      });
      const wanted = modelMatch[1];
      if (wanted === undefined) this.send(res, 200, { models: FAKE_GEMINI_MODELS.map(model) });
      else if (FAKE_GEMINI_MODELS.includes(wanted)) this.send(res, 200, model(wanted));
      else this.sendError(res, notFound(`models/${wanted} is not found for API version v1beta, or is not supported.`));
      this.record({ method, path, status: res.statusCode });
      return;
    }
    const genMatch = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(path);
    if (genMatch?.[1] && method === 'POST') {
      await this.generate(res, genMatch[1], body, path);
      return;
    }
    this.record({ method, path, status: 404 });
    this.sendError(res, notFound(`Method not found: ${method} ${path}`));
  }

  private uploadStart(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const protocol = String(req.headers['x-goog-upload-protocol'] ?? '');
    const command = String(req.headers['x-goog-upload-command'] ?? '');
    const size = Number(req.headers['x-goog-upload-header-content-length']);
    const mimeType = String(req.headers['x-goog-upload-header-content-type'] ?? '');
    if (protocol !== 'resumable' || command !== 'start')
      throw invalidArgument('Only the resumable upload protocol is supported here (X-Goog-Upload-Command: start).');
    if (!Number.isInteger(size) || size <= 0)
      throw invalidArgument('X-Goog-Upload-Header-Content-Length must be the size of the file in bytes.');
    if (mimeType === '') throw invalidArgument('X-Goog-Upload-Header-Content-Type is required.');
    let meta: { file?: { displayName?: string; display_name?: string } } = {};
    try {
      meta = body.length > 0 ? (JSON.parse(body.toString('utf8')) as typeof meta) : {};
    } catch {
      throw invalidArgument('Invalid JSON payload received.');
    }
    const id = randomBytes(18).toString('base64url');
    const upload: Upload = { declaredSize: size, mimeType, chunks: [], received: 0 };
    const displayName = meta.file?.displayName ?? meta.file?.display_name;
    if (displayName !== undefined) upload.displayName = displayName;
    this.uploads.set(id, upload);
    this.send(res, 200, undefined, {
      'x-goog-upload-status': 'active',
      'x-goog-upload-url': `${this.baseUrl}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
      'x-goog-upload-control-url': `${this.baseUrl}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
      'x-goog-upload-chunk-granularity': '8388608',
    });
  }

  private uploadChunk(res: ServerResponse, id: string, command: string, offset: number, chunk: Buffer): void {
    const upload = this.uploads.get(id);
    if (!upload) {
      this.send(res, 404, undefined, { 'x-goog-upload-status': 'cancelled' });
      return;
    }
    const words = command.split(',').map((w) => w.trim());
    if (!words.includes('upload') || offset !== upload.received) {
      // The real server answers a wrong offset with 400 and the size it has, so a client can resume.
      this.send(res, 400, undefined, {
        'x-goog-upload-status': 'active',
        'x-goog-upload-size-received': String(upload.received),
      });
      return;
    }
    upload.chunks.push(chunk);
    upload.received += chunk.length;
    if (!words.includes('finalize')) {
      this.send(res, 200, undefined, { 'x-goog-upload-status': 'active' });
      return;
    }
    this.uploads.delete(id);
    const bytes = Buffer.concat(upload.chunks);
    if (bytes.length !== upload.declaredSize) {
      this.send(
        res,
        400,
        invalidArgument(`Upload size ${bytes.length} does not match the declared ${upload.declaredSize}.`).body(),
        { 'x-goog-upload-status': 'final' },
      );
      return;
    }
    const name = `files/${randomBytes(9).toString('hex').slice(0, 12)}`;
    const now = new Date();
    const file: FakeGeminiFile = {
      name,
      mimeType: upload.mimeType,
      sizeBytes: String(bytes.length),
      createTime: now.toISOString(),
      updateTime: now.toISOString(),
      expirationTime: new Date(now.getTime() + 2 * DAY_MS).toISOString(),
      sha256Hash: Buffer.from(createHash('sha256').update(bytes).digest('hex')).toString('base64'),
      uri: `${this.baseUrl}/v1beta/${name}`,
      state: 'PROCESSING',
      source: 'UPLOADED',
    };
    if (upload.displayName !== undefined) file.displayName = upload.displayName;
    this.entries.set(name, { file, processing: this.fileProcessing, reads: 0 });
    this.uploaded.push({ ...file });
    this.send(res, 200, { file }, { 'x-goog-upload-status': 'final' });
  }

  /** files.get: each read moves a PROCESSING file one step toward its end state. */
  private read(entry: FileEntry): FakeGeminiFile {
    const f = entry.file;
    if (f.state !== 'PROCESSING' || entry.processing === 'stuck') return f;
    entry.reads++;
    if (entry.reads >= entry.processing.polls) {
      f.updateTime = new Date().toISOString();
      if ('fail' in entry.processing) {
        f.state = 'FAILED';
        f.error = { code: 400, message: entry.processing.fail };
      } else f.state = 'ACTIVE';
    }
    return f;
  }

  private takeFault(model: string): GeminiError | undefined {
    if (this.overloadedModels.has(model)) return overloaded();
    const m = this.currentMode;
    if (m === 'normal') return undefined;
    if (--this.modeLeft <= 0) this.currentMode = 'normal';
    if (m.status === 429) return rateLimited(model, m.retryDelaySeconds ?? 1);
    return m.status === 503 ? overloaded() : internal();
  }

  private async generate(res: ServerResponse, model: string, raw: Buffer, path: string): Promise<void> {
    let body: GenerateContentBody;
    try {
      body = JSON.parse(raw.toString('utf8')) as GenerateContentBody;
    } catch {
      this.record({ method: 'POST', path, status: 400, model });
      throw invalidArgument('Invalid JSON payload received.');
    }
    const reject = (err: GeminiError): void => {
      this.record({ method: 'POST', path, status: err.code, model, body });
      this.sendError(res, err);
    };
    if (!Array.isArray(body.contents) || body.contents.length === 0)
      return reject(invalidArgument('* GenerateContentRequest.contents: contents is not specified'));
    let fileCount = 0;
    let chars = 0;
    for (const c of [...body.contents, ...(body.systemInstruction ? [body.systemInstruction] : [])]) {
      for (const part of c.parts ?? []) {
        if (typeof part.text === 'string') chars += part.text.length;
        const fileData = part.fileData as { fileUri?: string } | undefined;
        if (fileData) {
          const name = /(files\/[a-z0-9-]+)$/.exec(fileData.fileUri ?? '')?.[1] ?? '';
          const entry = this.entries.get(name);
          if (!entry) return reject(fileForbidden(name || String(fileData.fileUri)));
          if (entry.file.state !== 'ACTIVE') return reject(fileNotReady(name));
          fileCount++;
        }
      }
    }
    const gc = body.generationConfig;
    if ((gc?.responseSchema || gc?.responseJsonSchema) && gc.responseMimeType !== 'application/json')
      return reject(
        invalidArgument('* GenerationConfig.response_mime_type: must be application/json with response_schema'),
      );
    const fault = this.takeFault(model);
    if (fault) return reject(fault);

    const answer = this.scripted.shift() ?? this.fallbackAnswer;
    if ('error' in answer)
      return reject(answer.error === 429 ? rateLimited(model, 1) : answer.error === 503 ? overloaded() : internal());
    const text = typeof answer.content === 'string' ? answer.content : JSON.stringify(answer.content);
    const promptTokens = answer.promptTokens ?? Math.ceil(chars / 4) + fileCount * FILE_TOKENS;
    const outputTokens = answer.outputTokens ?? Math.max(1, Math.ceil(text.length / 4));
    const reply = {
      candidates: [
        { content: { parts: [{ text }], role: 'model' }, finishReason: answer.finishReason ?? 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: promptTokens,
        candidatesTokenCount: outputTokens,
        totalTokenCount: promptTokens + outputTokens,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: promptTokens - fileCount * FILE_TOKENS },
          ...(fileCount > 0 ? [{ modality: 'VIDEO', tokenCount: fileCount * FILE_TOKENS }] : []),
        ],
      },
      modelVersion: model,
      responseId: randomBytes(12).toString('base64url'),
    };
    this.record({ method: 'POST', path, status: 200, model, body });
    const delay = this.latency.min + Math.random() * (this.latency.max - this.latency.min);
    if (delay <= 0) return this.send(res, 200, reply);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.send(res, 200, reply);
    }, delay);
    this.timers.add(t);
  }
}

export async function startFakeGemini(options?: FakeGeminiOptions): Promise<FakeGemini> {
  return new Fake(options).start();
}

// The chat completions request: enough validation to catch a client's mistakes, the hashes scenarios are keyed
// by, and OpenAI's rough admission-time token estimate.
import { createHash } from 'node:crypto';
import { invalidRequest } from './errors.ts';
import type { OpenAIError } from './errors.ts';
import { checkStrictSchema } from './schema.ts';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Tokens an image costs: OpenAI charges 85 at detail 'low', and 85 + 170 per 512px tile otherwise (765 for 1024x1024). */
export const IMAGE_TOKENS = { low: 85, high: 765 } as const;
/** Every message costs a few tokens of framing, and the reply is primed with a few more. */
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

export interface ParsedRequest {
  model: string;
  imageHashes: string[];
  textHash: string;
  /** sha256 of each text part and each string content, for scenario keys that ignore the rest of the prompt. */
  partHashes: string[];
  responseFormat?: unknown;
  /** Whether the answer must be JSON (json_schema or json_object). */
  json: boolean;
  /** The json_schema's schema when `strict: true`: the answer must fit it. */
  strictSchema?: Record<string, unknown>;
  /** The prompt estimate: characters / 4 for text, a fixed cost per image. */
  promptTokens: number;
  /** max_completion_tokens ?? max_tokens, when given. */
  maxTokens?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const IMAGE_MIME = /^data:image\/(png|jpeg|jpg|gif|webp);base64,/i;

function imageFormatOk(bytes: Buffer): boolean {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return true; // PNG
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return true; // JPEG
  if (bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'GIF8') return true;
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return true;
  return false;
}

function unsupportedImage(param: string): OpenAIError {
  return invalidRequest(
    "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
    param,
    'invalid_image_format',
  );
}

interface Acc {
  texts: string[];
  imageHashes: string[];
  tokens: number;
}

function parsePart(part: unknown, param: string, acc: Acc): void {
  if (!isRecord(part))
    throw invalidRequest(
      `Invalid type for '${param}': expected an object, but got ${typeof part} instead.`,
      param,
      'invalid_type',
    );
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string')
        throw invalidRequest(
          `Missing required parameter: '${param}.text'.`,
          `${param}.text`,
          'missing_required_parameter',
        );
      acc.texts.push(part.text);
      acc.tokens += Math.ceil(part.text.length / 4);
      return;
    case 'image_url': {
      const image = part.image_url;
      if (!isRecord(image) || typeof image.url !== 'string')
        throw invalidRequest(
          `Missing required parameter: '${param}.image_url.url'.`,
          `${param}.image_url.url`,
          'missing_required_parameter',
        );
      const detail = image.detail ?? 'auto';
      if (detail !== 'auto' && detail !== 'low' && detail !== 'high')
        throw invalidRequest(
          `Invalid value: '${String(detail)}'. Supported values are: 'auto', 'low', and 'high'.`,
          `${param}.image_url.detail`,
          'invalid_value',
        );
      acc.tokens += detail === 'low' ? IMAGE_TOKENS.low : IMAGE_TOKENS.high;
      if (/^https?:\/\//i.test(image.url)) {
        // The fake fetches nothing: a URL is keyed by its text.
        acc.imageHashes.push(sha256Hex(image.url));
        return;
      }
      const m = IMAGE_MIME.exec(image.url);
      if (!m)
        throw invalidRequest(
          "Invalid 'image_url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got an invalid value.",
          `${param}.image_url.url`,
          'invalid_image_url',
        );
      const bytes = Buffer.from(image.url.slice(m[0].length), 'base64');
      if (!imageFormatOk(bytes)) throw unsupportedImage(`${param}.image_url.url`);
      acc.imageHashes.push(sha256Hex(bytes));
      return;
    }
    case 'file': {
      const file = part.file;
      const data = isRecord(file) ? file.file_data : undefined;
      const m = typeof data === 'string' ? /^data:[^;,]+;base64,/.exec(data) : null;
      if (typeof data !== 'string' || !m)
        throw invalidRequest(
          `Missing or invalid '${param}.file.file_data': the fake takes only base64 data URLs.`,
          `${param}.file.file_data`,
          'invalid_value',
        );
      acc.imageHashes.push(sha256Hex(Buffer.from(data.slice(m[0].length), 'base64')));
      acc.tokens += IMAGE_TOKENS.high;
      return;
    }
    default:
      throw invalidRequest(
        `Invalid value: '${String(part.type)}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', 'audio', and 'file'.`,
        `${param}.type`,
        'invalid_value',
      );
  }
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function positiveInt(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw invalidRequest(
      `Invalid '${name}': integer below minimum value. Expected a value >= 1, but got ${JSON.stringify(v)} instead.`,
      name,
      'integer_below_min_value',
    );
  return v;
}

function checkResponseFormat(rf: unknown): boolean {
  if (rf === undefined || rf === null) return false;
  if (!isRecord(rf))
    throw invalidRequest("Invalid type for 'response_format': expected an object.", 'response_format', 'invalid_type');
  if (rf.type === 'text') return false;
  if (rf.type === 'json_object') return true;
  if (rf.type !== 'json_schema')
    throw invalidRequest(
      `Invalid value: '${String(rf.type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
      'response_format.type',
      'invalid_value',
    );
  const js = rf.json_schema;
  if (!isRecord(js))
    throw invalidRequest(
      "Missing required parameter: 'response_format.json_schema'.",
      'response_format.json_schema',
      'missing_required_parameter',
    );
  if (typeof js.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name))
    throw invalidRequest(
      "Missing or invalid 'response_format.json_schema.name': 1-64 of a-z, A-Z, 0-9, _ and -.",
      'response_format.json_schema.name',
      'invalid_value',
    );
  if (js.schema !== undefined && !isRecord(js.schema))
    throw invalidRequest(
      "Invalid type for 'response_format.json_schema.schema': expected an object.",
      'response_format.json_schema.schema',
      'invalid_type',
    );
  if (js.strict === true && isRecord(js.schema) && js.schema.type !== 'object')
    throw invalidRequest(
      "Invalid schema for response_format '" + js.name + "': schema must be a JSON Schema of 'type: \"object\"'.",
      'response_format',
      'invalid_json_schema',
    );
  if (js.strict === true && isRecord(js.schema)) checkStrictSchema(js.name, js.schema);
  return true;
}

export function parseRequest(raw: string): ParsedRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw invalidRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
  }
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || !body.model)
    throw invalidRequest('you must provide a model parameter', 'model');
  if (body.stream === true)
    throw invalidRequest("The fake does not stream: 'stream' must be false or absent.", 'stream', 'unsupported_value');
  const messages = body.messages;
  if (messages === undefined)
    throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages))
    throw invalidRequest("Invalid type for 'messages': expected an array of objects.", 'messages', 'invalid_type');
  if (messages.length === 0)
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  const acc: Acc = { texts: [], imageHashes: [], tokens: REPLY_PRIMING };
  messages.forEach((msg: unknown, i: number) => {
    const param = `messages[${i}]`;
    if (!isRecord(msg)) throw invalidRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
    if (typeof msg.role !== 'string' || !ROLES.has(msg.role))
      throw invalidRequest(
        `Invalid value: '${String(msg.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `${param}.role`,
        'invalid_value',
      );
    acc.tokens += PER_MESSAGE;
    const content = msg.content;
    if (typeof content === 'string') {
      acc.texts.push(content);
      acc.tokens += Math.ceil(content.length / 4);
    } else if (Array.isArray(content)) {
      if (msg.role !== 'user' && content.some((p: unknown) => isRecord(p) && p.type !== 'text'))
        throw invalidRequest(
          `Invalid '${param}.content': only user messages may contain images or files.`,
          `${param}.content`,
          'invalid_value',
        );
      content.forEach((p: unknown, j: number) => parsePart(p, `${param}.content[${j}]`, acc));
    } else if (!(msg.role === 'assistant' && (content === null || content === undefined))) {
      throw invalidRequest(
        `Invalid type for '${param}.content': expected one of a string or array of objects.`,
        `${param}.content`,
        'invalid_type',
      );
    }
  });
  const json = checkResponseFormat(body.response_format);
  const maxTokens = positiveInt(body, 'max_completion_tokens') ?? positiveInt(body, 'max_tokens');
  const parsed: ParsedRequest = {
    model: body.model,
    imageHashes: acc.imageHashes,
    textHash: sha256Hex(acc.texts.join('')),
    partHashes: acc.texts.map((t) => sha256Hex(t)),
    json,
    promptTokens: acc.tokens,
  };
  if (body.response_format !== undefined) parsed.responseFormat = body.response_format;
  const rf = body.response_format;
  if (isRecord(rf) && isRecord(rf.json_schema) && rf.json_schema.strict === true && isRecord(rf.json_schema.schema))
    parsed.strictSchema = rf.json_schema.schema;
  if (maxTokens !== undefined) parsed.maxTokens = maxTokens;
  return parsed;
}

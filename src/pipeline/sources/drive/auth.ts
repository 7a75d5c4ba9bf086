// Access tokens for the Drive API from the key GOOGLE_APPLICATION_CREDENTIALS names: a service-account key (JWT
// bearer grant, RFC 7523, signed RS256 here) or an OAuth client with a refresh token (`authorized_user`, as
// `gcloud auth application-default login` writes it). The key's own token_uri is used, so tests point it at the
// fake. The key and tokens never reach a log line or an error.
import { createSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DriveCritical } from './errors.ts';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.readonly';
const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

const serviceAccount = z.object({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  token_uri: z.string().url().default(GOOGLE_TOKEN_URI),
});
const authorizedUser = z.object({
  type: z.literal('authorized_user'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
  token_uri: z.string().url().default(GOOGLE_TOKEN_URI),
});
const keySchema = z.discriminatedUnion('type', [serviceAccount, authorizedUser]);
export type GoogleKey = z.infer<typeof keySchema>;

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
const tokenRefusal = z.object({ error: z.string(), error_description: z.string().optional() });

const HOW = 'set GOOGLE_APPLICATION_CREDENTIALS to the JSON key of a service account (README: Google Drive)';

export async function readGoogleKey(path: string | undefined): Promise<GoogleKey> {
  if (!path) throw new DriveCritical(`no Drive credentials: ${HOW}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DriveCritical(
      `cannot read GOOGLE_APPLICATION_CREDENTIALS (${(err as NodeJS.ErrnoException).code}): ${HOW}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DriveCritical(`GOOGLE_APPLICATION_CREDENTIALS is not a JSON key file: ${HOW}`);
  }
  const parsed = keySchema.safeParse(json);
  if (!parsed.success)
    throw new DriveCritical(
      `GOOGLE_APPLICATION_CREDENTIALS is not a service_account or authorized_user key (${parsed.error.issues[0]?.path.join('.') || 'type'}): ${HOW}`,
    );
  return parsed.data;
}

/** Who the key is, for messages ("share the folder with …"); never the secret part. */
export function keyIdentity(key: GoogleKey): string {
  return key.type === 'service_account' ? key.client_email : `OAuth client ${key.client_id}`;
}

export class TokenSource {
  readonly #key: GoogleKey;
  #token: { value: string; until: number } | null = null;

  constructor(key: GoogleKey) {
    this.#key = key;
  }

  /** A valid access token, fetched again a minute before it expires or after `invalidate`. */
  async token(signal?: AbortSignal): Promise<string> {
    if (this.#token && this.#token.until > Date.now() + 60_000) return this.#token.value;
    const res = await fetch(this.#key.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: this.#form(),
      signal,
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const refusal = tokenRefusal.safeParse(body);
      const why = refusal.success
        ? `${refusal.data.error}${refusal.data.error_description ? `: ${refusal.data.error_description}` : ''}`
        : `HTTP ${res.status}`;
      if (res.status === 400 || res.status === 401)
        throw new DriveCritical(
          `Google refused the credentials in GOOGLE_APPLICATION_CREDENTIALS (${why}): the key is wrong, deleted or revoked; create a new key and point GOOGLE_APPLICATION_CREDENTIALS at it`,
        );
      throw Object.assign(new Error(`the token endpoint answered ${res.status} (${why})`), { status: res.status });
    }
    const answer = tokenAnswer.parse(body);
    this.#token = { value: answer.access_token, until: Date.now() + (answer.expires_in ?? 3600) * 1000 };
    return answer.access_token;
  }

  invalidate(): void {
    this.#token = null;
  }

  #form(): URLSearchParams {
    const key = this.#key;
    if (key.type === 'authorized_user')
      return new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: key.client_id,
        client_secret: key.client_secret,
        refresh_token: key.refresh_token,
      });
    const iat = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const head = b64({ alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) });
    const claims = b64({ iss: key.client_email, scope: DRIVE_SCOPE, aud: key.token_uri, iat, exp: iat + 3600 });
    let signature: string;
    try {
      signature = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(key.private_key, 'base64url');
    } catch {
      throw new DriveCritical(`the private_key in GOOGLE_APPLICATION_CREDENTIALS cannot sign: ${HOW}`);
    }
    return new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: `${head}.${claims}.${signature}`,
    });
  }
}

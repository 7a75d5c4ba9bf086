// The fake Google Drive v3: a loopback HTTP server answering what @googleapis/drive sends (files.list/get/export,
// media download, changes.getStartPageToken/list) behind Google's OAuth token endpoint (service-account JWT bearer
// grant and refresh tokens), with a control API to change the tree and fault injection. See README.md beside it.
import { createHash, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DriveApiError, fault, invalid, notFound, unauthenticated } from './errors.ts';
import { FOLDER, parseFields, parseOrderBy, parseQuery, select } from './query.ts';
import type {
  AuthorizedUserKey,
  DriveFault,
  DriveItem,
  FakeDrive,
  FakeDriveOptions,
  NewItem,
  RecordedDriveRequest,
  ServiceAccountKey,
} from './types.ts';

const GOOGLE_DOC = 'application/vnd.google-apps.document';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_SECONDS = 3599;

interface Change {
  seq: number;
  fileId: string;
  time: string;
}

class Fake implements FakeDrive {
  readonly requests: RecordedDriveRequest[] = [];
  readonly serviceAccountKey: ServiceAccountKey;
  readonly authorizedUser: AuthorizedUserKey;
  private readonly publicKey: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private readonly items = new Map<string, DriveItem>();
  private readonly changes: Change[] = [];
  private seq = 1;
  private readonly tokens = new Set<string>();
  private readonly faults: Array<DriveFault & { left: number }> = [];
  private readonly cuts: Array<string | null> = [];
  private pageLatencyMs: number;
  private revoked = false;
  private nextId = 1;

  constructor(options: FakeDriveOptions) {
    this.pageLatencyMs = options.pageLatencyMs ?? 0;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.serviceAccountKey = {
      type: 'service_account',
      project_id: 'centinela-test',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: pem,
      client_email: 'centinela-sync@centinela-test.iam.gserviceaccount.com',
      client_id: '100000000000000000001',
      token_uri: '', // set once the port is known
    };
    this.authorizedUser = {
      type: 'authorized_user',
      client_id: '1234-fake.apps.googleusercontent.com',
      client_secret: 'GOCSPX-fake-secret',
      refresh_token: `1//0fake-${randomBytes(12).toString('hex')}`,
      token_uri: '',
    };
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (err instanceof DriveApiError) this.send(res, err.code, err.body());
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
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.serviceAccountKey.token_uri = this.tokenUri;
    this.authorizedUser.token_uri = this.tokenUri;
    return this;
  }

  get rootUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  get tokenUri(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  apiCalls(): number {
    return this.requests.filter((r) => r.path.startsWith('/drive/')).length;
  }

  // --- control ---

  private add(item: NewItem, mimeType: string, content: Buffer | null): string {
    const id = item.id ?? `f${String(this.nextId++).padStart(6, '0')}${randomBytes(6).toString('hex')}`;
    const now = new Date().toISOString();
    const parent = item.parent ? this.items.get(item.parent) : undefined;
    this.items.set(id, {
      id,
      name: item.name,
      mimeType,
      parents: item.parent ? [item.parent] : [],
      createdTime: now,
      modifiedTime: item.modifiedTime ?? now,
      content,
      explicitlyTrashed: false,
      shared: true,
      driveId: item.driveId ?? parent?.driveId ?? null,
      version: 1,
    });
    this.changed(id);
    return id;
  }

  addFolder(item: NewItem): string {
    return this.add(item, FOLDER, null);
  }

  addFile(item: NewItem): string {
    const content = Buffer.from(item.content ?? `content of ${item.name}`);
    return this.add(item, item.mimeType ?? guessMime(item.name), content);
  }

  addGoogleDoc(item: NewItem): string {
    return this.add(item, item.mimeType ?? GOOGLE_DOC, null);
  }

  private must(id: string): DriveItem {
    const item = this.items.get(id);
    if (!item) throw new Error(`fake Drive: no item ${id}`);
    return item;
  }

  modify(id: string, content: Buffer | string, modifiedTime?: string): void {
    const item = this.must(id);
    item.content = Buffer.from(content);
    item.modifiedTime = modifiedTime ?? new Date().toISOString();
    item.version++;
    this.changed(id);
  }

  move(id: string, toParent: string): void {
    this.must(id).parents = [toParent];
    this.changed(id);
  }

  trash(id: string): void {
    this.must(id).explicitlyTrashed = true;
    this.changedTree(id);
  }

  restore(id: string): void {
    this.must(id).explicitlyTrashed = false;
    this.changedTree(id);
  }

  unshare(id: string): void {
    this.must(id).shared = false;
    this.changedTree(id);
  }

  share(id: string): void {
    this.must(id).shared = true;
    this.changedTree(id);
  }

  setModifiedTime(id: string, modifiedTime: string): void {
    this.must(id).modifiedTime = modifiedTime;
    this.changed(id);
  }

  item(id: string): DriveItem | undefined {
    return this.items.get(id);
  }

  fail(f: DriveFault): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  cutNextDownload(id?: string): void {
    this.cuts.push(id ?? null);
  }

  setPageLatency(ms: number): void {
    this.pageLatencyMs = ms;
  }

  revokeKeys(): void {
    this.revoked = true;
    this.tokens.clear();
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** A change entry for the item (what changes.list reports: its latest state). */
  private changed(id: string): void {
    this.changes.push({ seq: this.seq++, fileId: id, time: new Date().toISOString() });
  }

  /** Trash, restore and sharing reach what is inside a folder too: each of those items changes. */
  private changedTree(id: string): void {
    this.changed(id);
    for (const child of this.items.values()) if (child.parents.includes(id)) this.changedTree(child.id);
  }

  // --- what the caller sees ---

  /** Visible to the service account: shared, and so is every folder above it that is ours. */
  private visible(item: DriveItem, seen = new Set<string>()): boolean {
    if (!item.shared || seen.has(item.id)) return false;
    seen.add(item.id);
    const parent = item.parents[0] ? this.items.get(item.parents[0]) : undefined;
    return parent ? this.visible(parent, seen) || parent.shared : true;
  }

  private trashed(item: DriveItem): boolean {
    if (item.explicitlyTrashed) return true;
    const parent = item.parents[0] ? this.items.get(item.parents[0]) : undefined;
    return parent ? this.trashed(parent) : false;
  }

  private resource(item: DriveItem): Record<string, unknown> {
    const binary = item.content !== null;
    return {
      kind: 'drive#file',
      id: item.id,
      name: item.name,
      mimeType: item.mimeType,
      parents: item.parents,
      trashed: this.trashed(item),
      explicitlyTrashed: item.explicitlyTrashed,
      createdTime: item.createdTime,
      modifiedTime: item.modifiedTime,
      version: String(item.version),
      ...(item.driveId ? { driveId: item.driveId } : {}),
      ...(binary && item.content
        ? {
            size: String(item.content.length),
            md5Checksum: createHash('md5').update(item.content).digest('hex'),
            sha256Checksum: createHash('sha256').update(item.content).digest('hex'),
          }
        : {}),
    };
  }

  // --- the request path ---

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  }

  private readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const body = await this.readBody(req);
    const record = (status: number): void => {
      this.requests.push({ at: Date.now(), method, path, query, status });
    };
    try {
      if (path === '/token' && method === 'POST') {
        const [status, answer] = this.token(new URLSearchParams(body));
        record(status);
        this.send(res, status, answer);
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!bearer || !this.tokens.has(bearer)) throw unauthenticated();
      const injected = this.faults.find((f) => f.left > 0 && (!f.path || f.path.test(`${path}${url.search}`)));
      if (injected) {
        injected.left--;
        throw fault(injected.status, injected.reason);
      }
      const status = await this.route(res, method, path, url.searchParams);
      record(status);
    } catch (err) {
      if (!(err instanceof DriveApiError)) throw err;
      record(err.code);
      this.send(res, err.code, err.body());
    }
  }

  private token(form: URLSearchParams): [number, unknown] {
    const refused = (description: string): [number, unknown] => [
      400,
      { error: 'invalid_grant', error_description: description },
    ];
    if (this.revoked) return refused('Invalid JWT Signature.');
    const grant = form.get('grant_type');
    if (grant === JWT_BEARER) {
      const problem = this.checkAssertion(form.get('assertion') ?? '');
      if (problem) return refused(problem);
    } else if (grant === 'refresh_token') {
      const u = this.authorizedUser;
      if (form.get('client_id') !== u.client_id || form.get('client_secret') !== u.client_secret)
        return [401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }];
      if (form.get('refresh_token') !== u.refresh_token) return refused('Token has been expired or revoked.');
    } else return [400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grant}` }];
    const token = `ya29.fake-${randomBytes(16).toString('hex')}`;
    this.tokens.add(token);
    return [200, { access_token: token, expires_in: TOKEN_SECONDS, token_type: 'Bearer' }];
  }

  /** What is wrong with a JWT bearer assertion, or null: RS256 by our key, for our token URI, not expired. */
  private checkAssertion(assertion: string): string | null {
    const [head, payload, signature] = assertion.split('.');
    if (!head || !payload || !signature)
      return 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.';
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${head}.${payload}`);
    if (!verifier.verify(this.publicKey, Buffer.from(signature, 'base64url'))) return 'Invalid JWT Signature.';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    if (claims['iss'] !== this.serviceAccountKey.client_email) return "Invalid JWT: iss is not the key's client_email.";
    if (claims['aud'] !== this.tokenUri) return 'Invalid JWT: Failed audience check.';
    if (
      typeof claims['exp'] !== 'number' ||
      typeof claims['iat'] !== 'number' ||
      claims['exp'] < now ||
      claims['exp'] - claims['iat'] > 3600
    )
      return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
    if (typeof claims['scope'] !== 'string' || !claims['scope'].includes('auth/drive'))
      return 'Invalid JWT: scope must name a Drive scope.';
    return null;
  }

  private async route(res: ServerResponse, method: string, path: string, q: URLSearchParams): Promise<number> {
    if (method !== 'GET') throw new DriveApiError(405, 'methodNotAllowed', 'Method not allowed');
    const fields = parseFields(q.get('fields'));
    if (path === '/drive/v3/files') return this.list(res, q, fields);
    if (path === '/drive/v3/changes/startPageToken') {
      this.send(res, 200, select({ kind: 'drive#startPageToken', startPageToken: String(this.seq) }, fields));
      return 200;
    }
    if (path === '/drive/v3/changes') return this.changeList(res, q, fields);
    const m = /^\/drive\/v3\/files\/([^/]+)(\/export)?$/.exec(path);
    if (!m?.[1]) throw new DriveApiError(404, 'notFound', `Not Found: ${path}`);
    const item = this.items.get(m[1]);
    if (!item || !this.visible(item)) throw notFound(m[1]);
    if (m[2]) return this.export(res, item, q.get('mimeType') ?? '');
    if (q.get('alt') === 'media') return this.media(res, item);
    this.send(res, 200, select(this.resource(item), fields));
    return 200;
  }

  private async pageDelay(): Promise<void> {
    if (this.pageLatencyMs > 0) await new Promise((r) => setTimeout(r, this.pageLatencyMs));
  }

  private pageSize(q: URLSearchParams, max: number, byDefault: number): number {
    const raw = q.get('pageSize');
    if (raw === null) return byDefault;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw invalid('pageSize');
    return n;
  }

  private async list(res: ServerResponse, q: URLSearchParams, fields: ReturnType<typeof parseFields>): Promise<number> {
    await this.pageDelay();
    const clauses = q.get('q') ? parseQuery(q.get('q') ?? '') : [];
    if (!clauses) throw invalid('q', 'Invalid Value');
    const order = parseOrderBy(q.get('orderBy') ?? 'folder,modifiedTime desc,name');
    if (!order) throw invalid('orderBy', 'Invalid Value');
    const size = this.pageSize(q, 1000, 100);
    const all = [...this.items.values()]
      .filter((i) => this.visible(i) && clauses.every((c) => c(i, this.trashed(i))))
      .sort((a, b) => order(a, b) || a.id.localeCompare(b.id));
    const offset = q.get('pageToken') ? decodeOffset(q.get('pageToken') ?? '') : 0;
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? encodeOffset(offset + size) : undefined;
    this.send(
      res,
      200,
      select(
        {
          kind: 'drive#fileList',
          incompleteSearch: false,
          ...(next ? { nextPageToken: next } : {}),
          files: page.map((i) => this.resource(i)),
        },
        fields,
      ),
    );
    return 200;
  }

  private async changeList(
    res: ServerResponse,
    q: URLSearchParams,
    fields: ReturnType<typeof parseFields>,
  ): Promise<number> {
    await this.pageDelay();
    const from = Number(q.get('pageToken'));
    if (!q.get('pageToken') || !Number.isInteger(from) || from < 1 || from > this.seq) throw invalid('pageToken');
    const size = this.pageSize(q, 1000, 100);
    // Drive lists a file once, with its latest state, however often it changed since the token.
    const latest = new Map<string, Change>();
    for (const c of this.changes) if (c.seq >= from) latest.set(c.fileId, c);
    const ordered = [...latest.values()].sort((a, b) => a.seq - b.seq);
    const page = ordered.slice(0, size);
    const rest = ordered.slice(size);
    const changes = page.map((c) => {
      const item = this.items.get(c.fileId);
      const gone = !item || !this.visible(item);
      return {
        kind: 'drive#change',
        changeType: 'file',
        type: 'file',
        time: c.time,
        removed: gone,
        fileId: c.fileId,
        ...(gone || !item ? {} : { file: this.resource(item) }),
      };
    });
    this.send(
      res,
      200,
      select(
        {
          kind: 'drive#changeList',
          ...(rest[0] ? { nextPageToken: String(rest[0].seq) } : { newStartPageToken: String(this.seq) }),
          changes,
        },
        fields,
      ),
    );
    return 200;
  }

  private media(res: ServerResponse, item: DriveItem): number {
    if (!item.content)
      throw new DriveApiError(
        403,
        'fileNotDownloadable',
        'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
      );
    const cut = this.cuts.findIndex((c) => c === null || c === item.id);
    res.writeHead(200, { 'content-type': item.mimeType, 'content-length': String(item.content.length) });
    if (cut >= 0) {
      this.cuts.splice(cut, 1);
      // Half the body, then the connection drops: the client sees fewer bytes than content-length.
      res.write(item.content.subarray(0, Math.floor(item.content.length / 2)));
      setTimeout(() => res.socket?.destroy(), 20);
      return 200;
    }
    res.end(item.content);
    return 200;
  }

  private export(res: ServerResponse, item: DriveItem, mimeType: string): number {
    if (!item.mimeType.startsWith('application/vnd.google-apps.') || item.mimeType === FOLDER)
      throw new DriveApiError(403, 'fileNotExportable', 'Export only supports Docs Editors files.');
    if (mimeType !== 'application/pdf') throw invalid('mimeType', `The requested conversion is not supported.`);
    const pdf = Buffer.from(
      `%PDF-1.4\n% ${item.name} version ${item.version}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    );
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(pdf.length) });
    res.end(pdf);
    return 200;
  }
}

function encodeOffset(n: number): string {
  return Buffer.from(`o:${n}`).toString('base64url');
}

function decodeOffset(token: string): number {
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalid('pageToken');
  return Number(m[1]);
}

function guessMime(name: string): string {
  if (/\.pdf$/i.test(name)) return 'application/pdf';
  if (/\.xml$/i.test(name)) return 'text/xml';
  if (/\.csv$/i.test(name)) return 'text/csv';
  if (/\.jpe?g$/i.test(name)) return 'image/jpeg';
  if (/\.png$/i.test(name)) return 'image/png';
  return 'application/octet-stream';
}

export async function startFakeDrive(options: FakeDriveOptions = {}): Promise<FakeDrive> {
  return new Fake(options).start();
}

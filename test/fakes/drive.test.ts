// The fake Drive (test/fakes/drive), driven by the real @googleapis/drive client over loopback HTTP, with tokens
// from its token endpoint (service-account JWT bearer grant and refresh token).
import { drive } from '@googleapis/drive';
import { afterEach, describe, expect, test } from 'vitest';
import { startFakeDrive } from './drive/index.ts';
import type { FakeDrive } from './drive/index.ts';

const fakes: FakeDrive[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function start(): Promise<FakeDrive> {
  const fake = await startFakeDrive();
  fakes.push(fake);
  return fake;
}

async function tokenFor(fake: FakeDrive, form: Record<string, string>): Promise<Response> {
  return fetch(fake.tokenUri, { method: 'POST', body: new URLSearchParams(form) });
}

/** A signed JWT bearer assertion, as google-auth-library makes one. */
async function serviceToken(fake: FakeDrive): Promise<string> {
  const { createSign } = await import('node:crypto');
  const key = fake.serviceAccountKey;
  const iat = Math.floor(Date.now() / 1000);
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: key.client_email, scope: 'https://www.googleapis.com/auth/drive.readonly', aud: key.token_uri, iat, exp: iat + 3600 })}`;
  const sig = createSign('RSA-SHA256').update(unsigned).sign(key.private_key, 'base64url');
  const res = await tokenFor(fake, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: `${unsigned}.${sig}`,
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
  expect(body.token_type).toBe('Bearer');
  expect(body.expires_in).toBeGreaterThan(3000);
  return body.access_token;
}

function client(fake: FakeDrive, token: string) {
  const d = drive({ version: 'v3', rootUrl: fake.rootUrl });
  const opts = { headers: { Authorization: `Bearer ${token}` }, retry: false };
  return { d, opts };
}

async function statusOf(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status?: number; response?: { status: number; data: unknown } };
    return { status: e.response?.status ?? e.status ?? 0, body: e.response?.data };
  }
  throw new Error('expected the call to fail');
}

describe('fake Drive with @googleapis/drive', () => {
  test('the token endpoint takes a signed JWT or a refresh token and refuses a bad one; calls need the bearer', async () => {
    const fake = await start();
    const token = await serviceToken(fake);
    const bad = await tokenFor(fake, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'a.b.c' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    const u = fake.authorizedUser;
    const refreshed = await tokenFor(fake, {
      grant_type: 'refresh_token',
      client_id: u.client_id,
      client_secret: u.client_secret,
      refresh_token: u.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const { d, opts } = client(fake, token);
    const root = fake.addFolder({ name: 'Facturas' });
    expect((await d.files.get({ fileId: root, fields: 'id,name' }, opts)).data).toEqual({ id: root, name: 'Facturas' });
    const refused = await statusOf(
      d.files.get({ fileId: root }, { headers: { Authorization: 'Bearer nope' }, retry: false }),
    );
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 401, errors: [{ reason: 'authError' }] } });
  });

  test('files.list: q forms, orderBy, pages, fields; md5 on binary files only; get, media and export', async () => {
    const fake = await start();
    const { d, opts } = client(fake, await serviceToken(fake));
    const root = fake.addFolder({ name: 'Facturas' });
    const sub = fake.addFolder({ name: '2026', parent: root });
    const a = fake.addFile({ name: 'a.pdf', parent: root, content: 'AAAA', modifiedTime: '2026-01-01T00:00:00.000Z' });
    const b = fake.addFile({ name: 'b.xml', parent: root, content: '<b/>', modifiedTime: '2026-03-01T00:00:00.000Z' });
    const doc = fake.addGoogleDoc({ name: 'nota', parent: root });
    fake.addFile({ name: 'c.pdf', parent: sub });
    const trashed = fake.addFile({ name: 't.pdf', parent: root });
    fake.trash(trashed);

    const page1 = await d.files.list(
      {
        q: `'${root}' in parents and trashed = false and mimeType != 'application/vnd.google-apps.folder'`,
        orderBy: 'modifiedTime',
        pageSize: 2,
        fields: 'nextPageToken,files(id,name,md5Checksum)',
        supportsAllDrives: true,
        includeItemsFromAllDrives: true,
      },
      opts,
    );
    expect(page1.data.files?.map((f) => f.id)).toEqual([a, b]);
    expect(Object.keys(page1.data.files?.[0] ?? {})).toEqual(['id', 'name', 'md5Checksum']);
    expect(page1.data.files?.[0]?.md5Checksum).toMatch(/^[0-9a-f]{32}$/);
    const page2 = await d.files.list(
      {
        q: `'${root}' in parents and trashed = false and mimeType != 'application/vnd.google-apps.folder'`,
        orderBy: 'modifiedTime',
        pageSize: 2,
        pageToken: page1.data.nextPageToken ?? '',
        fields: 'nextPageToken,files(id,md5Checksum)',
      },
      opts,
    );
    expect(page2.data.files).toEqual([{ id: doc }]); // a Google Doc has no md5Checksum
    expect(page2.data.nextPageToken).toBeUndefined();
    const newer = await d.files.list({ q: `'${root}' in parents and modifiedTime > '2026-02-01T00:00:00'` }, opts);
    expect(newer.data.files?.map((f) => f.id)).toContain(b);
    expect(newer.data.files?.map((f) => f.id)).not.toContain(a);
    const folders = await d.files.list(
      { q: `'${root}' in parents and mimeType = 'application/vnd.google-apps.folder'` },
      opts,
    );
    expect(folders.data.files?.map((f) => f.id)).toEqual([sub]);
    const badQ = await statusOf(d.files.list({ q: `name contains 'x'` }, opts));
    expect(badQ.status).toBe(400);

    const media = await d.files.get({ fileId: a, alt: 'media' }, { ...opts, responseType: 'arraybuffer' });
    expect(Buffer.from(media.data as unknown as ArrayBuffer).toString()).toBe('AAAA');
    const pdf = await d.files.export(
      { fileId: doc, mimeType: 'application/pdf' },
      { ...opts, responseType: 'arraybuffer' },
    );
    expect(
      Buffer.from(pdf.data as unknown as ArrayBuffer)
        .toString()
        .startsWith('%PDF-'),
    ).toBe(true);
    const missing = await statusOf(d.files.get({ fileId: 'nope-nope-nope' }, opts));
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 404, errors: [{ reason: 'notFound' }] } } });
  });

  test('changes: a start token, then one entry per changed file with newStartPageToken on the last page', async () => {
    const fake = await start();
    const { d, opts } = client(fake, await serviceToken(fake));
    const root = fake.addFolder({ name: 'Facturas' });
    const other = fake.addFolder({ name: 'Otros' });
    const x = fake.addFile({ name: 'x.pdf', parent: other, modifiedTime: '2020-01-01T00:00:00.000Z' });
    const y = fake.addFile({ name: 'y.pdf', parent: root });
    const token = (await d.changes.getStartPageToken({ supportsAllDrives: true }, opts)).data.startPageToken ?? '';
    fake.move(x, root); // moved in with an old modifiedTime
    fake.modify(y, 'new content');
    fake.modify(y, 'newer content');
    fake.trash(y);
    const z = fake.addFile({ name: 'z.pdf', parent: root });
    fake.unshare(z);
    const first = await d.changes.list(
      {
        pageToken: token,
        pageSize: 2,
        includeRemoved: true,
        supportsAllDrives: true,
        includeItemsFromAllDrives: true,
        fields: 'nextPageToken,newStartPageToken,changes(fileId,removed,time,file(id,parents,trashed))',
      },
      opts,
    );
    expect(first.data.changes?.map((c) => c.fileId)).toEqual([x, y]);
    expect(first.data.changes?.[0]?.file).toEqual({ id: x, parents: [root], trashed: false });
    expect(first.data.changes?.[1]?.file?.trashed).toBe(true);
    expect(first.data.newStartPageToken).toBeUndefined();
    const last = await d.changes.list(
      { pageToken: first.data.nextPageToken ?? '', pageSize: 2, includeRemoved: true },
      opts,
    );
    expect(last.data.changes).toEqual([expect.objectContaining({ fileId: z, removed: true })]);
    expect(last.data.changes?.[0]?.file).toBeUndefined();
    const next = last.data.newStartPageToken ?? '';
    expect(next).not.toBe('');
    const none = await d.changes.list({ pageToken: next }, opts);
    expect(none.data.changes).toEqual([]);
    expect(none.data.newStartPageToken).toBe(next);
  });

  test("faults: 429, rate-limit 403 and 5xx in Google's JSON shape; a cut download delivers half the body", async () => {
    const fake = await start();
    const { d, opts } = client(fake, await serviceToken(fake));
    const root = fake.addFolder({ name: 'Facturas' });
    const a = fake.addFile({ name: 'a.pdf', parent: root, content: Buffer.alloc(100_000, 1) });
    fake.fail({ status: 429 });
    fake.fail({ status: 403 });
    fake.fail({ status: 503, path: /changes/ });
    expect(await statusOf(d.files.list({}, opts))).toMatchObject({
      status: 429,
      body: { error: { code: 429, errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }] } },
    });
    expect(await statusOf(d.files.list({}, opts))).toMatchObject({
      status: 403,
      body: { error: { errors: [{ reason: 'userRateLimitExceeded' }] } },
    });
    expect((await d.files.list({}, opts)).status).toBe(200);
    expect((await statusOf(d.changes.getStartPageToken({}, opts))).status).toBe(503);
    fake.cutNextDownload(a);
    const cut = await d.files.get({ fileId: a, alt: 'media' }, { ...opts, responseType: 'stream' });
    let got = 0;
    await expect(
      (async () => {
        for await (const chunk of cut.data as unknown as AsyncIterable<Buffer>) got += chunk.length;
      })(),
    ).rejects.toThrow();
    expect(got).toBeLessThan(100_000);
    const whole = await d.files.get({ fileId: a, alt: 'media' }, { ...opts, responseType: 'arraybuffer' });
    expect((whole.data as unknown as ArrayBuffer).byteLength).toBe(100_000);
  });
});

// HTTP batch upload: 51 files in one request, the batch's progress, the routes our users' web page calls, and
// a client that disconnects half way (nothing recorded).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../../src/main.ts';
import { IntakeRecords } from '../../../src/pipeline/intake/index.ts';
import type { Service } from '../../../src/main.ts';
import { REPO, tempDir } from '../../support/service.ts';
import { eventually } from '../../support/stores.ts';

const FIXTURES = join(REPO, 'test/fixtures/cfdi');
let service: Service | null = null;
let dir = '';

afterEach(async () => {
  await service?.stop('test over');
  service = null;
});

async function start(env: Record<string, string> = {}): Promise<{ url: string; token: string }> {
  dir = tempDir('centinela-upload-');
  service = await startService({
    cwd: dir,
    env: {
      CENTINELA_HTTP_PORT: '0',
      CENTINELA_LOG_STDOUT: 'false',
      CENTINELA_QUEUE_POLL_MS: '100',
      CENTINELA_API_TOKEN: 'test-token-0123456789',
      ...env,
    },
  });
  return { url: service.http?.url ?? '', token: 'test-token-0123456789' };
}

/** 51 CFDI files: the fixtures, and copies made different by a trailing comment (same invoices, other bytes). */
function invoiceFiles(): Array<{ name: string; bytes: Buffer }> {
  const names = [
    'cfdi33-real.xml',
    'cfdi40-real.xml',
    'cfdi40-valid.xml',
    'cfdi33-valid.xml',
    'created-with-discounts-40.xml',
  ];
  return Array.from({ length: 51 }, (_, i) => {
    const name = names[i % names.length] as string;
    return {
      name: `${i}-${name}`,
      bytes: Buffer.concat([readFileSync(join(FIXTURES, name)), Buffer.from(`\n<!-- copy ${i} -->\n`)]),
    };
  });
}

function form(
  field: string,
  files: Array<{ name: string; bytes: Buffer }>,
  fields: Record<string, string> = {},
): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const f of files) body.append(field, new Blob([new Uint8Array(f.bytes)], { type: 'text/xml' }), f.name);
  return body;
}

describe('HTTP batch upload', () => {
  it('accepts 51 files at once, rejects what it cannot take with the reason, and reports progress to the end', async () => {
    const { url, token } = await start();
    const body = form(
      'files',
      [
        ...invoiceFiles(),
        { name: 'logo.gif', bytes: Buffer.from('GIF89a') },
        { name: 'vacia.pdf', bytes: Buffer.alloc(0) },
      ],
      { company: 'acme' },
    );
    const res = await fetch(`${url}/batches`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      batch_id: string;
      files: Array<{ name: string; status: string; reason?: string }>;
    };
    expect(answer.batch_id).toMatch(/^b_[0-9a-f]{8}$/);
    expect(answer.files.filter((f) => f.status === 'accepted')).toHaveLength(51);
    expect(answer.files.find((f) => f.name === 'logo.gif')).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('unsupported file type .gif'),
    });
    expect(answer.files.find((f) => f.name === 'vacia.pdf')).toMatchObject({
      status: 'rejected',
      reason: 'the file is empty',
    });

    let report: Record<string, unknown> = {};
    await eventually(
      async () => {
        report = (await (
          await fetch(`${url}/batches/${answer.batch_id}`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as Record<string, unknown>;
        return report.is_complete === true;
      },
      'batch complete',
      30_000,
    );
    expect(report).toMatchObject({
      batch_id: answer.batch_id,
      total: 51,
      failed: 0,
      pending: 0,
      progress_percentage: 100,
      eta_seconds: 0,
    });
    // Four stamped invoices (11, 10, 10 and 10 copies): every copy after the first is the same invoice in another
    // XML, a duplicate (37). The unstamped one has no UUID, but its XML's values are the same in every copy: its
    // other 9 copies are duplicates too (46), and the first is in review for want of a stamp.
    expect(report).toMatchObject({
      duplicates: 46,
      invoices: { duplicate: 46, error: 0 },
      cost: { input_tokens: 0, output_tokens: 0, amount: '0.000000', currency: 'USD' },
    });
    expect(report).toMatchObject({ completed: 4, review: 1 });
    // Five distinct invoices (the copies join them); every file is linked to one.
    expect(
      await service!.store.db
        .selectFrom('jobs')
        .select('id')
        .where('queue', '=', 'invoice.process')
        .where('state', '=', 'done')
        .execute(),
    ).toHaveLength(51);

    const compat = (await (
      await fetch(`${url}/sessions/batch-status/${answer.batch_id}?company_id=acme`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as Record<string, unknown>;
    expect(Object.keys(compat).sort()).toEqual([
      'batch_id',
      'completed',
      'failed',
      'is_complete',
      'pending',
      'progress_percentage',
      'total_sessions',
    ]);
    expect(compat).toMatchObject({
      batch_id: answer.batch_id,
      total_sessions: 51,
      completed: 51,
      failed: 0,
      pending: 0,
      is_complete: true,
    });
  });

  it("serves the web page's routes with 51 files and its query tags, and refuses a request without the token", async () => {
    const { url, token } = await start();
    const files = invoiceFiles();
    expect(
      (
        await fetch(`${url}/sessions/batch-upload/?company_id=acme&user_id=7`, {
          method: 'POST',
          body: form('files', files.slice(0, 3)),
        })
      ).status,
    ).toBe(401);
    const res = await fetch(`${url}/sessions/batch-upload/?company_id=acme&user_id=7`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form('files', files),
    });
    const answer = (await res.json()) as { batch_id: string; files: Array<{ status: string }> };
    expect(answer.files).toHaveLength(51);
    expect(answer.files.every((f) => f.status === 'accepted')).toBe(true);
    const batch = await new IntakeRecords(service!.store).db.selectFrom('batches').selectAll().executeTakeFirst();
    expect(JSON.parse(batch?.tags ?? '{}')).toEqual({ company: 'acme', user: '7' });
    let status: Record<string, unknown> = {};
    await eventually(
      async () => {
        status = (await (
          await fetch(`${url}/sessions/batch-status/${answer.batch_id}?company_id=acme`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()) as Record<string, unknown>;
        return status.is_complete === true;
      },
      'batch complete',
      30_000,
    );
    expect(status).toEqual({
      batch_id: answer.batch_id,
      total_sessions: 51,
      completed: 51,
      failed: 0,
      pending: 0,
      progress_percentage: 100,
      is_complete: true,
    });
    expect(
      (await fetch(`${url}/sessions/batch-status/b_00000000`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(404);
  });

  it.each([
    ['/batches', '/batches'],
    ["the web page's route", '/sessions/batch-upload/?company_id=acme&user_id=7'],
  ])('records nothing when the client disconnects half way through an upload to %s', async (_name, path) => {
    const { url, token } = await start();
    const boundary = 'x-centinela-test';
    const first = readFileSync(join(FIXTURES, 'cfdi40-real.xml'));
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.xml"\r\nContent-Type: text/xml\r\n\r\n`,
    );
    const second = Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="b.xml"\r\nContent-Type: text/xml\r\n\r\n<?xml version="1.0"?>`,
    );
    await new Promise<void>((resolve) => {
      const u = new URL(`${url}${path}`);
      const req = request({
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': 10_000_000,
        },
      });
      req.on('error', () => resolve());
      req.write(Buffer.concat([head, first, second]));
      // The first file is complete and the second half-sent: then the client goes away.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    const incoming = join(dir, 'data/incoming', new Date().toISOString().slice(0, 10));
    // The server notices the cut and removes what it had written.
    await eventually(() => !existsSync(incoming) || readdirSync(incoming).length === 0, 'partial files removed');
    const batches = await new IntakeRecords(service!.store).db.selectFrom('batches').selectAll().execute();
    expect(batches).toHaveLength(0);
    expect(
      await service!.store.db.selectFrom('jobs').select('id').where('queue', '=', 'invoice.process').execute(),
    ).toHaveLength(0);
  });

  const ROUTES = [
    ['/batches', '/batches'],
    ["the web page's route", '/sessions/batch-upload/?company_id=acme&user_id=7'],
  ];
  type Answer = {
    batch_id: string | null;
    files: Array<{ name: string; status: string; reason?: string }>;
    error?: string;
  };

  it.each(ROUTES)(
    "takes 2,000 files in one request to %s (more than the parser's default 1,000 parts)",
    async (_name, path) => {
      const { url, token } = await start({ CENTINELA_INVOICES_CSV_COLUMNS: '{total: total}' });
      const files = Array.from({ length: 2000 }, (_, i) => ({
        name: `f${i}.csv`,
        bytes: Buffer.from(`total\n${i}.00\n`),
      }));
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form('files', files),
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as Answer;
      expect(answer.files.filter((f) => f.status === 'accepted')).toHaveLength(2000);
    },
    120_000,
  );

  it('refuses a request of more than 2,000 files whole, saying the limit, and keeps nothing', async () => {
    const { url, token } = await start();
    const files = Array.from({ length: 2001 }, (_, i) => ({ name: `f${i}.xml`, bytes: Buffer.from(`<a>${i}</a>`) }));
    const res = await fetch(`${url}/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form('files', files),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Answer).error).toBe(
      'more than 2000 files in one request: send them in several requests of at most 2000 files',
    );
    expect(await new IntakeRecords(service!.store).db.selectFrom('batches').selectAll().execute()).toHaveLength(0);
    const incoming = join(dir, 'data/incoming', new Date().toISOString().slice(0, 10));
    expect(!existsSync(incoming) || readdirSync(incoming).length === 0).toBe(true);
  }, 120_000);

  it.each(ROUTES)(
    'refuses only the files over their limit on %s, by name and with the limit, and takes the rest',
    async (_name, path) => {
      const { url, token } = await start({
        CENTINELA_INTAKE_MAX_BYTES_DOCUMENT: '64k',
        CENTINELA_INTAKE_MAX_BYTES_PHOTO: '16k',
      });
      const good = readFileSync(join(FIXTURES, 'cfdi40-real.xml'));
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200_000)]);
      const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(20_000)]);
      const body = form('files', [
        { name: 'big.pdf', bytes: big },
        { name: 'good.xml', bytes: good },
        { name: 'foto.jpg', bytes: photo },
      ]);
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as Answer;
      expect(answer.batch_id).toMatch(/^b_/);
      expect(answer.files.find((f) => f.name === 'good.xml')).toMatchObject({ status: 'accepted' });
      expect(answer.files.find((f) => f.name === 'big.pdf')).toEqual({
        name: 'big.pdf',
        status: 'rejected',
        reason: 'over intake.max_bytes.document (64k): send a smaller file or raise intake.max_bytes.document',
      });
      expect(answer.files.find((f) => f.name === 'foto.jpg')).toMatchObject({
        status: 'rejected',
        reason: expect.stringContaining('over intake.max_bytes.photo (16k)'),
      });
      const incoming = join(dir, 'data/incoming', new Date().toISOString().slice(0, 10));
      expect(readdirSync(incoming).filter((f) => f.endsWith('.part'))).toEqual([]);
    },
  );

  it.each(ROUTES)(
    'answers a malformed multipart body on %s with 400 saying what is wrong, and logs no stack',
    async (_name, path) => {
      const { url, token } = await start();
      const post = (contentType: string, body: string): Promise<Response> =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
          body,
        });
      const broken = await post(
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.xml"\r\n\r\n<a/>',
      );
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as Answer).error).toMatch(
        /^the multipart body is malformed \(.+\): send the files as multipart\/form-data/,
      );
      const noBoundary = await post('multipart/form-data', 'hello');
      expect(noBoundary.status).toBe(400);
      expect(((await noBoundary.json()) as Answer).error).toMatch(/^the multipart body is malformed/);
      const log = join(dir, 'logs/centinela.log');
      await eventually(() => existsSync(log) && readFileSync(log, 'utf8').includes('upload refused'), 'refusal logged');
      const lines = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"component":"upload"') || l.includes('http request failed'));
      expect(lines.filter((l) => l.includes('"level":"ERROR"') || l.includes('stack'))).toEqual([]);
    },
  );

  it('removes at start the upload parts a killed process left, and only those', async () => {
    const base = tempDir('centinela-upload-');
    const day = join(base, 'data/incoming/2026-01-02');
    mkdirSync(day, { recursive: true });
    const dead = spawnSync('true').pid as number; // a process that has ended: its parts are nobody's
    const files = {
      deadWriter: `.upload-${dead}-aaaaaaaaaaaa.part`,
      liveWriter: `.upload-${process.pid}-bbbbbbbbbbbb.part`, // an upload in progress in a process still running
      oldUnnamed: '.upload-cccccccccccc.part', // the earlier naming, untouched for two days
      freshUnnamed: '.upload-dddddddddddd.part',
      download: '1767312000000_abc123_factura.pdf.part', // a Telegram download's part: not ours to judge
      stored: '1767312000000_abc123_factura.xml',
    };
    for (const name of Object.values(files)) writeFileSync(join(day, name), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    utimesSync(join(day, files.oldUnnamed), twoDaysAgo, twoDaysAgo);
    service = await startService({
      cwd: base,
      env: { CENTINELA_HTTP_PORT: '0', CENTINELA_LOG_STDOUT: 'false', CENTINELA_API_TOKEN: 'test-token-0123456789' },
    });
    expect(readdirSync(day).sort()).toEqual(
      [files.download, files.stored, files.liveWriter, files.freshUnnamed].sort(),
    );
  });
});

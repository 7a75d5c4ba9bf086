// HTTP batch upload on the control API (bearer token): POST /batches answers at once with the batch id and each
// file accepted or rejected with its reason; processing goes on whatever the client does. The files are
// written to disk first and the batch is recorded in one transaction at the end, so an upload cut off half way
// leaves no half-recorded batch. Also the routes our users' existing web page calls (/sessions/...).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../core/config.ts';
import { formatSizeSetting } from '../../core/format.ts';
import type { Logger } from '../../core/log.ts';
import type { Queue } from '../../core/queue/index.ts';
import { incomingDir, incomingFileName, safeName } from '../intake/index.ts';
import type { Followers, IntakeRecords } from '../intake/index.ts';
import { INVOICE_FILE_NAME, invoiceKindOf, recordInvoiceFiles } from './record.ts';
import { cleanStaleUploads, uploadPartName } from './upload-parts.ts';
import { MAX_FIELDS_PER_REQUEST, MAX_FILES_PER_REQUEST, UploadRefused, uploadError } from './upload-errors.ts';

export interface BatchReport {
  batch_id: string;
  /** Files: each counts once in completed, failed, review, duplicates or pending. */
  total: number;
  completed: number;
  failed: number;
  review: number;
  duplicates: number;
  pending: number;
  progress_percentage: number;
  is_complete: boolean;
  /** Invoices: a CSV counts once per row. */
  invoices: { ok: number; review: number; duplicate: number; error: number };
  /** Model tokens the batch used, priced with invoices.price_per_million_tokens; amount is a decimal string. */
  cost: { input_tokens: number; output_tokens: number; amount: string; currency: string };
  /** Files finished per minute lately, and the seconds left at that pace (null until a file has finished). */
  rate_per_minute: number | null;
  eta_seconds: number | null;
  files: Array<{
    file_id: number;
    name: string | null;
    status: string;
    reason: string | null;
    invoice_id: number | null;
    /** A CSV's rows: line number, outcome (ok, review, duplicate, error), why, and the invoice. */
    rows?: Array<{ row: number; status: string; reason: string | null; invoice_id: number | null }>;
  }>;
}

export interface UploadDeps {
  config: Config;
  intakeRecords: IntakeRecords;
  queue: Queue;
  /** The pipelines registered with the intake: the invoice one takes the uploaded files. */
  followers: Followers;
  report(batchId: string): Promise<BatchReport | null>;
  log: Logger;
}

interface Received {
  temp: string;
  fileName: string;
  mimeType: string | null;
  size: number;
  sha256: string;
}

/** The per-file limit of a file by its name: intake.max_bytes.photo for photos, .document for the rest. */
function limitOf(config: Config, name: string): { setting: string; bytes: number } {
  const kind = invoiceKindOf(name);
  return { setting: `intake.max_bytes.${kind}`, bytes: config.intake.max_bytes[kind] };
}

/** The multipart limits of an upload request (@fastify/multipart's `limits`). */
export function uploadLimits(config: Config) {
  const { document, photo } = config.intake.max_bytes;
  // busboy cuts a file at the larger limit; each file is then held to its own kind's limit (limitOf).
  const fileSize = Math.max(document, photo);
  // busboy's own default of 1,000 parts would otherwise refuse a request before our limits apply.
  return {
    fileSize,
    files: MAX_FILES_PER_REQUEST,
    fields: MAX_FIELDS_PER_REQUEST,
    parts: MAX_FILES_PER_REQUEST + MAX_FIELDS_PER_REQUEST,
  };
}

/** Takes one multipart upload as a batch (the web page's, with the person's name as the `user` tag). */
export function receiveUpload(d: UploadDeps, req: FastifyRequest, user: string): ReturnType<typeof upload> {
  return upload(d, req, { only: null, tags: ['company'], extra: { user } });
}

export function uploadRoutes(d: UploadDeps): (app: FastifyInstance) => void {
  const limits = uploadLimits(d.config);
  return (app) => {
    void app.register(async (scope) => {
      await cleanStaleUploads(d.config.paths.data, d.log);
      // throwFileSizeLimit false: one file over the limit is refused by name, the others are taken.
      await scope.register(multipart, { limits, throwFileSizeLimit: false });
      scope.post('/batches', async (req) => upload(d, req, { only: null, tags: ['company', 'user'] }));
      scope.post<{ Querystring: { company_id?: string; user_id?: string } }>('/sessions/batch-upload/', async (req) => {
        return upload(d, req, {
          only: 'files',
          tags: [],
          extra: { company: req.query.company_id, user: req.query.user_id },
        });
      });
      scope.get<{ Params: { id: string } }>('/batches/:id', async (req, reply) => {
        const report = await d.report(req.params.id);
        return report ?? reply.code(404).send({ error: `no batch ${req.params.id}` });
      });
      scope.get<{ Params: { id: string } }>('/sessions/batch-status/:id', async (req, reply) => {
        const r = await d.report(req.params.id);
        if (!r) return reply.code(404).send({ error: `no batch ${req.params.id}` });
        return {
          batch_id: r.batch_id,
          total_sessions: r.total,
          completed: r.completed + r.duplicates + r.review,
          failed: r.failed,
          pending: r.pending,
          progress_percentage: r.progress_percentage,
          is_complete: r.is_complete,
        };
      });
    });
  };
}

async function upload(
  d: UploadDeps,
  req: FastifyRequest,
  o: { only: string | null; tags: string[]; extra?: Record<string, string | undefined> },
): Promise<{
  batch_id: string | null;
  files: Array<{ name: string; status: 'accepted' | 'rejected'; reason?: string; file_id?: number }>;
}> {
  if (!req.isMultipart()) throw new UploadRefused(415, 'send the files as multipart/form-data');
  const dir = incomingDir(d.config.paths.data);
  await mkdir(dir, { recursive: true });
  const received: Received[] = [];
  const rejected: Array<{ name: string; status: 'rejected'; reason: string }> = [];
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.extra ?? {})) if (v) tags[k] = v;
  let current: string | null = null; // the file being written, not yet in `received`
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (o.tags.includes(part.fieldname)) tags[part.fieldname] = String(part.value).slice(0, 200);
        continue;
      }
      const name = safeName(part.filename || 'file');
      if (o.only && part.fieldname !== o.only) {
        part.file.resume();
        rejected.push({ name, status: 'rejected', reason: `files go in the field "${o.only}"` });
        continue;
      }
      if (!INVOICE_FILE_NAME.test(name)) {
        part.file.resume();
        rejected.push({
          name,
          status: 'rejected',
          reason: `unsupported file type ${extname(name) || '(none)'}: send PDF, XML, CSV or a JPEG/PNG/WebP photo`,
        });
        continue;
      }
      const temp = join(dir, uploadPartName());
      current = temp;
      const hash = createHash('sha256');
      const limit = limitOf(d.config, name);
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > limit.bytes) return done(); // over its limit: read to its end, keep nothing more
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(part.file, tap, createWriteStream(temp));
      if (part.file.truncated || size > limit.bytes) {
        await rm(temp, { force: true });
        rejected.push({
          name,
          status: 'rejected',
          reason: `over ${limit.setting} (${formatSizeSetting(limit.bytes)}): send a smaller file or raise ${limit.setting}`,
        });
      } else if (size === 0) {
        await rm(temp, { force: true });
        rejected.push({ name, status: 'rejected', reason: 'the file is empty' });
      } else {
        received.push({ temp, fileName: name, mimeType: part.mimetype || null, size, sha256: hash.digest('hex') });
      }
      current = null;
    }
  } catch (caught) {
    // The client went away, sent a broken body or too many parts: nothing of this upload is kept or recorded.
    await Promise.all(
      [...received.map((r) => r.temp), ...(current ? [current] : [])].map((path) => rm(path, { force: true })),
    );
    const err = uploadError(caught);
    if (err instanceof UploadRefused)
      d.log.warn(
        { status: err.statusCode, reason: err.message, files: received.length },
        'upload refused: nothing recorded',
      );
    else d.log.error({ err, files: received.length }, 'upload failed: nothing recorded');
    throw err;
  }
  if (received.length === 0) return { batch_id: null, files: rejected };

  const finals = received.map((r) => ({ ...r, path: join(dir, incomingFileName(r.fileName)) }));
  for (const f of finals) await rename(f.temp, f.path);
  const recorded = await recordInvoiceFiles(
    d.intakeRecords,
    d.queue,
    d.followers,
    'http',
    tags,
    finals.map((f) => ({ fileName: f.fileName, mimeType: f.mimeType, size: f.size, path: f.path, sha256: f.sha256 })),
  );
  d.log.info(
    { batch: recorded.batch.id, accepted: recorded.files.length, rejected: rejected.length, tags },
    'upload recorded',
  );
  return {
    batch_id: recorded.batch.id,
    files: [
      ...recorded.files.map((f) => ({ name: f.file_name ?? '', status: 'accepted' as const, file_id: f.id })),
      ...rejected,
    ],
  };
}

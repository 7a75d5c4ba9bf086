// A backup is a folder: manifest.json and the files it lists. The manifest says what was backed up, by which
// version, at which schema, and each file's size and sha256, so that a restore can tell a damaged copy before use.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';

export const MANIFEST_NAME = 'manifest.json';

export const manifestSchema = z.object({
  format: z.literal(1),
  created_at: z.iso.datetime(),
  version: z.string(),
  store: z.enum(['sqlite', 'postgres']),
  /** Where the data came from, without credentials. */
  location: z.string(),
  schema: z.object({ version: z.string().nullable(), migrations: z.array(z.string()) }),
  files: z.array(z.object({ name: z.string().regex(/^[\w.-]+$/), size: z.number().int().min(0), sha256: z.string() })),
});
export type Manifest = z.infer<typeof manifestSchema>;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

export async function describeFile(path: string): Promise<Manifest['files'][number]> {
  return { name: basename(path), size: (await stat(path)).size, sha256: await sha256File(path) };
}

/** The backup folder and its manifest, from the folder or the manifest's own path; throws a line that says why not. */
export async function readManifest(path: string): Promise<{ dir: string; manifest: Manifest }> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`${path} does not exist: name a backup folder (or its ${MANIFEST_NAME})`);
  const dir = info.isDirectory() ? path : join(path, '..');
  const file = info.isDirectory() ? join(path, MANIFEST_NAME) : path;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} cannot be read as a backup manifest: ${(err as Error).message}`, { cause: err });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${file} is not a Centinela backup manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { dir, manifest: parsed.data };
}

/** Every file of the manifest is there with its size and sha256; else one line naming the first that is not. */
export async function verifyFiles(dir: string, manifest: Manifest): Promise<string | null> {
  for (const f of manifest.files) {
    const path = join(dir, f.name);
    const size = (await stat(path).catch(() => null))?.size;
    if (size === undefined) return `${path} is missing`;
    if (size !== f.size) return `${path} has ${size} bytes, the manifest says ${f.size}`;
    if ((await sha256File(path)) !== f.sha256) return `${path} does not match its sha256 in the manifest`;
  }
  return null;
}

// doctor's Drive lines, when drive.folders is set: the key GOOGLE_APPLICATION_CREDENTIALS names is there and is a
// service_account or authorized_user key, a token is obtained with it (the sync's own auth, at the key's token_uri),
// and each folder in drive.folders can be read (files.get, as a sync starts). The key's secret parts never appear:
// the lines name the key's identity (client_email or OAuth client id) only.
import { pino } from 'pino';
import type { Config, Secrets } from '../core/config.ts';
import type * as SourcesIndex from '../pipeline/sources/index.ts';
import type { DoctorCheck } from './doctor-monitor.ts';

const TIMEOUT_MS = 10_000;

export async function driveChecks(config: Config, secrets: Secrets): Promise<DoctorCheck[]> {
  const { folders } = config.drive;
  if (folders.length === 0) return [];
  // Loaded only when Drive is configured: the sync's code and @googleapis/drive stay out of doctor otherwise.
  const { loadDrive } = await import('../pipeline/sources/index.ts');
  const drive = await loadDrive();
  const credentials = secrets.GOOGLE_APPLICATION_CREDENTIALS;
  let key;
  try {
    key = await drive.readGoogleKey(credentials);
  } catch (err) {
    return [{ ok: false, text: `Drive credentials: ${(err as Error).message}`, fix: fixKey }];
  }
  const who = drive.keyIdentity(key);
  const tokens = new drive.TokenSource(key);
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    await tokens.token(signal);
  } catch (err) {
    return [
      {
        ok: false,
        text: `Drive credentials ${credentials} (${key.type} ${who}): no token from ${key.token_uri}: ${describe(err)}`,
        fix: fixKey,
      },
    ];
  }
  const checks: DoctorCheck[] = [
    { ok: true, text: `Drive credentials ${credentials} (${key.type} ${who}) give a token` },
  ];
  const api = new drive.DriveApi({
    rootUrl: config.drive.api_root,
    tokens,
    requestsPerSecond: 0,
    retryMax: 0, // one try each: doctor reports, the sync retries
    retryBaseMs: config.drive.retry_base_ms,
    log: pino({ level: 'silent' }),
    signal,
  });
  for (const id of folders) checks.push(await folderCheck(drive, api, id, who));
  return checks;
}

type DriveIndex = Awaited<ReturnType<typeof SourcesIndex.loadDrive>>;

async function folderCheck(
  drive: DriveIndex,
  api: InstanceType<DriveIndex['DriveApi']>,
  id: string,
  who: string,
): Promise<DoctorCheck> {
  try {
    const f = await api.getFile(id);
    if (f.mimeType !== drive.FOLDER_MIME)
      return {
        ok: false,
        text: `Drive ${id} (${f.name}) is not a folder`,
        fix: 'drive.folders takes folder ids (the part of the URL after /folders/)',
      };
    if (f.trashed)
      return {
        ok: false,
        text: `Drive folder ${id} (${f.name}) is in the trash`,
        fix: 'restore it in Drive or remove it from drive.folders',
      };
    return { ok: true, text: `Drive folder ${id} (${f.name}) can be read by ${who}` };
  } catch (err) {
    if (err instanceof drive.DriveCallError && err.status === 404)
      return {
        ok: false,
        text: `Drive folder ${id} not found by ${who}`,
        fix: `check the id in drive.folders and share the folder with ${who} (Viewer)`,
      };
    return {
      ok: false,
      text: `Drive folder ${id}: ${describe(err)}`,
      fix: 'check the network, drive.api_root and that the Drive API is enabled for the key',
    };
  }
}

const fixKey =
  "set GOOGLE_APPLICATION_CREDENTIALS to a service account's JSON key (README: Google Drive), readable by this user";

/** The error's own line (the Drive code writes no secret into them), or the network cause. */
function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  return cause ? `${(err as Error).message} (${cause})` : (err as Error).message;
}

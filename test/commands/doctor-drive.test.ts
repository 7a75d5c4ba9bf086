// doctor's Drive lines against the fake Drive: a good key gives a token and each folder in drive.folders is read
// (files.get); a revoked key, a file that is no key and a folder not there or not shared are ✗ with their fix. The
// key's private key never appears in what doctor prints.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveChecks } from '../../src/commands/doctor-drive.ts';
import { configSchema } from '../../src/core/config.ts';
import { startFakeDrive } from '../fakes/drive/index.ts';
import type { FakeDrive } from '../fakes/drive/index.ts';
import { runCli, tempDir } from '../support/service.ts';

describe('centinela doctor: Drive credentials and folders', () => {
  let fake: FakeDrive;
  let dir: string;
  let keyPath: string;
  let root: string;
  const privateKey = (): string => fake.serviceAccountKey.private_key;
  const config = (folders: string[]) =>
    configSchema.parse({ paths: { data: join(dir, 'data') }, drive: { folders, api_root: fake.rootUrl } });

  beforeAll(async () => {
    fake = await startFakeDrive({ pageLatencyMs: 0 });
    dir = tempDir('centinela-doctor-drive-');
    keyPath = join(dir, 'service-account.json');
    writeFileSync(keyPath, JSON.stringify(fake.serviceAccountKey));
    root = fake.addFolder({ name: 'Facturas' });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('a good key: a token, and the folder read by files.get (through `centinela doctor`)', async () => {
    const r = await runCli(['doctor'], {
      cwd: dir,
      env: {
        GOOGLE_APPLICATION_CREDENTIALS: keyPath,
        CENTINELA_DRIVE_FOLDERS: JSON.stringify([root]),
        CENTINELA_DRIVE_API_ROOT: fake.rootUrl,
      },
    });
    const email = fake.serviceAccountKey.client_email;
    expect(r.stdout).toContain(`✓ Drive credentials ${keyPath} (service_account ${email}) give a token\n`);
    expect(r.stdout).toContain(`✓ Drive folder ${root} (Facturas) can be read by ${email}\n`);
    expect(fake.requests.some((q) => q.path === `/drive/v3/files/${root}` && q.status === 200)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(privateKey().split('\n')[1]);
  }, 60_000);

  it('an authorized_user key (a refresh token) works too', async () => {
    const userKey = join(dir, 'authorized-user.json');
    writeFileSync(userKey, JSON.stringify(fake.authorizedUser));
    const checks = await driveChecks(config([root]), { GOOGLE_APPLICATION_CREDENTIALS: userKey });
    expect(checks.map((c) => [c.ok, c.text])).toEqual([
      [
        true,
        `Drive credentials ${userKey} (authorized_user OAuth client ${fake.authorizedUser.client_id}) give a token`,
      ],
      [true, `Drive folder ${root} (Facturas) can be read by OAuth client ${fake.authorizedUser.client_id}`],
    ]);
  });

  it('a folder not there, one not shared and a file id are each ✗; the others still read', async () => {
    const hidden = fake.addFolder({ name: 'Privada' });
    fake.unshare(hidden);
    const file = fake.addFile({ name: 'a.pdf', parent: root, content: '%PDF-1.4' });
    const checks = await driveChecks(config([root, '1NoSuchFolderAtAll', hidden, file]), {
      GOOGLE_APPLICATION_CREDENTIALS: keyPath,
    });
    const email = fake.serviceAccountKey.client_email;
    expect(checks.map((c) => `${c.ok ? '✓' : c.optional ? '!' : '✗'} ${c.text}`)).toEqual([
      `✓ Drive credentials ${keyPath} (service_account ${email}) give a token`,
      `✓ Drive folder ${root} (Facturas) can be read by ${email}`,
      `✗ Drive folder 1NoSuchFolderAtAll not found by ${email}`,
      `✗ Drive folder ${hidden} not found by ${email}`,
      `✗ Drive ${file} (a.pdf) is not a folder`,
    ]);
    expect(checks[2]?.fix).toBe(`check the id in drive.folders and share the folder with ${email} (Viewer)`);
  });

  it('a key that is no key, a missing file and a revoked key are ✗ and say what to do; no secret shown', async () => {
    const notKey = join(dir, 'not-a-key.json');
    writeFileSync(notKey, JSON.stringify({ type: 'service_account', client_email: 'x@y' }));
    const [bad] = await driveChecks(config([root]), { GOOGLE_APPLICATION_CREDENTIALS: notKey });
    expect(bad?.ok).toBe(false);
    expect(bad?.text).toMatch(
      /^Drive credentials: GOOGLE_APPLICATION_CREDENTIALS is not a service_account or authorized_user key \(private_key\)/,
    );
    const [missing] = await driveChecks(config([root]), { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'nope.json') });
    expect(missing?.text).toMatch(/^Drive credentials: cannot read GOOGLE_APPLICATION_CREDENTIALS \(ENOENT\)/);
    const [unset] = await driveChecks(config([root]), {});
    expect(unset?.text).toMatch(/^Drive credentials: no Drive credentials/);

    fake.revokeKeys();
    const checks = await driveChecks(config([root]), { GOOGLE_APPLICATION_CREDENTIALS: keyPath });
    expect(checks).toHaveLength(1); // no folder is tried without a token
    expect(checks[0]?.ok).toBe(false);
    expect(checks[0]?.text).toContain(
      `no token from ${fake.serviceAccountKey.token_uri}: Google refused the credentials`,
    );
    expect(checks[0]?.fix).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
    const shown = JSON.stringify([bad, missing, unset, checks]);
    expect(shown).not.toContain(privateKey().split('\n')[1]);
    expect(shown).not.toContain(fake.authorizedUser.refresh_token);
  });

  it('without drive.folders there is no Drive line', async () => {
    expect(await driveChecks(config([]), { GOOGLE_APPLICATION_CREDENTIALS: keyPath })).toEqual([]);
  });
});

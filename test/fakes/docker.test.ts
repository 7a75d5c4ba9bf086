// The fake Docker Engine API (test/fakes/docker), driven by dockerode itself over the unix socket: the shapes,
// the multiplexed log stream, the event stream, the scenarios and the faults.
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDocker } from './docker/index.ts';
import type { FakeDocker, FakeDockerOptions } from './docker/index.ts';
import { eventually } from '../support/stores.ts';

const fakes: FakeDocker[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function start(options?: FakeDockerOptions): Promise<{ fake: FakeDocker; docker: Docker }> {
  const fake = await startFakeDocker(options);
  fakes.push(fake);
  return { fake, docker: new Docker({ socketPath: fake.socketPath }) };
}

/** Reads a followed stream until `until` says enough (or it ends), then closes it. */
async function collect(stream: NodeJS.ReadableStream, until: (text: string) => boolean): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (until(text)) break;
  }
  return text;
}

interface WireEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  timeNano: number;
}

function parseEvents(text: string): WireEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as WireEvent);
}

describe('fake Docker Engine API, through dockerode', () => {
  it('answers /_ping and /version like the Engine, with the API version header', async () => {
    const { fake, docker } = await start({ apiVersion: '1.51' });
    expect(String(await docker.ping())).toBe('OK');
    const version = await docker.version();
    expect(version.ApiVersion).toBe('1.51');
    expect(version.Os).toBe('linux');
    expect(fake.requests.map((r) => r.route)).toEqual(['ping', 'version']);
  });

  it('lists running containers (all=true adds stopped ones), filters by name, and inspects by name or id prefix', async () => {
    const { fake, docker } = await start();
    const webId = fake.add({ name: 'web', image: 'nginx:1.27', healthcheck: true, labels: { team: 'ops' } });
    fake.add({ name: 'worker', state: 'exited' });

    const running = await docker.listContainers();
    expect(running.map((c) => c.Names)).toEqual([['/web']]);
    expect(running[0]).toMatchObject({ Id: webId, Image: 'nginx:1.27', State: 'running', Labels: { team: 'ops' } });
    expect(running[0]?.Status).toMatch(/^Up \d+ seconds \(health: starting\)$/);
    const all = await docker.listContainers({ all: true });
    expect(all.map((c) => c.Names[0]).sort()).toEqual(['/web', '/worker']);
    expect(all.find((c) => c.Names[0] === '/worker')?.Status).toMatch(/^Exited \(0\) \d+ seconds ago$/);
    const named = await docker.listContainers({ all: true, filters: { name: ['work'] } });
    expect(named.map((c) => c.Names[0])).toEqual(['/worker']);

    const byName = await docker.getContainer('web').inspect();
    const byPrefix = await docker.getContainer(webId.slice(0, 12)).inspect();
    expect(byPrefix.Id).toBe(byName.Id);
    expect(byName).toMatchObject({ Name: '/web', RestartCount: 0, Config: { Tty: false, Image: 'nginx:1.27' } });
    expect(byName.State).toMatchObject({
      Status: 'running',
      Running: true,
      Restarting: false,
      OOMKilled: false,
      ExitCode: 0,
    });
    expect(byName.State.Health?.Status).toBe('starting');
    expect(Date.parse(byName.State.StartedAt)).toBeGreaterThan(Date.now() - 60_000);

    const missing = await docker
      .getContainer('nope')
      .inspect()
      .catch((e: unknown) => e as { statusCode?: number; message: string });
    expect(missing).toMatchObject({ statusCode: 404 });
    expect((missing as Error).message).toContain('No such container: nope');
  });

  it('restarts a container: 204, RestartCount untouched (that counts policy restarts), kill → die → stop → start → restart events', async () => {
    const { fake, docker } = await start();
    fake.add({ name: 'api' });
    const events = await docker.getEvents({ filters: { container: ['api'] } });
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    await docker.getContainer('api').restart();
    const text = await collect(events, (t) => t.includes('"restart"'));
    const actions = parseEvents(text).map((e) => e.Action);
    expect(actions).toEqual(['kill', 'die', 'stop', 'start', 'restart']);
    expect(parseEvents(text)[0]?.Actor.Attributes).toMatchObject({ name: 'api', signal: '15' });
    expect(fake.restarts).toEqual(['api']);
    const after = await docker.getContainer('api').inspect();
    expect(after.State.Running).toBe(true);
    expect(after.RestartCount).toBe(0);
  });

  it('serves logs as a multiplexed stream that dockerode demultiplexes, with RFC3339Nano stamps, since and tail', async () => {
    const { fake, docker } = await start();
    fake.add({ name: 'app' });
    fake.log('app', 'first\nsecond');
    fake.log('app', 'oops', 'stderr');
    fake.log('app', 'third');

    const raw = await docker.getContainer('app').logs({ stdout: true, stderr: true, timestamps: true, follow: false });
    // Frame by frame: [1|2, 0, 0, 0, size u32 BE] + payload.
    const frames: Array<{ stream: number; text: string }> = [];
    for (let at = 0; at < raw.length; ) {
      const size = raw.readUInt32BE(at + 4);
      frames.push({ stream: raw[at] as number, text: raw.subarray(at + 8, at + 8 + size).toString() });
      at += 8 + size;
    }
    expect(frames.map((f) => f.stream)).toEqual([1, 1, 2, 1]);
    const stamps = frames.map((f) => f.text.split(' ')[0] as string);
    for (const s of stamps) expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/);
    expect(frames.map((f) => f.text.slice(f.text.indexOf(' ') + 1))).toEqual([
      'first\n',
      'second\n',
      'oops\n',
      'third\n',
    ]);

    // since = the third line's stamp (inclusive, as Docker's), stdout only: third only.
    const sinceSecond = stamps[2] as string;
    const [sec, frac = ''] = sinceSecond.replace('Z', '').split('.');
    const since = `${Date.parse(`${sec}Z`) / 1000}.${frac.padEnd(9, '0')}`;
    const later = await docker.getContainer('app').logs({ stdout: true, stderr: false, since, follow: false });
    expect(later.subarray(8).toString()).toBe('third\n');
    const tail = await docker.getContainer('app').logs({ stdout: true, stderr: true, tail: 1, follow: false });
    expect(tail.subarray(8).toString()).toBe('third\n');

    // Followed: dockerode's demuxStream splits stdout and stderr; the stream ends when the container dies.
    const stream = await docker.getContainer('app').logs({ stdout: true, stderr: true, follow: true, tail: 0 });
    const out = new PassThrough();
    const err = new PassThrough();
    let outText = '';
    let errText = '';
    out.on('data', (d: Buffer) => (outText += d.toString()));
    err.on('data', (d: Buffer) => (errText += d.toString()));
    docker.modem.demuxStream(stream, out, err);
    const ended = new Promise<void>((resolve) => stream.on('end', () => resolve()));
    await eventually(() => fake.openStreams('logs') === 1, 'the log stream is open');
    fake.log('app', 'live out');
    fake.log('app', 'live err', 'stderr');
    await eventually(() => outText === 'live out\n' && errText === 'live err\n', 'live lines demultiplexed');
    fake.exit('app', 2);
    await ended;
    expect(fake.openStreams('logs')).toBe(0);

    const missing = await docker
      .getContainer('ghost')
      .logs({ stdout: true })
      .catch((e: unknown) => e as { statusCode?: number });
    expect(missing).toMatchObject({ statusCode: 404 });
    const noStream = await docker
      .getContainer('app')
      .logs({ stdout: false, stderr: false })
      .catch((e: unknown) => e as { statusCode?: number });
    expect(noStream).toMatchObject({ statusCode: 400 });
  });

  it("serves a TTY container's log raw, without frame headers", async () => {
    const { fake, docker } = await start();
    fake.add({ name: 'tty', tty: true });
    fake.log('tty', 'plain line');
    const raw = await docker.getContainer('tty').logs({ stdout: true, stderr: true });
    expect(raw.toString()).toBe('plain line\n');
  });

  it('streams events as JSON lines in the v1.52 shape, replays from since, stops at until, filters by event', async () => {
    const { fake, docker } = await start();
    const from = Math.floor(Date.now() / 1000);
    fake.add({ name: 'db', healthcheck: true });
    fake.exit('db', 3);

    const replay = await docker.getEvents({
      since: from,
      until: Math.floor(Date.now() / 1000) + 1,
      filters: { event: ['die'] },
    });
    const replayed = parseEvents(await collect(replay, () => false)); // ends by itself at `until`
    expect(replayed).toHaveLength(1);
    const die = replayed[0] as WireEvent;
    expect(die).toMatchObject({
      Type: 'container',
      Action: 'die',
      scope: 'local',
      Actor: { Attributes: { name: 'db', exitCode: '3', image: 'busybox:latest' } },
    });
    expect(die.time).toBe(Math.floor(die.timeNano / 1e9));
    expect(Object.keys(die)).not.toContain('status'); // removed in API v1.52

    const live = await docker.getEvents({
      filters: { container: ['db'], event: ['start', 'die', 'oom', 'health_status'] },
    });
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    fake.start('db');
    fake.setHealth('db', 'unhealthy');
    fake.oom('db');
    const text = await collect(live, (t) => t.split('\n').filter(Boolean).length >= 4);
    expect(parseEvents(text).map((e) => e.Action)).toEqual(['start', 'health_status: unhealthy', 'oom', 'die']);
    const inspected = await docker.getContainer('db').inspect();
    expect(inspected.State).toMatchObject({ Status: 'exited', ExitCode: 137, OOMKilled: true });
  });

  it('crash-loops: die/start pairs with a growing RestartCount, ending in restarting', async () => {
    const { fake, docker } = await start();
    const since = Math.floor(Date.now() / 1000);
    fake.add({ name: 'loop', restartPolicy: 'always' });
    fake.crashLoop('loop', 3);
    const info = await docker.getContainer('loop').inspect();
    expect(info.RestartCount).toBe(3);
    expect(info.State).toMatchObject({ Status: 'restarting', Restarting: true, Running: false });
    expect(info.HostConfig.RestartPolicy?.Name).toBe('always');
    const events = await docker.getEvents({
      since,
      until: Math.floor(Date.now() / 1000) + 1,
      filters: { event: ['die', 'start'] },
    });
    const actions = parseEvents(await collect(events, () => false)).map((e) => e.Action);
    expect(actions).toEqual(['start', 'die', 'start', 'die', 'start', 'die', 'start', 'die']);
  });

  it('injects faults, and goes away and comes back on the same socket', async () => {
    const { fake, docker } = await start();
    fake.add({ name: 'web' });
    fake.fail('inspect', { status: 500, message: 'boom' });
    const failed = await docker
      .getContainer('web')
      .inspect()
      .catch((e: unknown) => e as { statusCode?: number; message: string });
    expect(failed).toMatchObject({ statusCode: 500 });
    expect((await docker.getContainer('web').inspect()).State.Running).toBe(true);

    const events = await docker.getEvents();
    await eventually(() => fake.openStreams('events') === 1, 'the event stream is open');
    const broken = collect(events, () => false).then(
      () => 'ended',
      () => 'error',
    );
    await fake.offline(true);
    expect(['ended', 'error']).toContain(await broken);
    const down = await docker.ping().catch((e: unknown) => e as NodeJS.ErrnoException);
    expect(['ENOENT', 'ECONNREFUSED']).toContain((down as NodeJS.ErrnoException).code);
    await fake.offline(false);
    expect(String(await docker.ping())).toBe('OK');
  });
});

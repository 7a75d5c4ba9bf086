// A fake Docker Engine API over a unix socket, for tests: `startFakeDocker()`, then
// `new Docker({ socketPath: fake.socketPath })` (dockerode) or the monitor's openDocker(fake.socketPath).
export { startFakeDocker } from './fake.ts';
export { rfc3339Nano, parseTimeParam } from './time.ts';
export type {
  FakeContainerSpec,
  FakeDocker,
  FakeDockerOptions,
  FakeDockerRequest,
  FakeFault,
  FakeHealth,
  FakeRoute,
} from './types.ts';

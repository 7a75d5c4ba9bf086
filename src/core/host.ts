// The name this process gives its host in worker ids, heartbeats and leases. CENTINELA_HOST_NAME overrides the
// machine's: containers get random host names at each start (a stable one keeps "this host's dead processes"
// meaningful), and a test runs processes as if on several machines.
import { hostname } from 'node:os';

export function hostName(): string {
  const given = process.env.CENTINELA_HOST_NAME?.trim();
  // Worker ids are host:pid:nonce, read back by splitting at ':'.
  return (given ? given : hostname()).replaceAll(':', '-');
}

// Whether a process of this machine still runs: what tells a crashed process's leftovers (parts, claims, leases) from
// a live one's.
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false; // kill(0) and kill(-1) would signal a group
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process, but alive
  }
}

// Start-up allocates far more than the service keeps: every module's source, parse and compile work, the store's
// migrations. Most of it survives into the old generation, where V8 would collect it only after some idle minutes
// (its memory reducer). One full, compacting collection at the end of start-up returns it at once: ~10 MB of RSS.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'major'; flavor: 'last-resort' }) => void;

export function collectStartUpGarbage(): void {
  // --expose-gc gives `gc` to contexts created while it is set: to this throwaway one only, not to the service's.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc;
  setFlagsFromString('--no-expose-gc');
  // last-resort: V8's most thorough collection (several passes, compaction, unused pages given back).
  gc({ type: 'major', flavor: 'last-resort' });
}

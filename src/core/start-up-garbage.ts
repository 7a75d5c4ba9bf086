// Start-up allocates far more than the service keeps: every module's source, parse and compile work, the store's
// migrations. V8 grows its young generation to 2 × 16 MB for it and promotes much of it to the old one, and an idle
// service keeps both until V8's idle-time reducer gets to them, minutes later. One full, compacting collection at
// the end of start-up gives them back at once: ~35 MB of idle RSS (about 152 → 117 MB).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'major'; flavor: 'last-resort' }) => void;

export function collectStartUpGarbage(): void {
  // --expose-gc gives `gc` to contexts created while it is set: to this throwaway one only, not to the service's.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc;
  setFlagsFromString('--no-expose-gc');
  // last-resort: V8's most thorough collection (several passes, compaction, the young generation shrunk to its
  // first size, unused pages given back).
  gc({ type: 'major', flavor: 'last-resort' });
}

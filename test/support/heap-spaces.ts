// Preloaded with `node --import` by test/cli/startup.test.ts: writes, at exit, the size of each V8 heap space
// (JSON, bytes by space name) to the file named by HEAP_SPACES_FILE.
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

process.on('exit', () => {
  const sizes = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  writeFileSync(process.env.HEAP_SPACES_FILE as string, JSON.stringify(sizes));
});

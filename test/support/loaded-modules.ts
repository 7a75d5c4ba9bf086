// Preloaded with `node --import` by test/cli/startup.test.ts: writes, at exit, every module the process loaded
// (one URL a line) to the file named by LOADED_MODULES_FILE.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const seen: string[] = [];
registerHooks({
  load(url, context, next) {
    seen.push(url);
    return next(url, context);
  },
});
process.on('exit', () => appendFileSync(process.env.LOADED_MODULES_FILE as string, `${seen.join('\n')}\n`));

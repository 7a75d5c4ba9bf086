#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --v8-pool-size=1
// --v8-pool-size=1: one V8 helper thread instead of one per core; each thread's malloc arena costs an idle
// service ~5 MB of RSS, and this I/O-bound service gains nothing from parallel GC and compilation.
// MALLOC_ARENA_MAX=2: the libuv pool's threads (file reads, the log tailer) would otherwise each get their own
// glibc arena, another ~6 MB of idle RSS.
// The `centinela` command. The sources are TypeScript run by Node's type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `centinela needs Node.js >= 22.18 (this is ${process.version}). ` +
      'Run it through npm (`npm start`, `npx centinela`), which uses the Node 22 installed in node_modules, or install Node 22.\n',
  );
  process.exit(78);
}
// node:sqlite prints an ExperimentalWarning on every start in Node 22; it is stable enough for us and the
// line would only confuse operators. Every other warning still prints.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  if (String(warning).startsWith('SQLite is an experimental feature')) return;
  return emitWarning.call(process, warning, ...rest);
};
await import('../src/cli.ts');

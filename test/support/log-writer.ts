// A log writer in its own process for the tailer's rotation test: writes numbered lines to <dir>/app.log at a
// given rate, in bursts of varied size, and rotates the file itself between two writes (so the rotation loses
// nothing on the writer's side), by rename (logrotate's default) or by copy-truncate. Options come as JSON in
// LOG_WRITER; it prints `done <lines>` when finished.
import {
  closeSync,
  copyFileSync,
  existsSync,
  ftruncateSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

const options = z
  .object({
    dir: z.string().min(1),
    mode: z.enum(['rename', 'copytruncate']),
    lines: z.number().int().min(1),
    rotations: z.number().int().min(0),
    /** Rotated files kept (app.log.1 … app.log.<keep>); the oldest is deleted, as logrotate does. */
    keep: z.number().int().min(1),
    /**
     * A busy service's pace, not a disk's: any tailer must see a file at least once before it is rotated out of
     * the paths it watches, so rotations many times a second would test the poll interval, not the tailer.
     */
    linesPerSecond: z.number().int().min(1),
  })
  .parse(JSON.parse(process.env.LOG_WRITER ?? '{}'));

const file = join(options.dir, 'app.log');
const rotated = (k: number): string => `${file}.${k}`;
const every = Math.floor(options.lines / (options.rotations + 1));

/** Varied lengths, some longer than the 1 KiB fingerprint, none with a newline inside. */
function lineText(n: number): string {
  return `${String(n).padStart(7, '0')} INFO worker ${'abcdefghij'.repeat(n % 7 === 0 ? 120 : n % 13)}`;
}

/** logrotate's shift: app.log.k → app.log.k+1, the oldest deleted. */
function shift(): void {
  if (existsSync(rotated(options.keep))) unlinkSync(rotated(options.keep));
  for (let k = options.keep - 1; k >= 1; k--) if (existsSync(rotated(k))) renameSync(rotated(k), rotated(k + 1));
}

const started = performance.now();
let fd = openSync(file, 'a');
let n = 1;
let rotations = 0;
let sinceRotation = 0;
while (n <= options.lines) {
  const burst = Math.min(1 + ((n * 7919) % 400), options.lines - n + 1);
  let text = '';
  for (let i = 0; i < burst; i++) text += `${lineText(n++)}\n`;
  writeSync(fd, text);
  sinceRotation += burst;
  if (rotations < options.rotations && sinceRotation >= every) {
    rotations++;
    sinceRotation = 0;
    shift();
    if (options.mode === 'rename') {
      renameSync(file, rotated(1));
      // The writer has not noticed yet: a few more lines go to the old, renamed file.
      let late = '';
      for (let i = 0; i < 5 && n <= options.lines; i++) late += `${lineText(n++)}\n`;
      if (late) writeSync(fd, late);
      closeSync(fd);
      fd = openSync(file, 'a');
    } else {
      copyFileSync(file, rotated(1));
      ftruncateSync(fd, 0); // opened with O_APPEND: the next write lands at 0
    }
  }
  const ahead = ((n - 1) / options.linesPerSecond) * 1000 - (performance.now() - started);
  if (ahead > 0) await sleep(ahead);
}
closeSync(fd);
process.stdout.write(`done ${n - 1}\n`);

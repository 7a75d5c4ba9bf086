// Reads a PDF's text in a worker thread with a time limit (invoices.pdf_timeout_seconds): PDF.js on a bogus 45 MB
// file runs for seconds, and on the main thread that froze /healthz, the API, the inbox and the monitor. The worker
// starts with the first PDF and ends after IDLE_MS without one, so an idle service carries no PDF.js; a PDF that
// runs out of time ends the worker (the next PDF starts a fresh one). One PDF at a time; the others wait their turn
// and their time limit starts when their turn does.
import { Worker } from 'node:worker_threads';
import { z } from 'zod';

const IDLE_MS = 10_000;
const HEAP_MB = 512;
const WORKER_URL = new URL('./pdf-worker.ts', import.meta.url);

const answer = z.union([z.object({ pages: z.array(z.string()) }), z.object({ error: z.string() })]);

/** PDF.js did not finish within the time limit: the worker was ended. */
export class PdfTimeout extends Error {
  constructor(seconds: number) {
    super(
      `reading the PDF took longer than invoices.pdf_timeout_seconds (${seconds} s) and was stopped: the file may be damaged or built to stall readers; check it and send it again, or raise invoices.pdf_timeout_seconds if it is a genuine, very large PDF`,
    );
    this.name = 'PdfTimeout';
  }
}

interface Turn {
  bytes: Uint8Array;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  resolve(pages: string[]): void;
  reject(err: Error): void;
}

let worker: Worker | null = null;
let idle: NodeJS.Timeout | null = null;
const turns: Turn[] = [];
let running = false;

/** The pages' text, or a rejection: PdfTimeout, the signal's reason, or PDF.js's own error message. */
export function readPdfPages(bytes: Uint8Array, timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    turns.push({ bytes, timeoutMs, signal, resolve, reject });
    void next();
  });
}

/** Whether a PDF worker is running now (for tests of idle memory). */
export function pdfWorkerRunning(): boolean {
  return worker !== null;
}

async function next(): Promise<void> {
  if (running) return;
  const turn = turns.shift();
  if (!turn) return;
  running = true;
  try {
    turn.signal?.throwIfAborted();
    turn.resolve(await readOne(turn));
  } catch (err) {
    turn.reject(err instanceof Error ? err : new Error(String(err)));
  } finally {
    running = false;
    if (turns.length > 0) void next();
    else endWhenIdle();
  }
}

function readOne(turn: Turn): Promise<string[]> {
  if (idle) clearTimeout(idle);
  const w = (worker ??= startWorker());
  w.ref(); // while a PDF is read, the process waits for it (the CLI's `extract` too)
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      turn.signal?.removeEventListener('abort', onAbort);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const stop = (err: Error): void => {
      done();
      endWorker();
      reject(err);
    };
    const onMessage = (message: unknown): void => {
      done();
      const a = answer.safeParse(message);
      if (!a.success) reject(new Error('the PDF reader gave an answer of the wrong shape'));
      else if ('error' in a.data) reject(new Error(a.data.error));
      else resolve(a.data.pages);
    };
    const onError = (err: Error): void => stop(err);
    const onExit = (code: number): void => stop(new Error(`the PDF reader stopped (exit ${code})`));
    const onAbort = (): void => stop(turn.signal?.reason instanceof Error ? turn.signal.reason : new Error('aborted'));
    const timer = setTimeout(() => stop(new PdfTimeout(Math.round(turn.timeoutMs / 100) / 10)), turn.timeoutMs);
    turn.signal?.addEventListener('abort', onAbort, { once: true });
    w.on('message', onMessage);
    w.once('error', onError);
    w.once('exit', onExit);
    // A copy, handed over without another: PDF.js may detach what it is given, and the caller keeps its bytes.
    const copy = new Uint8Array(turn.bytes);
    w.postMessage({ bytes: copy }, [copy.buffer]);
  });
}

function startWorker(): Worker {
  // A heap limit too: a PDF built to exhaust memory ends the reader (and is refused), not the service.
  const w = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
  w.unref();
  w.on('error', () => {}); // reported to the PDF being read (readOne); between PDFs there is nobody to tell
  w.once('exit', () => {
    if (worker === w) worker = null; // ended by itself: the next PDF starts another
  });
  return w;
}

function endWorker(): void {
  const w = worker;
  worker = null;
  if (idle) clearTimeout(idle);
  idle = null;
  if (w) void w.terminate();
}

function endWhenIdle(): void {
  worker?.unref();
  if (idle) clearTimeout(idle);
  idle = setTimeout(endWorker, IDLE_MS);
  idle.unref();
}

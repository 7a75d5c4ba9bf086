// The worker thread that reads PDFs' text (PDF.js through unpdf), so that a huge or hostile PDF never blocks the
// service's event loop. One request at a time: { bytes } in, { pages } or { error } out. Started and ended by
// pdf-reader.ts, which also holds the time limit.
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';

const request = z.object({ bytes: z.instanceof(Uint8Array) });

parentPort?.on('message', (message: unknown) => {
  void (async () => {
    try {
      const { bytes } = request.parse(message);
      const { extractText } = await import('unpdf');
      const { text } = await extractText(bytes, { mergePages: false });
      parentPort?.postMessage({ pages: text });
    } catch (err) {
      parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  })();
});

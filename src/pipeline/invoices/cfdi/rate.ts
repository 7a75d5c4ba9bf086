// cfdiParseRate: files parsed per second, for benchmarks.

import { readFile } from 'node:fs/promises';
import { parseCfdi } from './parse.ts';

/**
 * Reads `files` once, then parses them round-robin for about `seconds` (default 2) and returns files/s.
 * Files that fail to parse still count: the rate measures the parser, not the fixtures.
 */
export async function cfdiParseRate(files: string[], seconds = 2): Promise<number> {
  if (files.length === 0) throw new Error('cfdiParseRate needs at least one file');
  const contents = await Promise.all(files.map((file) => readFile(file)));
  const budget = seconds * 1000;
  const start = performance.now();
  let parsed = 0;
  while (performance.now() - start < budget) {
    for (const content of contents) {
      try {
        parseCfdi(content);
      } catch {
        // counted anyway
      }
      parsed += 1;
    }
  }
  return parsed / ((performance.now() - start) / 1000);
}

// A file that cannot be processed is quarantined (core/quarantine.ts) with what it is and what went wrong, and
// how `centinela retry` tries it again.
import { quarantineFile } from '../../core/quarantine.ts';

export { quarantineDir } from '../../core/quarantine.ts';

export interface QuarantineInfo {
  fileId: number;
  originalPath: string;
  fileName: string | null;
  sender: string | null;
  sha256: string | null;
  error: string;
}

/** Moves the file into quarantine and writes its meta file; returns the new path. */
export function quarantine(dataDir: string, info: QuarantineInfo, now = new Date()): Promise<string> {
  const retry = `fix the cause (or the file, here), then: centinela retry --invoices ${info.fileId}`;
  return quarantineFile(dataDir, info.originalPath, now, info, { retry });
}

// The content pipeline as the intake's follower for videos: a stored video waits in VIDEO_QUEUE, and a batch of
// videos is done once each video's check has decided (its video job is no longer waiting or running). The batch
// summary words the videos the check refused itself: their creator has the precise reason in a message already.
import type { Config } from '../../core/config.ts';
import { JobRecords } from '../../core/queue/index.ts';
import type { Store } from '../../core/store/index.ts';
import { IntakeRecords, problemLine } from '../intake/index.ts';
import type { FileRow, PipelineFollower } from '../intake/index.ts';
import { contentConfigured } from './module.ts';
import { VIDEO_QUEUE } from './video-queue.ts';
import { REFUSED_PREFIX } from './video-job.ts';

export function videoFollower(config: Config, store: Store): PipelineFollower {
  const intake = new IntakeRecords(store);
  // Without a channel the content module does not run: its video jobs wait for nobody, and the batch must not.
  const checked = contentConfigured(config);
  return {
    queue: VIDEO_QUEUE,
    async standing(batch) {
      const files = await intake.batchFiles(batch.id);
      const stored = files.filter((f) => f.state === 'stored').map((f) => ({ fileId: f.id }));
      const live =
        checked && stored.length > 0
          ? await new JobRecords(store).of(VIDEO_QUEUE, { payloads: stored, states: ['waiting', 'active'] })
          : [];
      const checking = new Set(live.map((j) => j.payload?.fileId));
      const done = files.filter((f) => f.state !== 'received' && !checking.has(f.id)).length;
      return {
        files,
        done,
        summary: (say) =>
          files.map((f) => problemLine(f, say, refusedByCheck(f) ? say('problem-video-refused') : undefined)).join(''),
      };
    },
  };
}

function refusedByCheck(f: FileRow): boolean {
  return f.state === 'rejected' && (f.error ?? '').startsWith(REFUSED_PREFIX);
}

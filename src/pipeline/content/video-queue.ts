// Stored videos wait in this queue for the content pipeline (the intake's follower for purpose "video").
import { defineQueue } from '../../core/queue/index.ts';
import { fileJobPayload } from '../intake/index.ts';

export const VIDEO_QUEUE = defineQueue({
  name: 'video.process',
  payload: fileJobPayload,
  key: (p) => `video.process:${p.fileId}`,
});

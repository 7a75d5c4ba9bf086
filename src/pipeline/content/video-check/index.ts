// The video check's public face: what the content pipeline calls after a video is stored, and doctor's line.
export { checkVideo } from './check.ts';
export type { VideoCheck, VideoInfo, VideoProblem, VideoSettings } from './check.ts';
export type { PictureInfo } from './probe.ts';
export { quarantineRefusedVideo } from './quarantine.ts';
export type { RefusedVideo } from './quarantine.ts';
export { describeVideoTools } from './tools.ts';
export type { VideoToolsReport } from './tools.ts';

// Captions for the content pipeline: Gemini (@google/genai, loaded on the first caption) in each creator's voice,
// checked for Telegram, or the creator's template. `createCaptionClient(captionSettingsFrom(config), {apiKey})`
// once, then `client.caption(input)` per video.
export { createCaptionClient } from './captioner.ts';
export type { CaptionClient } from './captioner.ts';
export { captionSettingsFrom } from './settings.ts';
export { CAPTION_LIMIT, bannedIn, foldWord } from './checks.ts';
export { fillTemplate } from './template.ts';
export type { TemplateCreator } from './template.ts';
export type { CaptionClientOptions, CaptionCreator, CaptionInput, CaptionResult, CaptionSettings } from './types.ts';
export { PROXY, videoProxyMaker } from './proxy.ts';
export type { ProxyMaker, ProxyOptions, VideoProxy } from './proxy.ts';

// What a caption is asked with and what comes back: the whole face of the caption client for the content pipeline.
import type { Cost, Prices } from '../../../core/token-cost.ts';
import type { ProxyMaker } from './proxy.ts';

/** The creator's voice, as the content settings describe it (content.creators[]). */
export interface CaptionCreator {
  /** Shown in the template's {creator}. */
  name: string;
  /** es | en: the caption's language and the template's date. */
  language: string;
  /** IANA zone of the template's {date}. */
  timezone: string;
  /** Free text: who they are, how they write. */
  persona: string;
  /** Always added to the caption's hashtags. */
  hashtags: readonly string[];
  /** Words a caption must never hold (case and accents do not matter). */
  bannedWords: readonly string[];
  /** The fallback: {creator}, {date}, {text}. */
  captionTemplate: string;
}

export interface CaptionInput {
  /** The video, or a small proxy of it (low resolution, low frame rate) when ffmpeg made one. */
  videoPath: string;
  /** Guessed from the extension when unset (mp4, mov, webm, mkv). */
  mimeType?: string;
  creator: CaptionCreator;
  /** What the creator wrote with the video ('' when nothing). */
  text: string;
  /**
   * The template's {date}: the day the post goes out. Captions are written before the post is planned, so the
   * caller gives the day it asks and fills the template again with the planned day when it keeps the template.
   */
  day: Date;
  /** The last captions the admins approved or edited for this creator, newest first (a few are used). */
  approved: readonly string[];
  /** What captions cost today so far (USD), from the caller's records; at or over the budget: the template. */
  spentToday: number;
}

export interface CaptionResult {
  /** Plain text to publish: the caption, a blank line, the hashtags; at most CAPTION_LIMIT characters. */
  caption: string;
  /** The same, escaped for parse_mode HTML (valid Telegram HTML by construction: no tags, only entities). */
  html: string;
  hashtags: string[];
  /** The creator's template, not Gemini (no key, budget reached, retries spent, an empty or unusable answer). */
  fromTemplate: boolean;
  /** The model that wrote it; null for the template. */
  model: string | null;
  /** Summed over every call for this caption (a re-ask included), and their cost. */
  tokens: { input: number; output: number };
  cost: Cost;
  /** The daily budget was reached: the template was used, and the caller alerts the admins (once a day). */
  budgetReached: boolean;
  /** Gemini's caption was cut at a word after the re-ask to shorten it was still too long. */
  cut: boolean;
  /** Why the template was used or what went wrong on the way, for the log and the post's last error; no secrets. */
  problem?: string;
}

/** The settings of content.gemini, handed over parsed. */
export interface CaptionSettings {
  models: readonly string[];
  /** '' for Google's. */
  baseUrl: string;
  requestsPerMinute: number;
  prices: Prices;
  /** USD a day; 0: no cap. */
  dailyBudget: number;
}

/** What the client needs from outside; tests give a clock and a sleep that do not wait. */
export interface CaptionClientOptions {
  /** GEMINI_API_KEY; unset or '': every caption is the template. */
  apiKey?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How long a file may stay PROCESSING (default 5 min), and the time between two reads (default 2 s). */
  fileReadyTimeoutMs?: number;
  filePollMs?: number;
  /** One HTTP call's time limit (default 120 s). */
  requestTimeoutMs?: number;
  /** generateContent attempts for one answer, across models and retries (default 5). */
  maxAttempts?: number;
  /** Makes the small copy Gemini gets instead of the video (ffmpeg); none, or a null answer: the original. */
  proxy?: ProxyMaker | null;
}

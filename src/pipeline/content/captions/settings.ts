// content.gemini.* as the caption client takes it. Gemini bills in USD.
import type { Config } from '../../../core/config.ts';
import type { CaptionSettings } from './types.ts';

export function captionSettingsFrom(config: Config): CaptionSettings {
  const g = config.content.gemini;
  return {
    models: g.model,
    baseUrl: g.base_url,
    requestsPerMinute: g.requests_per_minute,
    prices: {
      inputPerMillion: g.price_per_million_tokens.input,
      outputPerMillion: g.price_per_million_tokens.output,
      currency: 'USD',
    },
    dailyBudget: g.daily_budget,
  };
}

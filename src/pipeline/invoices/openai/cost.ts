// Tokens → US dollars at configurable prices per million tokens.

export interface Prices {
  /** USD per million prompt (input) tokens. */
  inputPerMTok: number;
  /** USD per million completion (output) tokens. */
  outputPerMTok: number;
}

/** List prices (standard tier) when none are configured; unknown models cost 0 until prices are given. */
export const DEFAULT_PRICES: Readonly<Record<string, Prices>> = {
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
};

export function pricesFor(model: string, configured?: Prices): Prices {
  return configured ?? DEFAULT_PRICES[model] ?? { inputPerMTok: 0, outputPerMTok: 0 };
}

export function costUsd(usage: { prompt: number; completion: number }, prices: Prices): number {
  return (usage.prompt * prices.inputPerMTok + usage.completion * prices.outputPerMTok) / 1_000_000;
}

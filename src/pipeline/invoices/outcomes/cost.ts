// The invoices' prices (invoices.price_per_million_tokens, invoices.price_currency); the arithmetic of tokens into
// money is core's (core/token-cost.ts), shared with the captions' Gemini costs.
import { configSchema } from '../../../core/config.ts';
import type { Config } from '../../../core/config.ts';
import type { Prices } from '../../../core/token-cost.ts';

export { formatCost, tokenCost } from '../../../core/token-cost.ts';
export type { Cost, Prices } from '../../../core/token-cost.ts';

export function pricesFrom(config: Config): Prices {
  const p = config.invoices.price_per_million_tokens;
  return { inputPerMillion: p.input, outputPerMillion: p.output, currency: config.invoices.price_currency };
}

/** The prices when none are given (a client made outside the service): the configuration's defaults. */
export function defaultPrices(): Prices {
  return pricesFrom(configSchema.parse({}));
}

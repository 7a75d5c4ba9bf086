// Model tokens into money: exact integer arithmetic, never float sums. The amount is a decimal string with 6
// decimals (a batch of photos costs cents; a single invoice or caption a fraction of one). Used by the invoices'
// OpenAI costs and the captions' Gemini costs.

/** Tokens of one model call, or summed over several. */
export interface TokenCounts {
  input: number;
  output: number;
}

export interface Prices {
  /** Price of a million prompt tokens, in `currency`. */
  inputPerMillion: number;
  /** Price of a million completion tokens. */
  outputPerMillion: number;
  currency: string;
}

export interface Cost {
  input_tokens: number;
  output_tokens: number;
  /** Decimal string, 6 decimals: "0.012345". */
  amount: string;
  currency: string;
}

/** Prices are kept to 9 decimals per million tokens (1e-15 per token); amounts are rounded half up to 6. */
const PRICE_SCALE = 1_000_000_000n;
const TO_MICRO = 1_000_000_000n; // 1e-15 units → 1e-6 units

export function tokenCost(tokens: TokenCounts, prices: Prices): Cost {
  const scaled = (price: number): bigint => BigInt(Math.round(price * Number(PRICE_SCALE)));
  const femto =
    BigInt(tokens.input) * scaled(prices.inputPerMillion) + BigInt(tokens.output) * scaled(prices.outputPerMillion);
  const micro = (femto + TO_MICRO / 2n) / TO_MICRO;
  const digits = micro.toString().padStart(7, '0');
  return {
    input_tokens: tokens.input,
    output_tokens: tokens.output,
    amount: `${digits.slice(0, -6)}.${digits.slice(-6)}`,
    currency: prices.currency,
  };
}

/** For people: four decimals ("0.0123 USD"), or all six when that would show a non-zero amount as 0.0000. */
export function formatCost(cost: Cost): string {
  const micro = BigInt(cost.amount.replace('.', ''));
  if (micro > 0n && micro < 50n) return `${cost.amount} ${cost.currency}`;
  const tenThousandths = ((micro + 50n) / 100n).toString().padStart(5, '0');
  return `${tenThousandths.slice(0, -4)}.${tenThousandths.slice(-4)} ${cost.currency}`;
}

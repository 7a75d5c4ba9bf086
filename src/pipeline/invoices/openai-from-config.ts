// The OpenAI client as invoices.openai.* configure it, for the invoice module and `centinela extract` alike. The
// SDK loads only when this is called, that is when OPENAI_API_KEY is set.
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { OpenAIClient } from './openai/index.ts';
import { pricesFrom } from './outcomes/index.ts';

export async function openAIFromConfig(
  config: Config,
  apiKey: string,
  log: Logger,
  onQuotaExhausted?: (message: string) => void,
): Promise<OpenAIClient> {
  const { OpenAIClient } = await import('./openai/index.ts');
  const o = config.invoices.openai;
  return new OpenAIClient({
    apiKey,
    baseURL: o.base_url || undefined,
    model: o.model,
    requestsPerMinute: o.requests_per_minute,
    tokensPerMinute: o.tokens_per_minute,
    concurrency: o.concurrency,
    timeoutMs: o.timeout_seconds * 1000,
    prices: pricesFrom(config),
    log,
    onQuotaExhausted,
  });
}

// The prompt's token count before sending, the way OpenAI estimates it at admission: about 4 characters a token,
// a few tokens of framing per message, and a fixed cost per image (85 at detail low, 765 for a 1024×1024 at high).
// The client scales it by the ratio it learns from the usage the API reports.

export const IMAGE_TOKENS = { low: 85, high: 765 } as const;
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

export function estimatePromptTokens(texts: string[][], images: Array<{ detail?: 'low' | 'high' | 'auto' }>): number {
  let tokens = REPLY_PRIMING;
  for (const message of texts) {
    tokens += PER_MESSAGE;
    for (const t of message) tokens += Math.ceil(t.length / 4);
  }
  for (const image of images) tokens += image.detail === 'low' ? IMAGE_TOKENS.low : IMAGE_TOKENS.high;
  return tokens;
}

// The publish call on grammY's Api, loaded when the poster starts. No auto-retry transformer is installed on this
// Api: one publish attempt is one request, and what its failure means is decided by outcome.ts.
import type { PublishApi } from './poster.ts';

export interface TelegramTarget {
  apiRoot: string;
  token: string;
  /** A call not answered within this long is cut: its outcome is unknown. */
  timeoutSeconds: number;
}

export async function telegramPublishApi(target: TelegramTarget): Promise<PublishApi> {
  const { Api } = await import('grammy');
  const api = new Api(target.token, { apiRoot: target.apiRoot, timeoutSeconds: target.timeoutSeconds });
  return {
    async sendVideo(chat, telegramFileId, caption) {
      const message = await api.sendVideo(chat, telegramFileId, caption ? { caption, parse_mode: 'HTML' } : {});
      return message.message_id;
    },
  };
}

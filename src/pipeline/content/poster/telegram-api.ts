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
  const { Api, InputFile } = await import('grammy');
  const api = new Api(target.token, { apiRoot: target.apiRoot, timeoutSeconds: target.timeoutSeconds });
  return {
    async sendVideo(chat, video, caption) {
      // By file_id: no upload and no size limit. A video that came another way is uploaded from its file (the
      // cloud Bot API takes 50 MB, a local server 2 GB).
      const input = 'telegramFileId' in video ? video.telegramFileId : new InputFile(video.path);
      const message = await api.sendVideo(chat, input, {
        ...(caption ? { caption, parse_mode: 'HTML' as const } : {}),
        supports_streaming: true,
      });
      return message.message_id;
    },
  };
}

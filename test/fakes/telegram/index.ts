// A loopback fake of the Telegram Bot API for end-to-end tests and benchmarks, faithful to the wire format:
// point grammY at it with `new Bot(token, { client: { apiRoot: fake.apiRoot } })`.
export { startFakeBotApi, DEFAULT_TOKEN } from './fake.ts';
export { CLOUD_DOWNLOAD_LIMIT } from './files.ts';
export type {
  AlbumItem,
  Chat,
  FakeBotApi,
  FakeBotApiOptions,
  FakeFile,
  FakeUser,
  Fault,
  SentCall,
  UploadedFile,
} from './types.ts';

// The soak's mixed load: what a small business sends in a day, faster. Every file is unique (its own bytes, and for
// invoices its own UUID), so that the accounting can tell each one apart in the store afterwards.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeDrive } from '../test/fakes/drive/index.ts';
import type { FakeBotApi } from '../test/fakes/telegram/index.ts';
import type { FakeOpenAI } from '../test/fakes/openai/index.ts';
import { sha256Hex } from '../test/fakes/openai/index.ts';
import { MODEL, STAFF, mp4 } from '../test/support/bot-service.ts';
import { PNG_HEADER } from '../test/support/invoice-data.ts';
import { REPO } from '../test/support/service.ts';

export type SentKind = 'video' | 'invoice';
export type Route = 'telegram' | 'album' | 'inbox' | 'http' | 'drive';

/** A file the soak sent, found again in the store by its checksum. */
export interface SentFile {
  sha256: string;
  kind: SentKind;
  route: Route;
}

const CFDI = readFileSync(join(REPO, 'test/fixtures/cfdi/cfdi40-valid.xml'), 'utf8');
const CFDI_UUID = /UUID="[0-9A-F-]+"/;

const uuidOf = (n: number): string => {
  const h = createHash('sha256').update(`soak-${n}`).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export class SoakLoad {
  readonly sent: SentFile[] = [];
  #n = 0;
  #appLog: string;
  #inbox: string;

  private readonly telegram: FakeBotApi;
  private readonly openai: FakeOpenAI;

  constructor(telegram: FakeBotApi, openai: FakeOpenAI, dir: string) {
    this.telegram = telegram;
    this.openai = openai;
    this.#appLog = join(dir, 'app', 'app.log');
    this.#inbox = join(dir, 'inbox');
    mkdirSync(join(dir, 'app'), { recursive: true });
    mkdirSync(this.#inbox, { recursive: true });
    writeFileSync(this.#appLog, '');
  }

  get appLog(): string {
    return this.#appLog;
  }

  get inbox(): string {
    return this.#inbox;
  }

  /** A CFDI 4.0 with its own UUID: read without a model. */
  #xml(): Buffer {
    return Buffer.from(CFDI.replace(CFDI_UUID, `UUID="${uuidOf(this.#n++)}"`));
  }

  /** A "photo" the fake OpenAI reads as an invoice with its own UUID. */
  #photo(): Buffer {
    const n = this.#n++;
    const bytes = Buffer.concat([PNG_HEADER, Buffer.from(`soak invoice photo ${n}`)]);
    this.openai.scenario(sha256Hex(bytes), {
      content: {
        number: `S-${n}`,
        series: null,
        issuedAt: '2026-11-20',
        currency: 'MXN',
        issuerRfc: 'EKU9003173C9',
        issuerName: 'Proveedor Soak',
        receiverRfc: null,
        receiverName: null,
        uuid: uuidOf(n).toLowerCase(),
        subtotal: '100.00',
        discount: null,
        transferredTaxes: '16.00',
        withheldTaxes: null,
        total: '116.00',
        paymentForm: null,
        paymentMethod: 'PUE',
      },
    });
    return bytes;
  }

  #record(bytes: Buffer, kind: SentKind, route: Route): Buffer {
    this.sent.push({ sha256: sha(bytes), kind, route });
    return bytes;
  }

  video(): void {
    const bytes = this.#record(mp4(`soak video ${this.#n++} ${'x'.repeat(4096)}`), 'video', 'telegram');
    this.telegram.video(MODEL, { bytes, fileName: 'clip.mp4', mimeType: 'video/mp4' }, { caption: 'de hoy' });
  }

  telegramXml(): void {
    const bytes = this.#record(this.#xml(), 'invoice', 'telegram');
    this.telegram.document(STAFF, { bytes, fileName: 'factura.xml', mimeType: 'application/xml' });
  }

  album(size = 3): void {
    this.telegram.album(
      STAFF,
      Array.from({ length: size }, () => ({
        kind: 'photo' as const,
        file: { bytes: this.#record(this.#photo(), 'invoice', 'album') },
      })),
    );
  }

  inboxXml(): void {
    const bytes = this.#record(this.#xml(), 'invoice', 'inbox');
    const name = `factura-${this.#n}.xml`;
    // Written aside and renamed in, as a scanner or a copy tool does: the inbox never sees half a file.
    writeFileSync(join(this.#inbox, `.${name}.tmp`), bytes);
    renameSync(join(this.#inbox, `.${name}.tmp`), join(this.#inbox, name));
  }

  /** A CFDI put in the watched Drive folder, as a colleague's upload: the next sync takes it. */
  driveXml(drive: FakeDrive, folder: string): void {
    const bytes = this.#record(this.#xml(), 'invoice', 'drive');
    drive.addFile({ name: `factura-${this.#n}.xml`, parent: folder, content: bytes, mimeType: 'application/xml' });
  }

  /** Files for one HTTP batch; recorded as sent only once the service has answered for them. */
  httpBatch(): { form: () => FormData; commit: () => void } {
    const files = [
      { bytes: this.#photo(), name: 'a.png', type: 'image/png' },
      { bytes: this.#xml(), name: 'b.xml', type: 'application/xml' },
    ];
    return {
      form: () => {
        const body = new FormData();
        for (const f of files) body.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
        return body;
      },
      commit: () => {
        for (const f of files) this.#record(f.bytes, 'invoice', 'http');
      },
    };
  }

  /** Lines the monitor's rules take as errors, in the tailed application log. */
  logErrors(count = 3): void {
    const at = new Date().toISOString();
    const lines = Array.from({ length: count }, (_, i) => `${at} ERROR worker-${i % 2}: database connection refused`);
    appendFileSync(this.#appLog, `${lines.join('\n')}\n`);
  }

  /** logrotate's default (create): the file is renamed and a new one started, while the writer goes on. */
  rotateLog(generation: number): void {
    renameSync(this.#appLog, `${this.#appLog}.${generation}`);
    writeFileSync(this.#appLog, '');
  }
}

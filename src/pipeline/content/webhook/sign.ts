// The signature a webhook receiver checks: HMAC-SHA256 of the raw body with the target's secret, hex, in
// X-Centinela-Signature as `sha256=<hex>`. The body carries its own `timestamp` (the same value as the
// X-Centinela-Timestamp header), so the signature covers it and an old body replayed later is refused by its age.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Centinela-Signature';
export const TIMESTAMP_HEADER = 'X-Centinela-Timestamp';
export const DELIVERY_HEADER = 'X-Centinela-Delivery';

export function signBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

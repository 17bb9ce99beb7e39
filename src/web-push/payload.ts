// The JSON a Web Push message carries (what notify/sw.js shows), kept within the 4 KB a push service takes.
import type { Notification } from '../../generated/index.js';
import { renderDisplay, type DisplayContent, type DisplayTemplates } from '../client/display.js';
import { uncategorized } from '../store/store.js';

/** How a notification is shown: its display template's fields (title always; body, url and icon when it has them). */
export type WebPushDisplay = Omit<DisplayContent, 'lang'>;

/** The display of `notification` by the catalog's templates (`x-notify-display`), in their default locale. */
export function displayOf(templates: DisplayTemplates, notification: Notification): WebPushDisplay {
  const { lang: _lang, ...shown } = renderDisplay(templates, notification);
  return shown;
}

/** What the service worker receives, decrypted. */
export interface WebPushPayload extends WebPushDisplay {
  /** The notification's id: the system notification's `tag`, so a repeat replaces it instead of stacking. */
  id: string;
  type: string;
  category: string;
  /** Epoch ms of the notification. */
  timestamp: number;
  /** Marks this one notification read (`POST /api/v1/web-push/read`), without the user's credentials. */
  readToken: string;
}

/**
 * The largest plaintext of one aes128gcm record in 4096 bytes (RFC 8291 §4): 4096 less the header (86), the
 * AEAD tag (16) and the padding delimiter (1).
 */
export const maxPayloadBytes = 3993;

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** `text` cut to at most `bytes` UTF-8 bytes with an ellipsis, on a code point boundary. */
function cut(text: string, bytes: number): string {
  const chars = [...text];
  let size = 0;
  let end = 0;
  const budget = Math.max(0, bytes - 3); // the ellipsis is 3 bytes
  for (; end < chars.length; end++) {
    size += Buffer.byteLength(chars[end]!);
    if (size > budget) break;
  }
  return end >= chars.length ? text : `${chars.slice(0, end).join('')}…`;
}

/**
 * The payload's JSON within `limit` bytes: the body is cut first, then the icon and url are left out, then the title
 * is cut; the id, type and read token never change. Returns the JSON text and whether anything was cut.
 */
export function encodePayload(payload: WebPushPayload, limit = maxPayloadBytes): { json: string; truncated: boolean } {
  const whole = JSON.stringify(payload);
  if (Buffer.byteLength(whole) <= limit) return { json: whole, truncated: false };
  let current: WebPushPayload = { ...payload };
  const over = (): number => byteLength(current) - limit;
  if (current.body !== undefined) {
    // JSON escaping can make a character cost more than its UTF-8 bytes: cut by the overshoot until it fits.
    while (over() > 0 && current.body !== undefined && current.body.length > 1) {
      current = { ...current, body: cut(current.body, Buffer.byteLength(current.body) - over() - 8) };
    }
    if (over() > 0 || current.body === '…' || current.body === '') {
      const { body: _body, ...rest } = current;
      current = rest;
    }
  }
  for (const field of ['icon', 'url'] as const) {
    if (over() <= 0) break;
    const { [field]: _dropped, ...rest } = current;
    current = rest;
  }
  while (over() > 0 && current.title.length > 1) {
    const title = cut(current.title, Buffer.byteLength(current.title) - over() - 8);
    if (title === current.title) break;
    current = { ...current, title };
  }
  if (over() > 0) throw new Error(`a Web Push payload for ${payload.id} cannot fit in ${limit} bytes`);
  return { json: JSON.stringify(current), truncated: true };
}

/** The payload of `notification` shown as `display`. */
export function payloadOf(notification: Notification, display: WebPushDisplay, readToken: string): WebPushPayload {
  return {
    id: notification.id,
    type: notification.type,
    category: notification.category ?? uncategorized,
    timestamp: notification.timestamp,
    ...display,
    readToken,
  };
}

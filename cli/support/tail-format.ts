// Readable lines for `notify tail`: time, type, id, then the data's fields; ANSI colour only when asked.
import type { Notification, NotificationReadMessage, NotificationStateMessage, NotificationsRemovedMessage, PreferencesMessage } from '../../generated/index.js';

/** Wraps text in ANSI styles, or returns it as is when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Colour when `enabled` (stdout is a TTY and NO_COLOR is unset), plain text otherwise. */
export function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** HH:MM:SS in local time. */
export function clock(timestampMs: number): string {
  const d = new Date(timestampMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** How loud a notification is, read from its data (severity, priority, errorCode), whatever its type. */
function level(data: Record<string, unknown>): 'high' | 'medium' | 'low' {
  const mark = String(data['severity'] ?? data['priority'] ?? '');
  if (mark === 'error' || mark === 'high' || typeof data['errorCode'] === 'number') return 'high';
  if (mark === 'warning' || mark === 'medium' || data['actionRequired'] === true) return 'medium';
  return 'low';
}

/**
 * `14:03:12  info  0000000000000042  [system]  Scheduled maintenance — The service … priority=medium`:
 * title and message as text, every other data field as key=value.
 */
export function formatNotification(n: Notification, style: Style, note?: string): string {
  const data = n.data as unknown as Record<string, unknown>;
  const loudness = level(data);
  const type = loudness === 'high' ? style.red(n.type) : loudness === 'medium' ? style.yellow(n.type) : style.cyan(n.type);
  const parts = [style.dim(clock(n.timestamp)), style.bold(type), style.dim(n.id)];
  if (n.category !== undefined) parts.push(`[${n.category}]`);
  const text = [data['title'], data['message']].filter((v): v is string => typeof v === 'string');
  if (typeof data['title'] === 'string') text[0] = style.bold(data['title']);
  if (text.length) parts.push(text.join(' — '));
  const fields = Object.entries(data)
    .filter(([key]) => key !== 'title' && key !== 'message')
    .map(([key, value]) => `${style.dim(`${key}=`)}${formatValue(value)}`);
  if (fields.length) parts.push(fields.join(' '));
  if (n.read === true) parts.push(style.dim('(read)'));
  if (note) parts.push(style.dim(note));
  return parts.join('  ');
}

/** `14:03:15  read  0000000000000042  (2 unread)`. */
export function formatRead(message: NotificationReadMessage, style: Style): string {
  const ids = message.data.ids.length ? message.data.ids.join(', ') : 'nothing new';
  return [style.dim(clock(message.timestamp)), style.bold('read'), ids, style.dim(counts(message.data))].join('  ');
}

/** "09:05:07  archived  1, 2  (0 unread, 0 unseen)": a state change made on any device. */
export function formatState(message: NotificationStateMessage, style: Style): string {
  const ids = message.data.ids.length ? message.data.ids.join(', ') : 'nothing new';
  return [style.dim(clock(message.timestamp)), style.bold(message.data.state), ids, style.dim(counts(message.data))].join('  ');
}

/** "09:05:07  expired  0000000000000004 (removed)  (1 unread, 0 unseen)": gone for the user (expired or retracted by the backend). */
export function formatRemoved(message: NotificationsRemovedMessage, style: Style): string {
  const reason = message.data.reason === 'retracted' ? style.yellow(message.data.reason) : message.data.reason;
  return [style.dim(clock(message.timestamp)), style.bold(reason), `${message.data.ids.join(', ')} ${style.dim('(removed)')}`, style.dim(counts(message.data))].join('  ');
}

/** "09:05:07  preferences  off: categories system; types warning": what the user turned off (everything else is on). */
export function formatPreferences(message: PreferencesMessage, style: Style): string {
  const off = (switches: Record<string, boolean>): string[] => Object.keys(switches).filter((name) => !switches[name]);
  const webPush = message.data.channels?.webPush;
  const parts = [
    ['categories', off(message.data.categories)],
    ['types', off(message.data.types)],
    ['web push categories', off(webPush?.categories ?? {})],
    ['web push types', off(webPush?.types ?? {})],
  ] as const;
  const named = parts.filter(([, names]) => names.length > 0).map(([kind, names]) => `${kind} ${names.join(', ')}`);
  return [style.dim(clock(message.timestamp)), style.bold('preferences'), named.length ? `off: ${named.join('; ')}` : 'everything on'].join('  ');
}

function counts(data: { unreadCount: number; unseenCount?: number }): string {
  return data.unseenCount === undefined ? `(${data.unreadCount} unread)` : `(${data.unreadCount} unread, ${data.unseenCount} unseen)`;
}

/** "1.2 s", "350 ms". */
export function formatDelay(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

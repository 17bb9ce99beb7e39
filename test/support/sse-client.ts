// A raw `text/event-stream` client for tests: parses every event (with its id), and waits for what a test expects.
import { applyCredential, type CredentialVia } from './credential.js';
export interface SseEvent {
  /** The `event:` field ('message' when absent). */
  event: string;
  /** The `id:` field of this event, when it carried one. */
  id?: string;
  data: string;
}

export interface SseFrame {
  type: string;
  timestamp: number;
  id?: string;
  data: any;
  [key: string]: unknown;
}

export type SseOpen =
  | { ok: true; status: number; headers: Headers; stream: SseStream }
  | { ok: false; status: number; headers: Headers; body: unknown };

export interface SseStream {
  events: SseEvent[];
  /** Comment lines (without the leading ':'), e.g. 'ping'. */
  comments: string[];
  /** `data` of every event, parsed as JSON. */
  frames: SseFrame[];
  /** Resolves once the server ended the stream (or it failed). */
  ended: Promise<void>;
  next(predicate: (frame: SseFrame, event: SseEvent) => boolean, timeoutMs?: number): Promise<SseFrame>;
  nextOfType(type: string, timeoutMs?: number): Promise<SseFrame>;
  /** Waits for a comment line matching `predicate`. */
  nextComment(predicate: (comment: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): void;
}

export interface SseOptions {
  token?: string;
  via?: CredentialVia;
  lastEventId?: string;
  since?: string;
  headers?: Record<string, string>;
}

/** Opens `streamUrl`; a non-200 answer comes back with its parsed JSON body instead of a stream. */
export async function openSse(streamUrl: string, options: SseOptions = {}): Promise<SseOpen> {
  const url = new URL(streamUrl);
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  applyCredential(url, headers, options.token, options.via);
  if (options.since !== undefined) url.searchParams.set('since', options.since);
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  if (response.status !== 200 || !response.body) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { ok: false, status: response.status, headers: response.headers, body };
  }

  const events: SseEvent[] = [];
  const comments: string[] = [];
  const frames: SseFrame[] = [];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let over = false;
  const ended = (async () => {
    let buffer = '';
    let pending: Partial<SseEvent> & { data?: string } = {};
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let newline: number;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (pending.data !== undefined) {
              const event: SseEvent = { event: pending.event ?? 'message', data: pending.data, ...(pending.id === undefined ? {} : { id: pending.id }) };
              events.push(event);
              frames.push(JSON.parse(event.data) as SseFrame);
            }
            pending = {};
            wake();
            continue;
          }
          if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
            wake();
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const fieldValue = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') pending.data = pending.data === undefined ? fieldValue : `${pending.data}\n${fieldValue}`;
          else if (field === 'event') pending.event = fieldValue;
          else if (field === 'id') pending.id = fieldValue;
        }
      }
    } catch {
      // aborted or reset: the stream is over
    } finally {
      over = true;
      wake();
    }
  })();

  function waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`));
      }, timeoutMs);
      const check = (): void => {
        const hit = find();
        if (hit === undefined && !over) return;
        clearTimeout(timer);
        waiters.delete(check);
        if (hit === undefined) reject(new Error(`stream ended before ${what}; got ${JSON.stringify(events.map((e) => e.event))}`));
        else resolve(hit);
      };
      waiters.add(check);
    });
  }

  const stream: SseStream = {
    events,
    comments,
    frames,
    ended,
    next: (predicate, timeoutMs = 5000) => waitFor(() => frames.find((f, i) => predicate(f, events[i]!)), 'matching event', timeoutMs),
    nextOfType: (type, timeoutMs = 5000) => waitFor(() => frames.find((f) => f.type === type), `'${type}' event`, timeoutMs),
    nextComment: (predicate, timeoutMs = 5000) => waitFor(() => comments.find(predicate), 'matching comment', timeoutMs),
    close: () => abort.abort(),
  };
  return { ok: true, status: response.status, headers: response.headers, stream };
}

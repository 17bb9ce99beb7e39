// The Server-Sent Events fallback: the WebSocket's credentials, admission, frames and resume over `text/event-stream`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/verifier.js';
import { errorRegistry, type ConnectionErrorCode } from '../errors.js';
import type { Router } from '../http/router.js';
import { sendJson } from '../http/router.js';
import type { ServerContext } from '../server-context.js';
import { openSession, type SessionTransport } from '../session/open-session.js';
import { admit } from './admission.js';

export const streamPath = '/api/v1/notifications/stream';
/** What an EventSource waits before reconnecting after the stream ends (the `retry:` field), in ms. */
export const sseRetryMs = 3000;

/**
 * CORS for a cross-origin EventSource: the Origin is echoed. Safe because admission already held a
 * cookie credential to the allowed origins, and a query credential is not cookie-bound.
 */
function corsHeaders(request: IncomingMessage): Record<string, string> {
  const origin = request.headers.origin;
  return origin === undefined ? {} : { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

/**
 * Answers a refused stream with the error's HTTP status from the registry: an EventSource cannot see
 * close codes, so the contract's code and reason travel in the JSON body `{code, reason}` instead.
 */
function refuse(request: IncomingMessage, response: ServerResponse, error: ConnectionErrorCode): void {
  const { status, close } = errorRegistry[error];
  sendJson(response, status, { code: close.code, reason: close.reason }, { ...corsHeaders(request), ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
}

/** `event:` of a frame: its contract `type`, read from the front of the JSON the encoder produced. */
function frameType(frame: string): string {
  const match = /^\{"type":"([A-Za-z0-9_]+)"/.exec(frame);
  if (match) return match[1]!;
  return String((JSON.parse(frame) as { type: unknown }).type);
}

/**
 * Adapts an SSE response to a Connection's transport. Frames become `event: <type>` + `data: <json>`
 * (+ `id: <notification id>` for notifications; JSON text holds no raw newline, so one data line).
 * ping() writes a `: ping` comment; having no pong, the stream counts as alive while it is writable
 * (a peer that stops reading is caught by the write timeout and the buffer limit instead).
 * close() writes `: close <code> <reason>` and ends the stream; the EventSource reconnects with
 * Last-Event-ID after `retry` ms, and a refused reconnect (401/403) stops it.
 */
function sseTransport(request: IncomingMessage, response: ServerResponse, alive: () => void): SessionTransport {
  return {
    get bufferedAmount() {
      return response.writableLength;
    },
    send(frame, notificationId) {
      const id = notificationId === undefined ? '' : `id: ${notificationId}\n`;
      response.write(`${id}event: ${frameType(frame)}\ndata: ${frame}\n\n`);
    },
    ping() {
      if (response.writableEnded || response.destroyed) return;
      response.write(': ping\n\n');
      alive();
    },
    close(code, reason) {
      if (response.writableEnded) return;
      response.end(`: close ${code} ${reason.replace(/[\r\n]+/g, ' ')}\n\n`);
    },
    terminate() {
      response.destroy();
    },
    refuse: (error) => refuse(request, response, error),
    begin() {
      request.socket.setNoDelay(true);
      request.socket.setKeepAlive(true, 30_000);
      response.writeHead(200, {
        ...corsHeaders(request),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // One long response per TCP connection: when it ends, the socket goes too (nothing idles at shutdown).
        connection: 'close',
        // Proxies such as nginx must not buffer the stream.
        'x-accel-buffering': 'no',
      });
      response.write(`retry: ${sseRetryMs}\n\n`);
    },
  };
}

/** Where a stream resumes: the Last-Event-ID header an EventSource sends on reconnect wins over `?since=`. */
function resumePoint(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers['last-event-id'];
  const lastEventId = (Array.isArray(header) ? header[0] : header)?.trim();
  return lastEventId || url.searchParams.get('since') || undefined;
}

/**
 * Registers `GET /api/v1/notifications/stream`. Credentials and admission are the WebSocket's
 * (`admit()`); a refusal is an HTTP error with body `{code, reason}` carrying the same contract
 * code: 401 for 1008/4001, 403 for 4003, 429 for 4029, 503 while shutting down. Admitted, the
 * stream starts like a WebSocket session (connection_established, then resume or snapshot).
 * SSE is receive-only: client actions (mark_read, load_more, …) need the WebSocket.
 */
export function addSseRoute(router: Router, context: ServerContext): void {
  router.on('GET', streamPath, async ({ request, response, url }) => {
    if (context.shuttingDown()) return refuse(request, response, 'shutting_down');
    const admission = await admit(request, url, context);
    if (!admission.ok) return refuse(request, response, admission.error);
    if (request.method === 'HEAD') {
      response.writeHead(200, { ...corsHeaders(request), 'content-type': 'text/event-stream; charset=utf-8' }).end();
      return;
    }
    runStream(request, response, admission.principal, resumePoint(request, url), context);
  });
}

/** Adapts one admitted response to its session: receive-only, alive while writable. */
function runStream(request: IncomingMessage, response: ServerResponse, principal: Principal, since: string | undefined, context: ServerContext): void {
  const transport = sseTransport(request, response, () => session?.alive());
  const session = openSession(transport, principal, since, context);
  if (!session) return;
  response.on('error', (error) => context.logger.debug({ err: error, connectionId: session.connection.id }, 'stream error'));
  response.on('close', () => session.ended());
}

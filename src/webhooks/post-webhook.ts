// One signed webhook POST (Standard Webhooks): a time limit, a bounded answer, no redirects, the SSRF guard at connect time.
import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { checkUrlShape, guardedLookup } from './ssrf-guard.js';

/** The most of an answer read: it only says whether the event was taken; the rest is discarded. */
const maxAnswerBytes = 16 * 1024;

export interface WebhookRequest {
  url: string;
  /** The endpoint's `whsec_` secret. */
  secret: string;
  /** `webhook-id`: the event's id, the same on every attempt. */
  eventId: string;
  /** The JSON body, as sent and signed. */
  body: string;
  timeoutMs: number;
  allowLocal: boolean;
  userAgent: string;
  /** Aborts the attempt (shutdown): it ends as a failure the caller does not record. */
  signal?: AbortSignal;
}

/** 2xx: taken. Anything else is a failure with a short reason for the log and the dead letter. */
export type WebhookOutcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/** Sends one attempt; never rejects. */
export function postWebhook(request: WebhookRequest): Promise<WebhookOutcome> {
  // Checked again at each send, as at registration: an IP in the URL is connected to without a lookup, and an
  // endpoint registered under --webhooks-allow-local (http:, a private address) is refused once the flag is off.
  const shape = checkUrlShape(request.url, request.allowLocal);
  if ('error' in shape) return Promise.resolve({ ok: false, error: `refused: ${shape.error}` });
  const { url } = shape;
  const sentAt = new Date();
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(request.body)),
    'user-agent': request.userAgent,
    'webhook-id': request.eventId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(request.secret).sign(request.eventId, sentAt, request.body),
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: WebhookOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve(outcome);
    };
    const req = client.request(url, { method: 'POST', headers, agent: false, lookup: guardedLookup(request.allowLocal) }, (res) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > maxAnswerBytes) done();
      });
      const done = (): void => {
        if (status >= 200 && status < 300) finish({ ok: true, status });
        else if (status >= 300 && status < 400) finish({ ok: false, status, error: `HTTP ${status}: redirects are not followed` });
        else finish({ ok: false, status, error: `HTTP ${status}` });
      };
      res.on('end', done);
      res.on('error', () => done());
    });
    // One deadline for the whole attempt: connect, send and answer (a receiver that trickles bytes is cut too).
    const deadline = setTimeout(() => finish({ ok: false, error: `no answer within ${request.timeoutMs} ms` }), request.timeoutMs);
    const onAbort = (): void => finish({ ok: false, error: 'aborted: shutting down' });
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => request.signal?.removeEventListener('abort', onAbort));
    req.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, error: error.code === 'EWEBHOOKFORBIDDEN' ? `refused: ${error.message}` : error.message || String(error.code) }));
    req.end(request.body);
  });
}

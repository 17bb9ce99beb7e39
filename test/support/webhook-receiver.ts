// A webhook receiver for tests: a real HTTP server on 127.0.0.1 that verifies each request with the standardwebhooks verifier.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as received: its id, whether its signature verified under the path's secret, and its parsed body. */
export interface Received {
  path: string;
  webhookId: string;
  verified: boolean;
  /** The verified event (`{type, timestamp, data}`); undefined when the signature did not verify. */
  event: { type: string; timestamp: string; data: Record<string, unknown> } | undefined;
  /** The status this receiver answered (0 for a request it left hanging). */
  answered: number;
}

/** How a path answers: a status, or 'hang' (never answers; the sender's timeout cuts it). */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  /** http://127.0.0.1:port */
  url: string;
  received: Received[];
  /** Verify requests on `path` with this endpoint secret. */
  secretFor(path: string, secret: string): void;
  /** Answers of `path`, one per request in order; the last repeats. Default: 204. */
  answer(path: string, ...answers: Answer[]): void;
  /** Resolves with the requests on `path` once `predicate` holds for them (polling), or rejects after `timeoutMs`. */
  waitFor(path: string, predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  /** Requests on `path` left hanging right now. */
  hanging(path: string): number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const answers = new Map<string, Answer[]>();
  const held = new Map<string, Set<ServerResponse>>();
  const handle = (request: IncomingMessage, response: ServerResponse, body: string): void => {
    const path = request.url ?? '/';
    const secret = secrets.get(path);
    let event: Received['event'];
    try {
      event = secret === undefined ? undefined : (new Webhook(secret).verify(body, request.headers as Record<string, string>) as Received['event']);
    } catch {
      event = undefined;
    }
    const queue = answers.get(path) ?? [204];
    const answer = queue.length > 1 ? queue.shift()! : queue[0]!;
    received.push({ path, webhookId: String(request.headers['webhook-id']), verified: event !== undefined, event, answered: answer === 'hang' ? 0 : answer });
    if (answer === 'hang') {
      const set = held.get(path) ?? new Set();
      set.add(response);
      held.set(path, set);
      response.on('close', () => set.delete(response));
      return;
    }
    response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no');
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const on = (path: string): Received[] => received.filter((r) => r.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    secretFor: (path, secret) => void secrets.set(path, secret),
    answer: (path, ...list) => void answers.set(path, list),
    async waitFor(path, predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(on(path))) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met on ${path} within ${timeoutMs} ms; got ${JSON.stringify(on(path).map((r) => [r.event?.type, r.answered]))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return on(path);
    },
    hanging: (path) => held.get(path)?.size ?? 0,
    async close() {
      for (const set of held.values()) for (const response of set) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

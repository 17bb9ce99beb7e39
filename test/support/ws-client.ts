// A real `ws` client for tests: records every frame and close, and waits for what a test expects.
import WebSocket from 'ws';
import { applyCredential, type CredentialVia } from './credential.js';

export interface Frame {
  type: string;
  timestamp: number;
  id?: string;
  data: any;
  [key: string]: unknown;
}

export interface TestClient {
  socket: WebSocket;
  frames: Frame[];
  /** Resolves with the close code and reason once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** The first frame (already received or upcoming, after `from`) that matches. */
  next(predicate: (frame: Frame) => boolean, timeoutMs?: number, from?: number): Promise<Frame>;
  nextOfType(type: string, timeoutMs?: number): Promise<Frame>;
  send(value: unknown): void;
  close(): Promise<void>;
}

export interface ConnectOptions {
  token?: string;
  /** Which credential carries the token. */
  via?: CredentialVia;
  since?: string;
  origin?: string;
  headers?: Record<string, string>;
}

export function connect(wsUrl: string, options: ConnectOptions = {}): Promise<TestClient> {
  const url = new URL(wsUrl);
  const headers: Record<string, string> = { ...options.headers };
  applyCredential(url, headers, options.token, options.via);
  if (options.since !== undefined) url.searchParams.set('since', options.since);
  if (options.origin !== undefined) headers['origin'] = options.origin;
  const socket = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters: { predicate: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on('error', () => {});
  const client: TestClient = {
    socket,
    frames,
    closed,
    next(predicate, timeoutMs = 5000, from = 0) {
      const existing = frames.slice(from).find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise<Frame>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`)), timeoutMs);
        waiters.push({
          predicate,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
    nextOfType(type, timeoutMs) {
      return client.next((f) => f.type === type, timeoutMs);
    },
    send(value) {
      socket.send(typeof value === 'string' ? value : JSON.stringify(value));
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

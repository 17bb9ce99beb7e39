// Steady pushes for the storm: each to one user, retried with the same Idempotency-Key until the server answers 201.
import http from 'node:http';
import type { AckedPush } from './protocol.js';

export interface StormPusher {
  /** Every acknowledged push so far (a replayed answer is recorded once, by id). */
  readonly acked: AckedPush[];
  /** Attempts that failed (refused, reset, timeout, 5xx) and were retried. */
  readonly failedAttempts: number;
  /** Pushes started, acknowledged or not yet. */
  readonly started: number;
  /** Stops starting pushes; resolves once every started push is acknowledged (or `giveUpMs` passed). */
  stop(giveUpMs: number): Promise<{ unacknowledged: number }>;
}

const attemptTimeoutMs = 5000;
/** Retries back off from 100 ms to 1 s: the server is down for a few seconds at most. */
const retryDelayMs = (attempt: number): number => Math.min(1000, 100 * attempt);

export function startPusher(base: string, pushToken: string, users: number, ratePerSec: number, runTag: string): StormPusher {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const acked: AckedPush[] = [];
  const ackedIds = new Set<string>();
  let failedAttempts = 0;
  let started = 0;
  let inFlight = 0;
  let stopped = false;
  const idle = new Set<() => void>();

  const attempt = (userId: string, body: string, key: string): Promise<{ id: string } | undefined> =>
    new Promise((resolve) => {
      const request = http.request(
        `${base}/api/v1/users/${userId}/notifications`,
        {
          method: 'POST',
          agent,
          timeout: attemptTimeoutMs,
          headers: { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': key },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve(response.statusCode === 201 ? (JSON.parse(text) as { id: string }) : undefined));
          response.on('error', () => resolve(undefined));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => resolve(undefined));
      request.end(body);
    });

  const pushOne = async (seq: number): Promise<void> => {
    const userId = `storm${Math.floor(Math.random() * users)}`;
    const key = `${runTag}-${seq}`;
    const body = JSON.stringify({ type: 'info', data: { title: 'storm', message: `push ${seq}`, priority: 'low' } });
    for (let n = 1; ; n++) {
      const answer = await attempt(userId, body, key);
      if (answer) {
        if (!ackedIds.has(answer.id)) {
          ackedIds.add(answer.id);
          acked.push({ userId, id: answer.id, ackAtMs: Date.now(), attempts: n });
        }
        return;
      }
      failedAttempts++;
      if (stopped && n > 600) return; // gave up long after stop(): reported as unacknowledged
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(n)));
    }
  };

  const timer = setInterval(() => {
    const seq = started++;
    inFlight++;
    void pushOne(seq).finally(() => {
      inFlight--;
      if (inFlight === 0) for (const wake of idle) wake();
    });
  }, 1000 / ratePerSec);

  return {
    acked,
    get failedAttempts() {
      return failedAttempts;
    },
    get started() {
      return started;
    },
    async stop(giveUpMs) {
      stopped = true;
      clearInterval(timer);
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            idle.delete(done);
            clearTimeout(deadline);
            resolve();
          };
          const deadline = setTimeout(done, giveUpMs);
          idle.add(done);
        });
      }
      agent.destroy();
      return { unacknowledged: inFlight };
    },
  };
}

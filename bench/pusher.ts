// The pusher role: plays the backend calling the push API (closed loop at max rate, open loop at fixed rates, broadcast).
import { broadcastTag, benchBody, nowUs, pushTag, type PushOutcome, type PusherApi, type TargetSpec, type UserRange } from './protocol.js';
import { RawHttpConnection } from './raw-http.js';

type Handlers = { [K in keyof PusherApi]: (params: Parameters<PusherApi[K]>[0]) => Promise<ReturnType<PusherApi[K]>> | ReturnType<PusherApi[K]> };

/** Longest wait for the answers still in flight when a timed loop ends. */
const answerGraceMs = 10_000;

interface Tally extends PushOutcome {
  record(status: number, error?: string): void;
}

function tally(): Tally {
  return {
    ok: 0,
    failed: 0,
    record(status, error) {
      if (status >= 200 && status < 300) this.ok++;
      else {
        this.failed++;
        this.firstError ??= error ?? `HTTP ${status}`;
      }
    },
  };
}

function outcome(t: Tally): PushOutcome {
  return t.firstError === undefined ? { ok: t.ok, failed: t.failed } : { ok: t.ok, failed: t.failed, firstError: t.firstError };
}

export function createPusher(): Handlers {
  let target: TargetSpec | undefined;
  let users: UserRange | undefined;

  function setup(): { target: TargetSpec; users: UserRange } {
    if (!target || !users) throw new Error('pusher: configure first');
    return { target, users };
  }

  function headers(spec: TargetSpec): string {
    return spec.kind === 'notify' ? `Authorization: Bearer ${spec.pushToken ?? ''}\r\n` : '';
  }

  async function openConnections(count: number): Promise<RawHttpConnection[]> {
    const { target: spec } = setup();
    return Promise.all(Array.from({ length: count }, () => RawHttpConnection.open(spec.host, spec.port, headers(spec))));
  }

  /** The push path of a random user of the range. */
  function randomUser(): string {
    const { users: range } = setup();
    return `${range.prefix}${range.first + Math.floor(Math.random() * range.count) * range.stride}`;
  }

  function randomUserPath(): string {
    const user = randomUser();
    return setup().target.kind === 'notify' ? `/api/v1/users/${user}/notifications` : `/push?user=${user}`;
  }

  /** Each connection sends `request()` again as soon as its answer came, until `durationMs` passed; what was answered. */
  async function closedLoopOf(concurrency: number, durationMs: number, request: () => [path: string, body: string]) {
    const connections = await openConnections(concurrency);
    const t = tally();
    const started = nowUs();
    const deadline = started + durationMs * 1000;
    let lastAnswerUs = started;
    await Promise.all(
      connections.map(
        (connection) =>
          new Promise<void>((resolve) => {
            const next = (): void => {
              if (nowUs() >= deadline || !connection.usable) return resolve();
              connection.post(...request(), (status, error) => {
                t.record(status, error);
                lastAnswerUs = nowUs();
                next();
              });
            };
            next();
          }),
      ),
    );
    for (const connection of connections) connection.close();
    return { ...outcome(t), elapsedMs: (lastAnswerUs - started) / 1000 };
  }

  /** Resolves once nothing is in flight, or after `answerGraceMs`. */
  function drained(connections: RawHttpConnection[]): Promise<void> {
    const deadline = Date.now() + answerGraceMs;
    return new Promise((resolve) => {
      const check = (): void => {
        if (connections.every((c) => c.inFlight === 0) || Date.now() >= deadline) return resolve();
        setTimeout(check, 5);
      };
      check();
    });
  }

  return {
    configure(p) {
      target = p.target;
      users = p.users;
      return { ready: true };
    },

    async closedLoop({ durationMs, concurrency }) {
      return closedLoopOf(concurrency, durationMs, () => [randomUserPath(), benchBody(pushTag, nowUs())]);
    },

    async batchLoop({ durationMs, concurrency, size }) {
      if (setup().target.kind !== 'notify') throw new Error("pusher: the batch route is notify's");
      // Each item is the closed loop's push body with a user: {"user":"u7","type":…}.
      const item = (): string => `{"user":"${randomUser()}",${benchBody(pushTag, nowUs()).slice(1)}`;
      return closedLoopOf(concurrency, durationMs, () => ['/api/v1/notifications/batch', `{"items":[${Array.from({ length: size }, item).join(',')}]}`]);
    },

    async openLoop({ rate, durationMs, connections: count }) {
      const connections = await openConnections(count);
      const t = tally();
      const total = Math.max(1, Math.round((rate * durationMs) / 1000));
      const started = nowUs();
      let sent = 0;
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          const now = nowUs();
          const due = Math.min(total, Math.floor(((now - started) * rate) / 1e6) + 1);
          for (const c of connections) c.cork();
          // The send time travels in the body; every push of this tick leaves now.
          for (; sent < due; sent++) connections[sent % count]!.post(randomUserPath(), benchBody(pushTag, now), (s, e) => t.record(s, e));
          for (const c of connections) c.uncork();
          if (sent >= total) return resolve();
          setTimeout(tick, 1);
        };
        tick();
      });
      const elapsedMs = (nowUs() - started) / 1000;
      await drained(connections);
      for (const connection of connections) connection.close();
      const unanswered = sent - t.ok - t.failed;
      if (unanswered > 0) {
        t.failed += unanswered;
        t.firstError ??= `${unanswered} not answered within ${answerGraceMs / 1000} s of the last send`;
      }
      return { ...outcome(t), sent, elapsedMs };
    },

    async broadcast({ timeoutMs }) {
      const { target: spec } = setup();
      const [connection] = await openConnections(1);
      const t = tally();
      const sentUs = nowUs();
      const body = benchBody(broadcastTag, sentUs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          t.record(0, `no answer within ${timeoutMs} ms`);
          resolve();
        }, timeoutMs);
        const path = spec.kind === 'notify' ? '/api/v1/notifications' : '/push';
        const payload = spec.kind === 'notify' ? `{"broadcast":true,${body.slice(1)}` : body;
        connection!.post(path, payload, (status, error) => {
          clearTimeout(timer);
          t.record(status, error);
          resolve();
        });
      });
      connection!.close();
      return { ...outcome(t), sentUs };
    },

    cpu() {
      const usage = process.cpuUsage();
      return { cpuUs: usage.user + usage.system };
    },
  };
}

// The receiver role: holds a share of the N sockets, idle, and timestamps every bench message that arrives.
import WebSocket from 'ws';
import { mintToken } from '../src/auth/mint-token.js';
import { broadcastTag, messageMarker, nowUs, pushTag, type ReceiverApi, type ReceiverStatus } from './protocol.js';

type Handlers = { [K in keyof ReceiverApi]: (params: Parameters<ReceiverApi[K]>[0]) => Promise<ReturnType<ReceiverApi[K]>> | ReturnType<ReceiverApi[K]> };

const marker = Buffer.from(messageMarker);
const pushByte = pushTag.charCodeAt(0);
const broadcastByte = broadcastTag.charCodeAt(0);
const tokenTtlSec = 3600;
/** Largest latency sample buffer a phase may ask for (8 bytes each). */
const maxCapacity = 5_000_000;

export function createReceiver(): Handlers {
  let urls: string[] = [];
  /** notify sends connection_established first: a socket is ready when it arrives; the baseline sends nothing. */
  let readyOnFirstFrame = false;
  let sockets: WebSocket[] = [];
  let open = 0;
  let received = 0;
  let broadcasts = 0;
  let lastArrivalUs = 0;
  let record = false;
  let samples = new Float64Array(0);
  let sampleCount = 0;

  /** Reads `"message":"<tag><sendUs>|` without parsing the JSON: the receive loop stays cheap for both servers. */
  function onMessage(data: WebSocket.RawData): void {
    const bytes = data as Buffer;
    const at = bytes.indexOf(marker);
    if (at < 0) return;
    const tag = bytes[at + marker.length];
    let sentUs = 0;
    for (let i = at + marker.length + 1; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c < 48 || c > 57) break;
      sentUs = sentUs * 10 + (c - 48);
    }
    const now = nowUs();
    lastArrivalUs = now;
    if (tag === pushByte) {
      received++;
      if (record && sampleCount < samples.length) samples[sampleCount++] = now - sentUs;
    } else if (tag === broadcastByte) {
      broadcasts++;
    }
  }

  function status(): ReceiverStatus {
    return { open, received, broadcasts, lastArrivalUs };
  }

  return {
    async prepare({ target, users }) {
      const base = `ws://${target.host}:${target.port}`;
      const ids = Array.from({ length: users.count }, (_, k) => `${users.prefix}${users.first + k * users.stride}`);
      if (target.kind === 'notify') {
        const secret = target.jwtSecret;
        if (!secret) throw new Error('receiver: notify needs the JWT secret');
        urls = await Promise.all(
          ids.map(async (sub) => `${base}/api/v1/notifications?token=${await mintToken({ secret, sub, ttlSec: tokenTtlSec })}`),
        );
      } else {
        urls = ids.map((user) => `${base}/ws?user=${user}`);
      }
      readyOnFirstFrame = target.kind === 'notify';
      return { prepared: urls.length };
    },

    connect({ concurrency, timeoutMs }) {
      if (sockets.length > 0) throw new Error('receiver: already connected; disconnect first');
      const startUs = nowUs();
      let next = 0;
      let inFlight = 0;
      let connected = 0;
      let failed = 0;
      let endUs = startUs;
      let firstError: string | undefined;
      return new Promise((resolve) => {
        let finished = false;
        const finish = (): void => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          resolve({ connected, failed, startUs, endUs, ...(firstError === undefined ? {} : { firstError }) });
        };
        const timer = setTimeout(() => {
          firstError ??= `${urls.length - connected - failed} sockets not ready within ${timeoutMs} ms`;
          failed = urls.length - connected;
          finish();
        }, timeoutMs);
        const launch = (): void => {
          while (inFlight < concurrency && next < urls.length) openSocket(urls[next++]!);
          if (inFlight === 0 && next >= urls.length) finish();
        };
        const openSocket = (url: string): void => {
          inFlight++;
          let settled = false;
          const settle = (error?: string): void => {
            if (settled) return;
            settled = true;
            inFlight--;
            if (error === undefined) {
              connected++;
              endUs = nowUs();
            } else {
              failed++;
              firstError ??= error;
            }
            if (!finished) launch();
          };
          const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: timeoutMs });
          sockets.push(ws);
          let wasOpen = false;
          ws.on('open', () => {
            wasOpen = true;
            open++;
            if (!readyOnFirstFrame) settle();
          });
          ws.on('message', onMessage);
          if (readyOnFirstFrame) ws.once('message', () => settle());
          ws.on('error', (error) => settle(error.message));
          ws.on('close', (code, reason) => {
            if (wasOpen) open--;
            settle(`closed ${code} ${reason.toString()}`.trim());
          });
        };
        launch();
      });
    },

    reset({ record: keep, capacity }) {
      received = 0;
      broadcasts = 0;
      lastArrivalUs = 0;
      record = keep;
      sampleCount = 0;
      const wanted = keep ? Math.min(maxCapacity, Math.max(0, Math.ceil(capacity))) : 0;
      if (samples.length !== wanted) samples = new Float64Array(wanted);
      return status();
    },

    status: () => status(),

    collect() {
      return { ...status(), latenciesUs: samples.slice(0, sampleCount) };
    },

    disconnect({ timeoutMs }) {
      const closing = sockets;
      sockets = [];
      return new Promise((resolve) => {
        let pending = 0;
        const timer = setTimeout(() => resolve({ closed: closing.length - pending }), timeoutMs);
        const done = (): void => {
          if (--pending > 0) return;
          clearTimeout(timer);
          resolve({ closed: closing.length });
        };
        for (const ws of closing) {
          if (ws.readyState === WebSocket.CLOSED) continue;
          pending++;
          ws.once('close', done);
          ws.terminate();
        }
        if (pending === 0) {
          clearTimeout(timer);
          resolve({ closed: closing.length });
        }
      });
    },

    cpu() {
      const usage = process.cpuUsage();
      return { cpuUs: usage.user + usage.system };
    },
  };
}

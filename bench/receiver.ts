// The receiver role: holds a share of the N sockets, idle, and timestamps every bench message that arrives.
import WebSocket from 'ws';
import { mintToken } from '../src/auth/mint-token.js';
import { broadcastTag, messageMarker, nowUs, pushTag, type ReceiverApi, type ReceiverStatus, type TargetKind } from './protocol.js';

type Handlers = { [K in keyof ReceiverApi]: (params: Parameters<ReceiverApi[K]>[0]) => Promise<ReturnType<ReceiverApi[K]>> | ReturnType<ReceiverApi[K]> };

const marker = Buffer.from(messageMarker);
const pushByte = pushTag.charCodeAt(0);
const broadcastByte = broadcastTag.charCodeAt(0);
const tokenTtlSec = 3600;
/** Largest latency sample buffer a phase may ask for (8 bytes each). */
const maxCapacity = 5_000_000;

/**
 * The client side of Engine.IO 4 / Socket.IO 5 over a plain `ws` socket, so every target is driven by the same
 * client library: after the open packet (`0{…}`) send the connect packet with the token (`40{"token":…}`); `40…`
 * back is ready, `44…` a refused connect; every ping (`2`) is answered with a pong (`3`).
 */
function speakSocketIo(ws: WebSocket, token: string, settle: (error?: string) => void): void {
  ws.on('message', (data: WebSocket.RawData) => {
    const bytes = data as Buffer;
    const first = bytes[0];
    if (first === 0x32 && bytes.length === 1) return ws.send('3');
    if (first === 0x30) return ws.send(`40{"token":"${token}"}`);
    if (first === 0x34 && bytes[1] === 0x30) return settle();
    if (first === 0x34 && bytes[1] === 0x34) settle(`connect refused: ${bytes.toString('utf8', 2, 200)}`);
  });
}

/**
 * Receiver `index` connects from its own loopback address (127.0.0.2, .3, …): one source address has only
 * ~28k ephemeral ports towards one server port, and 100,000 connections need several.
 */
export function sourceAddress(index: number): string {
  return `127.0.0.${2 + (index % 250)}`;
}

export function createReceiver(index = 0): Handlers {
  const localAddress = sourceAddress(index);
  let urls: string[] = [];
  /** Socket.IO only: each socket's token, sent in its connect packet. */
  let tokens: string[] = [];
  let kind: TargetKind = 'notify';
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
      const secret = target.jwtSecret;
      tokens = await Promise.all(ids.map((sub) => mintToken({ secret, sub, ttlSec: tokenTtlSec })));
      kind = target.kind;
      if (kind === 'notify') urls = tokens.map((token) => `${base}/api/v1/notifications?token=${token}`);
      else if (kind === 'baseline') urls = tokens.map((token) => `${base}/ws?token=${token}`);
      else urls = tokens.map(() => `${base}/socket.io/?EIO=4&transport=websocket`);
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
          while (inFlight < concurrency && next < urls.length) {
            openSocket(urls[next]!, tokens[next]!);
            next++;
          }
          if (inFlight === 0 && next >= urls.length) finish();
        };
        const openSocket = (url: string, token: string): void => {
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
          const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: timeoutMs, localAddress });
          sockets.push(ws);
          let wasOpen = false;
          ws.on('open', () => {
            wasOpen = true;
            open++;
            if (kind === 'baseline') settle();
          });
          ws.on('message', onMessage);
          // notify is ready with its first frame (connection_established); Socket.IO once it acks the connect packet.
          if (kind === 'notify') ws.once('message', () => settle());
          else if (kind === 'socketio') speakSocketIo(ws, token, settle);
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

// A WebSocket client over a bare TCP socket: hand-built frames (RFC 6455 §5.2) for protocol-violation tests.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export const opcodes = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  /** FIN bit; default true. */
  fin?: boolean;
  /** RSV1..RSV3 as a 3-bit number (4 = RSV1). */
  rsv?: number;
  /** Mask the payload (clients must); default true. */
  masked?: boolean;
  /** Declare this payload length instead of the real one (for oversized-frame headers). */
  declaredLength?: number;
}

/** Encodes one frame exactly as specified, violations included. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const length = spec.declaredLength ?? payload.length;
  const masked = spec.masked ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([header, mask, body]);
}

/** A close frame payload: 2-byte code + reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const buffer = Buffer.alloc(2 + Buffer.byteLength(reason));
  buffer.writeUInt16BE(code, 0);
  buffer.write(reason, 2);
  return buffer;
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export interface RawClient {
  socket: net.Socket;
  /** Frames received from the server so far. */
  frames: ServerFrame[];
  /** The server's close frame code (undefined when it sent none). */
  closeCode(): number | undefined;
  /** Resolves when the server closed or destroyed the TCP connection (its FIN or a reset). */
  ended: Promise<void>;
  /** Resolves with the close code of the server's close frame (or undefined if the TCP connection ended without one). */
  closed: Promise<number | undefined>;
  /** Resolves once a frame matching `predicate` has arrived. */
  waitFor(predicate: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  send(spec: FrameSpec): void;
  write(bytes: Buffer): boolean;
  destroy(): void;
}

export interface RawConnectOptions {
  host?: string;
  port: number;
  /** Request target, e.g. `/api/v1/notifications?token=…`. */
  path: string;
  headers?: Record<string, string>;
  /** Source address within 127.0.0.0/8, to spread many sockets over 4-tuples. */
  localAddress?: string;
  /**
   * Keep our side open after the server's FIN (a hostile peer that never finishes the closing
   * handshake); default false, like a normal client.
   */
  allowHalfOpen?: boolean;
  /** Stop reading after the handshake (the kernel buffers fill, the server's sends back up). */
  pauseAfterHandshake?: boolean;
}

/** Opens a TCP connection, performs the upgrade and resolves once the server answered 101. */
export function rawConnect(options: RawConnectOptions): Promise<RawClient> {
  const socket = net.connect({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    allowHalfOpen: options.allowHalfOpen ?? false,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  socket.setNoDelay(true);
  const frames: ServerFrame[] = [];
  const waiters = new Set<{ predicate: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }>();
  let buffer = Buffer.alloc(0);
  let handshakeDone = false;
  let closeCode: number | undefined;
  let resolveClosed!: (code: number | undefined) => void;
  const closed = new Promise<number | undefined>((resolve) => (resolveClosed = resolve));
  const ended = new Promise<void>((resolve) => {
    socket.once('end', () => resolve());
    socket.once('close', () => resolve());
  });
  void ended.then(() => resolveClosed(closeCode));
  socket.on('error', () => {});

  const parseFrames = (): void => {
    for (;;) {
      if (buffer.length < 2) return;
      const fin = (buffer[0]! & 0x80) !== 0;
      const opcode = buffer[0]! & 0x0f;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const frame = { fin, opcode, payload: buffer.subarray(offset, offset + length) };
      buffer = buffer.subarray(offset + length);
      frames.push(frame);
      if (opcode === opcodes.close) {
        closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        resolveClosed(closeCode);
      }
      for (const waiter of [...waiters]) {
        if (waiter.predicate(frame)) {
          waiters.delete(waiter);
          waiter.resolve(frame);
        }
      }
    }
  };

  const client: RawClient = {
    socket,
    frames,
    closeCode: () => closeCode,
    ended,
    closed,
    waitFor(predicate, timeoutMs = 5000) {
      const existing = frames.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise<ServerFrame>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching frame within ${timeoutMs} ms (got opcodes ${frames.map((f) => f.opcode).join(',')})`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (frame: ServerFrame) => {
            clearTimeout(timer);
            resolve(frame);
          },
        };
        waiters.add(waiter);
      });
    },
    send: (spec) => void socket.write(encodeFrame(spec)),
    write: (bytes) => socket.write(bytes),
    destroy: () => socket.destroy(),
  };

  return new Promise<RawClient>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no 101 answer within 10 s'));
    }, 10_000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!handshakeDone) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        clearTimeout(timer);
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          return;
        }
        handshakeDone = true;
        if (options.pauseAfterHandshake) socket.pause();
        resolve(client);
      }
      parseFrames();
    });
    const headers = {
      Host: `127.0.0.1:${options.port}`,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      ...options.headers,
    };
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    socket.write(`GET ${options.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** The JSON text frames received, parsed. */
export function textFrames(client: RawClient): { type: string; data: any }[] {
  return client.frames.filter((f) => f.opcode === opcodes.text).map((f) => JSON.parse(f.payload.toString()) as { type: string; data: any });
}

// A minimal keep-alive HTTP/1.1 client for the pusher: prebuilt request heads, pipelining, status-only answers (cheap on a shared 2-core box).
import { connect, type Socket } from 'node:net';

/** Called with the answer's status, or 0 and a reason when the connection broke first. */
export type OnAnswer = (status: number, error?: string) => void;

const headerEnd = Buffer.from('\r\n\r\n');
const contentLengthPattern = /\r\ncontent-length:[ \t]*(\d+)/i;

/** One keep-alive connection; requests may be pipelined, answers come back in order. */
export class RawHttpConnection {
  private readonly waiting: OnAnswer[] = [];
  private buffered: Buffer = Buffer.alloc(0);
  private broken: string | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly headPrefix: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error.message));
    socket.on('close', () => this.fail('connection closed'));
  }

  /** Connects to host:port; `headers` (e.g. "Authorization: Bearer …\r\n") go on every request. */
  static open(host: string, port: number, headers: string, timeoutMs = 5000): Promise<RawHttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawHttpConnection(socket, `Host: ${host}:${port}\r\n${headers}Content-Type: application/json\r\nContent-Length: `));
      });
    });
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.waiting.length;
  }

  get usable(): boolean {
    return this.broken === undefined;
  }

  /** Writes `POST path` with an ASCII JSON `body`; `onAnswer` runs once, with the status or a failure. */
  post(path: string, body: string, onAnswer: OnAnswer): void {
    if (this.broken !== undefined) return onAnswer(0, this.broken);
    this.waiting.push(onAnswer);
    this.socket.write(`POST ${path} HTTP/1.1\r\n${this.headPrefix}${body.length}\r\n\r\n${body}`, 'latin1');
  }

  /** Holds writes until uncork(), so one tick's requests leave in one packet. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const end = this.buffered.indexOf(headerEnd);
      if (end < 0) return;
      const head = this.buffered.toString('latin1', 0, end);
      const length = contentLengthPattern.exec(head);
      if (!length) {
        this.fail('answer without Content-Length (chunked answers are not supported)');
        this.socket.destroy();
        return;
      }
      const total = end + headerEnd.length + Number(length[1]);
      if (this.buffered.length < total) return;
      this.buffered = this.buffered.subarray(total);
      const status = Number(head.slice(9, 12));
      this.waiting.shift()?.(status);
    }
  }

  private fail(reason: string): void {
    if (this.broken !== undefined) return;
    this.broken = reason;
    for (const onAnswer of this.waiting.splice(0)) onAnswer(0, reason);
  }
}

// HTTP/1.1 requests written by hand on a TCP socket, for requests fetch() refuses to send (huge or many headers).
import net from 'node:net';

/** Sends one request and resolves with the status code of the answer (0 when the connection closed without one). */
export function rawHttpStatus(port: number, target: string, headers: Record<string, string> = {}, method = 'GET', timeoutMs = 10_000): Promise<number> {
  const lines = Object.entries({ Host: `127.0.0.1:${port}`, ...headers }).map(([name, value]) => `${name}: ${value}`);
  return rawHttpRequest(port, `${method} ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, timeoutMs);
}

/** Writes `request` as is and resolves with the answer's status code (0 when the connection closed without one). */
export function rawHttpRequest(port: number, request: string | Buffer, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (status: number): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) done(Number(match[1]));
    });
    // The server may answer and close before reading everything we wrote: a reset is not a failure here.
    socket.on('error', () => done(0));
    socket.on('close', () => done(0));
    socket.write(request);
  });
}

// The raw `ws` baseline: a JWT verified per connect, user → sockets, and a POST /push that sends the body as is (no store, no validation).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { createReferenceVerifier, queryParam, referenceSecretFromEnv } from './reference-auth.js';

export interface BaselineServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on host:port. `GET /ws?token=JWT` upgrades once the HS256 token verifies (its `sub` is the user);
 * `POST /push?user=ID` sends the body to that user's sockets, `POST /push` to every socket; both answer
 * 201 {delivered}. `GET /ping` answers 200.
 */
export function startBaselineServer(host: string, port: number, jwtSecret: string): Promise<BaselineServer> {
  const users = new Map<string, Set<WebSocket>>();
  const verify = createReferenceVerifier(jwtSecret);
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });

  function push(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const user = queryParam(request.url ?? '', 'user');
      let delivered = 0;
      const send = (set: Set<WebSocket>): void => {
        for (const ws of set) {
          ws.send(body, { binary: false });
          delivered++;
        }
      };
      if (user === undefined) for (const set of users.values()) send(set);
      else {
        const set = users.get(user);
        if (set) send(set);
      }
      const answer = `{"delivered":${delivered}}`;
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
    });
  }

  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url?.startsWith('/push')) return push(request, response);
    if (request.url === '/ping') return void response.writeHead(200, { 'content-length': 4 }).end('pong');
    response.writeHead(404, { 'content-length': 0 }).end();
  });
  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    socket.on('error', () => socket.destroy());
    const token = request.url?.startsWith('/ws') ? queryParam(request.url, 'token') : undefined;
    if (!token) return void socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    void verify(token).then((user) => {
      if (user === undefined) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      wss.handleUpgrade(request, socket, head, (ws) => {
        let set = users.get(user);
        if (!set) users.set(user, (set = new Set()));
        set.add(ws);
        ws.on('error', () => ws.terminate());
        ws.on('close', () => {
          set.delete(ws);
          if (set.size === 0 && users.get(user) === set) users.delete(user);
        });
      });
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

// Run as a script: `node baseline-server.js --host H --port P`.
const main = process.argv[1]?.endsWith('baseline-server.js');
if (main) {
  const arg = (name: string): string | undefined => {
    const at = process.argv.indexOf(name);
    return at < 0 ? undefined : process.argv[at + 1];
  };
  const host = arg('--host') ?? '127.0.0.1';
  startBaselineServer(host, Number(arg('--port') ?? 0), referenceSecretFromEnv()).then(
    (baseline) => {
      const stop = (): void => void baseline.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`baseline-server: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

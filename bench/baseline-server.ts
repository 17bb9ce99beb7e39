// The raw `ws` baseline: user → sockets and a POST /push that sends the body as is (no auth, no store, no validation).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export interface BaselineServer {
  port: number;
  close(): Promise<void>;
}

/** Everything before the first `&` after `user=`, or undefined. */
function userParam(url: string): string | undefined {
  const at = url.indexOf('user=');
  if (at < 0) return undefined;
  const end = url.indexOf('&', at);
  return decodeURIComponent(url.slice(at + 5, end < 0 ? undefined : end));
}

/**
 * Listens on host:port. `GET /ws?user=ID` upgrades; `POST /push?user=ID` sends the body to that user's
 * sockets, `POST /push` to every socket; both answer 201 {delivered}. `GET /ping` answers 200.
 */
export function startBaselineServer(host: string, port: number): Promise<BaselineServer> {
  const users = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });

  function push(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const user = userParam(request.url ?? '');
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
    const user = request.url?.startsWith('/ws') ? userParam(request.url) : undefined;
    if (!user) return void socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
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
  startBaselineServer(host, Number(arg('--port') ?? 0)).then(
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

// The Socket.IO 4 reference: default options, websocket transport, the JWT checked on connect, a room per user, POST /push emits.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import { createReferenceVerifier, queryParam, referenceSecretFromEnv } from './reference-auth.js';

export interface SocketIoReference {
  port: number;
  close(): Promise<void>;
}

/** The event every pushed notification travels as. */
export const socketIoEvent = 'notification';

/**
 * Listens on host:port. Socket.IO at `/socket.io/` (websocket transport only; the connect packet's
 * `auth.token`, an HS256 JWT, is verified in a middleware and its `sub` joins the socket to that user's room);
 * `POST /push?user=ID` emits the parsed body to that room, `POST /push` to every socket; both answer
 * 201 {delivered}, 400 on a body that is not JSON. `GET /ping` answers 200.
 */
export function startSocketIoReference(host: string, port: number, jwtSecret: string): Promise<SocketIoReference> {
  const verify = createReferenceVerifier(jwtSecret);

  function push(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'));
      } catch {
        return void response.writeHead(400, { 'content-length': 0 }).end();
      }
      const user = queryParam(request.url ?? '', 'user');
      const audience = user === undefined ? io.sockets.sockets.size : (io.sockets.adapter.rooms.get(user)?.size ?? 0);
      if (user === undefined) io.emit(socketIoEvent, body);
      else io.to(user).emit(socketIoEvent, body);
      const answer = `{"delivered":${audience}}`;
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
    });
  }

  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url?.startsWith('/push')) return push(request, response);
    if (request.url === '/ping') return void response.writeHead(200, { 'content-length': 4 }).end('pong');
    response.writeHead(404, { 'content-length': 0 }).end();
  });
  // Default options but for the transport: websocket only, as a team chasing throughput would configure it.
  const io = new Server(server, { transports: ['websocket'] });
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token !== 'string') return next(new Error('no token'));
    verify(token).then(
      (user) => {
        if (user === undefined) return next(new Error('invalid token'));
        socket.data = { user };
        next();
      },
      () => next(new Error('invalid token')),
    );
  });
  io.on('connection', (socket) => void socket.join((socket.data as { user: string }).user));

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            void io.close(() => done());
          }),
      });
    });
  });
}

// Run as a script: `node socketio-server.js --host H --port P` (BENCH_JWT_SECRET in the environment).
const main = process.argv[1]?.endsWith('socketio-server.js');
if (main) {
  const arg = (name: string): string | undefined => {
    const at = process.argv.indexOf(name);
    return at < 0 ? undefined : process.argv[at + 1];
  };
  startSocketIoReference(arg('--host') ?? '127.0.0.1', Number(arg('--port') ?? 0), referenceSecretFromEnv()).then(
    (reference) => {
      const stop = (): void => void reference.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`socketio-server: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

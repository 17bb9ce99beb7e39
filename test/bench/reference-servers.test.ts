// The bench's references do the job they stand in for: raw ws and Socket.IO verify the JWT on connect and deliver pushes per user.
import { randomBytes } from 'node:crypto';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBaselineServer, type BaselineServer } from '../../bench/baseline-server.js';
import { startSocketIoReference, socketIoEvent, type SocketIoReference } from '../../bench/socketio-server.js';
import { mintToken } from '../../src/auth/mint-token.js';

const host = '127.0.0.1';
const secret = randomBytes(32).toString('hex');

async function post(port: number, path: string, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`http://${host}:${port}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.status, json: response.status === 201 ? await response.json() : undefined };
}

describe('raw ws baseline', () => {
  let server: BaselineServer;
  beforeAll(async () => void (server = await startBaselineServer(host, 0, secret)));
  afterAll(() => server.close());

  function open(token: string): Promise<WebSocket> {
    const ws = new WebSocket(`ws://${host}:${server.port}/ws?token=${token}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  it('refuses a token signed with another secret and one without a sub', async () => {
    const forged = await mintToken({ secret: randomBytes(32).toString('hex'), sub: 'u1', ttlSec: 60 });
    await expect(open(forged)).rejects.toThrow(/401/);
    await expect(open('not.a.jwt')).rejects.toThrow(/401/);
  });

  it("delivers a push to the token's user only", async () => {
    const alice = await open(await mintToken({ secret, sub: 'alice', ttlSec: 60 }));
    const bob = await open(await mintToken({ secret, sub: 'bob', ttlSec: 60 }));
    const bobGot: string[] = [];
    bob.on('message', (data: Buffer) => bobGot.push(data.toString()));
    const got = new Promise<string>((resolve) => alice.once('message', (data: Buffer) => resolve(data.toString())));
    expect(await post(server.port, '/push?user=alice', '{"n":1}')).toEqual({ status: 201, json: { delivered: 1 } });
    expect(await got).toBe('{"n":1}');
    expect(bobGot).toEqual([]);
    alice.close();
    bob.close();
  });
});

describe('Socket.IO reference (driven by the official socket.io-client)', () => {
  let server: SocketIoReference;
  const clients: Socket[] = [];
  beforeAll(async () => void (server = await startSocketIoReference(host, 0, secret)));
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  function open(token: string): Promise<Socket> {
    const socket = connectSocketIo(`http://${host}:${server.port}`, { transports: ['websocket'], auth: { token }, reconnection: false });
    clients.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('refuses a connect whose token does not verify', async () => {
    const forged = await mintToken({ secret: randomBytes(32).toString('hex'), sub: 'u1', ttlSec: 60 });
    await expect(open(forged)).rejects.toThrow(/invalid token/);
  });

  it("emits a push to the token's user only, and a broadcast to everyone", async () => {
    const alice = await open(await mintToken({ secret, sub: 'alice', ttlSec: 60 }));
    const bob = await open(await mintToken({ secret, sub: 'bob', ttlSec: 60 }));
    const bobGot: unknown[] = [];
    bob.on(socketIoEvent, (body: unknown) => bobGot.push(body));
    const got = new Promise<unknown>((resolve) => alice.once(socketIoEvent, resolve));
    expect(await post(server.port, '/push?user=alice', '{"n":1}')).toEqual({ status: 201, json: { delivered: 1 } });
    expect(await got).toEqual({ n: 1 });
    expect(bobGot).toEqual([]);
    const bobBroadcast = new Promise<unknown>((resolve) => bob.once(socketIoEvent, resolve));
    expect(await post(server.port, '/push', '{"all":true}')).toEqual({ status: 201, json: { delivered: 2 } });
    expect(await bobBroadcast).toEqual({ all: true });
    expect((await post(server.port, '/push', 'not json')).status).toBe(400);
  });
});

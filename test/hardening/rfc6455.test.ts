// RFC 6455 violations sent as raw frames: each gets its close code, and the socket is gone within the close timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTimeoutMs } from '../../src/transport/websocket.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect } from '../support/ws-client.js';
import { closePayload, encodeFrame, opcodes, rawConnect, textFrames, type FrameSpec, type RawClient } from './support/raw-ws.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.close();
});

async function open(userId: string, options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
  const token = await server.mintUserToken(userId);
  const client = await rawConnect({ port: server.server.port, path: `/api/v1/notifications?token=${token}`, ...options });
  // The session is live once connection_established and the snapshot have arrived.
  await client.waitFor((f) => f.opcode === opcodes.text && f.payload.includes('unread_notifications'));
  return client;
}

const text = (payload: string | Buffer, extra: Partial<FrameSpec> = {}): FrameSpec => ({ opcode: opcodes.text, payload, ...extra });

/** [name, expected close code, frames to send] */
const violations: [string, number, FrameSpec[]][] = [
  ['invalid UTF-8 in a text frame', 1007, [text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))]],
  ['invalid UTF-8 split across fragments', 1007, [text(Buffer.from([0xe2, 0x82]), { fin: false }), { opcode: opcodes.continuation, payload: Buffer.from([0x28]) }]],
  ['an unmasked client frame', 1002, [text('{"action":"ping"}', { masked: false })]],
  ['RSV1 set without an extension', 1002, [text('PING', { rsv: 4 })]],
  ['RSV2 and RSV3 set', 1002, [text('PING', { rsv: 3 })]],
  ['reserved data opcode 0x3', 1002, [{ opcode: 0x3, payload: 'x' }]],
  ['reserved control opcode 0xB', 1002, [{ opcode: 0xb, payload: 'x' }]],
  ['a ping over 125 bytes', 1002, [{ opcode: opcodes.ping, payload: Buffer.alloc(126, 1) }]],
  ['a fragmented ping', 1002, [{ opcode: opcodes.ping, payload: 'a', fin: false }]],
  ['close code 1005 on the wire', 1002, [{ opcode: opcodes.close, payload: closePayload(1005) }]],
  ['close code 999 on the wire', 1002, [{ opcode: opcodes.close, payload: closePayload(999) }]],
  ['a 1-byte close payload', 1002, [{ opcode: opcodes.close, payload: Buffer.from([3]) }]],
  ['a continuation without a start', 1002, [{ opcode: opcodes.continuation, payload: 'x' }]],
  ['a new data frame inside a fragmented message', 1002, [text('{"act', { fin: false }), text('ion":"ping"}')]],
];

describe('RFC 6455 violations', () => {
  it.each(violations)('%s → close %i', async (_name, code, frames) => {
    const client = await open('alice');
    for (const frame of frames) client.send(frame);
    expect(await client.closed).toBe(code);
    await client.ended;
    client.destroy();
  });

  it('a close reason that is not UTF-8 → 1007', async () => {
    const client = await open('alice');
    client.send({ opcode: opcodes.close, payload: Buffer.concat([closePayload(1000), Buffer.from([0xc3, 0x28])]) });
    expect(await client.closed).toBe(1007);
    client.destroy();
  });

  it('too many fragments of one message → closed 1008 long before the payload limit', async () => {
    const client = await open('alice');
    const fragments = [encodeFrame(text('{', { fin: false }))];
    for (let i = 0; i < 200; i++) fragments.push(encodeFrame({ opcode: opcodes.continuation, payload: ' ', fin: false }));
    client.write(Buffer.concat(fragments));
    expect(await client.closed).toBe(1008);
    client.destroy();
  });

  it('a frame header declaring 2^63-1 bytes → closed (1009), nothing allocated', async () => {
    const client = await open('alice');
    const header = encodeFrame({ opcode: opcodes.binary, payload: Buffer.alloc(0), declaredLength: 2 ** 53 - 1 });
    // Rewrite the 64-bit length to the largest value the RFC allows.
    header.writeBigUInt64BE(2n ** 63n - 1n, 2);
    client.write(header);
    expect([1009, 1002]).toContain(await client.closed);
    client.destroy();
  });

  it('a well-formed fragmented message and control frames between fragments are fine', async () => {
    const client = await open('alice');
    client.send(text('{"action":', { fin: false }));
    client.send({ opcode: opcodes.ping, payload: 'hi' });
    client.send({ opcode: opcodes.continuation, payload: '"ping"}' });
    await client.waitFor((f) => f.opcode === opcodes.pong);
    await client.waitFor((f) => f.opcode === opcodes.text && f.payload.includes('"pong"'));
    client.send({ opcode: opcodes.binary, payload: Buffer.from([1, 2, 3]) });
    await client.waitFor((f) => f.opcode === opcodes.text && f.payload.includes('request_error'));
    expect(textFrames(client).find((f) => f.type === 'request_error')!.data.code).toBe('invalid_message');
    client.send({ opcode: opcodes.close, payload: closePayload(1000) });
    expect(await client.closed).toBe(1000);
    client.destroy();
  });

  it('a peer that never finishes the closing handshake is destroyed within the close timeout; others unaffected', async () => {
    const { hub } = server.server.context;
    const users = Array.from({ length: 5 }, (_, i) => `hostile${i}`);
    const hostile = await Promise.all(users.map((user) => open(user, { allowHalfOpen: true })));
    const remaining = (): number => users.reduce((sum, user) => sum + hub.connectionsOf(user).size, 0);
    expect(remaining()).toBe(5);
    const started = Date.now();
    for (const client of hostile) client.send({ opcode: 0x3, payload: 'x' });
    await Promise.all(hostile.map((c) => c.closed));
    // They keep their side open and never answer the close frame.
    const other = await connect(server.wsUrl, { token: await server.mintUserToken('bystander') });
    other.send('PING');
    await other.nextOfType('pong');
    while (remaining() > 0 && Date.now() - started < closeTimeoutMs + 5000) await new Promise((r) => setTimeout(r, 50));
    const elapsed = Date.now() - started;
    expect(remaining()).toBe(0);
    expect(elapsed).toBeLessThan(closeTimeoutMs + 2000);
    expect(hub.connectionsOf('bystander').size).toBe(1);
    await other.close();
    for (const client of hostile) client.destroy();
  });
});

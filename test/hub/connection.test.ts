// Connection ordering rules: held frames during sync, no duplicates, and late (older) ids from other nodes still delivered.
import { describe, expect, it } from 'vitest';
import { Connection, type Transport } from '../../src/hub/connection.js';

function fakeTransport(): Transport & { sent: string[] } {
  const sent: string[] = [];
  return { sent, bufferedAmount: 0, send: (frame) => sent.push(frame), ping: () => {}, close: () => {}, terminate: () => {} };
}

const limits = { maxBufferedBytes: 1 << 20, clientMessagesPerSecond: 50 };
const id = (n: number) => String(n).padStart(16, '0');

describe('Connection', () => {
  it('holds live frames during sync, then drops the ones the snapshot covered', () => {
    const transport = fakeTransport();
    const connection = new Connection('alice', transport, Date.now() + 60_000, limits, () => {});
    connection.send('live 2', id(2));
    connection.send('live 3', id(3));
    expect(transport.sent).toEqual([]);
    connection.sendSync('snapshot');
    connection.markDelivered(id(2));
    connection.goLive();
    expect(transport.sent).toEqual(['snapshot', 'live 3']);
  });

  it('delivers an older id that arrives late (another node over the bus), once', () => {
    const transport = fakeTransport();
    const connection = new Connection('alice', transport, Date.now() + 60_000, limits, () => {});
    connection.goLive();
    expect(connection.send('six', id(6))).toBe(true);
    expect(connection.send('five', id(5))).toBe(true);
    expect(connection.send('six again (a replay)', id(6))).toBe(false);
    expect(transport.sent).toEqual(['six', 'five']);
  });

  it('drops backlog ids already sent during a resume', () => {
    const transport = fakeTransport();
    const connection = new Connection('alice', transport, Date.now() + 60_000, limits, () => {});
    connection.send('live 4', id(4));
    connection.sendSync('backlog 3', id(3));
    connection.sendSync('backlog 4', id(4));
    connection.goLive();
    expect(transport.sent).toEqual(['backlog 3', 'backlog 4']);
  });

  it('calls the slow-consumer hook instead of buffering past the cap', () => {
    const transport = { ...fakeTransport(), bufferedAmount: 900 };
    let slow = 0;
    const connection = new Connection('alice', transport, Date.now() + 60_000, { ...limits, maxBufferedBytes: 1000 }, () => slow++);
    connection.goLive();
    expect(connection.send('x'.repeat(200))).toBe(false);
    expect(slow).toBe(1);
  });
});

// The hub's bookkeeping of a user's devices: one, several, back to one, none; the per-user limit; delivery to each.
import { describe, expect, it } from 'vitest';
import { Connection, type Transport } from '../../src/hub/connection.js';
import { Hub } from '../../src/hub/hub.js';

function device(userId: string): Connection & { transport: Transport & { sent: string[] } } {
  const sent: string[] = [];
  const transport = { sent, bufferedAmount: 0, send: (frame: string) => void sent.push(frame), ping: () => {}, close: () => {}, terminate: () => {} };
  const connection = new Connection(userId, transport, Date.now() + 60_000, { maxBufferedBytes: 1 << 20, clientMessagesPerSecond: 50 }, () => {});
  connection.goLive();
  return connection as Connection & { transport: typeof transport };
}

describe('Hub', () => {
  it('keeps one device, a second and a third, and goes back to one and none as they leave', () => {
    const hub = new Hub(3);
    const [a, b, c] = [device('ann'), device('ann'), device('ann')];
    expect(hub.add(a)).toBe(true);
    expect([hub.countOf('ann'), hub.size, [...hub.connectionsOf('ann')]]).toEqual([1, 1, [a]]);
    expect(hub.add(b)).toBe(true);
    expect(hub.add(c)).toBe(true);
    expect([hub.countOf('ann'), hub.size, hub.userCount]).toEqual([3, 3, 1]);
    expect(hub.deliver('ann', 'f1')).toBe(3);
    hub.remove(b);
    hub.remove(b); // twice: no effect
    expect([hub.countOf('ann'), hub.size, [...hub.all()]]).toEqual([2, 2, [a, c]]);
    hub.remove(a);
    expect([hub.countOf('ann'), [...hub.connectionsOf('ann')]]).toEqual([1, [c]]);
    expect(hub.deliver('ann', 'f2')).toBe(1);
    hub.remove(c);
    expect([hub.countOf('ann'), hub.size, hub.userCount, hub.userIds()]).toEqual([0, 0, 0, []]);
    expect(hub.deliver('ann', 'f3')).toBe(0);
    expect([a.transport.sent, b.transport.sent, c.transport.sent]).toEqual([['f1'], ['f1'], ['f1', 'f2']]);
  });

  it('refuses a device past the per-user limit and leaves nothing behind for a limit of 0', () => {
    const hub = new Hub(1);
    const [a, b] = [device('bob'), device('bob')];
    expect(hub.add(a)).toBe(true);
    expect(hub.add(b)).toBe(false);
    hub.remove(b); // never added: no effect
    expect([hub.countOf('bob'), hub.size]).toEqual([1, 1]);
    const none = new Hub(0);
    expect(none.add(device('cat'))).toBe(false);
    expect([none.size, none.userCount]).toEqual([0, 0]);
  });
});

// A storm device process: many devices, each a NotifyClient with default options, recording what it receives.
import WebSocket from 'ws';
import { mintToken } from '../../src/auth/mint-token.js';
import { NotifyClient } from '../../src/client/index.js';
import type { DeviceRecord, DevicesCommand, DevicesReport, DevicesStart, DevicesStatus } from './protocol.js';
import { usersOfDevice } from './protocol.js';

/**
 * The initial connect is not what is measured: each process opens up to 25 devices per 100 ms and keeps at most
 * 50 waiting for their first connection_established, so a slow server is not flooded before the restart.
 */
const openPerTick = 25;
const tickMs = 100;
const maxFirstConnectsInFlight = 50;

/** A source address of its own per device (127.10.0.1 …), so reconnects never run short of ephemeral ports. */
function sourceAddress(index: number): string {
  return `127.${10 + Math.floor(index / 62_500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;
}

const records: DeviceRecord[] = [];
const clients: NotifyClient[] = [];
/** Close codes seen by every device of this process, with counts (1006: refused or dropped). */
const closeCodes = new Map<number, number>();

async function hold(start: DevicesStart): Promise<void> {
  const tokens = new Map<string, string>();
  for (let i = start.first; i < start.first + start.count; i++) {
    const userId = usersOfDevice(i);
    if (!tokens.has(userId)) tokens.set(userId, await mintToken({ secret: start.jwtSecret, sub: userId, ttlSec: 86_400 }));
  }

  const openOne = (index: number): void => {
    const record: DeviceRecord = { index, delivered: {}, snapshot: [], established: [], disconnected: [] };
    records.push(record);
    const localAddress = sourceAddress(index);
    class DeviceSocket extends WebSocket {
      constructor(url: string) {
        super(url, { localAddress });
      }
    }
    const token = tokens.get(usersOfDevice(index))!;
    const client = new NotifyClient({ url: start.url, getToken: () => token, WebSocket: DeviceSocket, ...(start.backoff && { backoff: start.backoff }), ...(start.connectTimeoutMs && { connectTimeoutMs: start.connectTimeoutMs }) });
    client.on('notification', (n) => (record.delivered[n.id] = (record.delivered[n.id] ?? 0) + 1));
    client.on('unread_notifications', (m) => record.snapshot.push(...m.data.notifications.map((n) => n.id)));
    client.on('connection_established', () => record.established.push(Date.now()));
    client.on('disconnect', ({ code }) => {
      record.disconnected.push(Date.now());
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    });
    client.on('client_error', () => {});
    client.connect().catch(() => {});
    clients.push(client);
  };

  let next = start.first;
  const opener = setInterval(() => {
    const waiting = records.filter((r) => r.established.length === 0).length;
    const room = Math.min(openPerTick, maxFirstConnectsInFlight - waiting);
    for (let i = 0; i < room && next < start.first + start.count; i++) openOne(next++);
    if (next >= start.first + start.count) clearInterval(opener);
  }, tickMs);
}

// Listening from the start: a status request may come while the tokens are still being minted.
process.on('message', (command: DevicesCommand) => {
  if (command.kind === 'start') {
    hold(command).catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  } else if (command.kind === 'status') {
    const status: DevicesStatus = {
      kind: 'status',
      open: clients.filter((c) => c.state === 'open').length,
      back: records.filter((r) => r.established.some((t) => t >= command.sinceMs)).length,
      states: {},
      closeCodes: {},
    };
    for (const client of clients) status.states[client.state] = (status.states[client.state] ?? 0) + 1;
    for (const [code, count] of closeCodes) status.closeCodes[code] = count;
    process.send!(status);
  } else if (command.kind === 'report') {
    const report: DevicesReport = { kind: 'report', devices: records };
    process.send!(report);
  } else if (command.kind === 'stop') {
    process.exit(0);
  }
});

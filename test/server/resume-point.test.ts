// Every connection gets a resume point: a device that saw nothing gets what was pushed while it was away as notifications, once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originId } from '../../src/store/arguments.js';
import { startServer, type TestServer } from '../support/server.js';
import { databaseUrl, dropSchema, postgresUnavailable, skipReason } from '../support/services.js';
import { openSse, type SseFrame, type SseStream } from '../support/sse-client.js';
import { connect, type Frame } from '../support/ws-client.js';

const info = (title: string) => ({ title, message: 'm', priority: 'low' as const });
const streamPath = '/api/v1/notifications/stream';
let userCount = 0;
/** A user of its own per test, so tests on a shared store never see each other's notifications. */
const freshUser = (): string => `device-${process.pid}-${++userCount}`;

/** One device over one transport: connect (optionally resuming), read its frames, hang up. */
interface Device {
  /** Frames of this connection, in order. */
  frames: (Frame | SseFrame)[];
  /** The SSE `id:` of each frame (WebSocket: undefined). */
  eventIds: (string | undefined)[];
  next(predicate: (frame: Frame | SseFrame) => boolean, timeoutMs?: number): Promise<Frame | SseFrame>;
  close(): Promise<void>;
}

type Transport = 'ws' | 'sse';

async function openDevice(server: TestServer, transport: Transport, userId: string, resumeFrom?: string): Promise<Device> {
  const token = await server.mintUserToken(userId);
  if (transport === 'ws') {
    const client = await connect(server.wsUrl, { token, ...(resumeFrom !== undefined && { since: resumeFrom }) });
    return {
      frames: client.frames,
      get eventIds() {
        return client.frames.map(() => undefined);
      },
      next: (predicate, timeoutMs) => client.next(predicate, timeoutMs),
      close: () => client.close(),
    };
  }
  // Like an EventSource coming back: the point travels in Last-Event-ID.
  const opened = await openSse(`${server.url}${streamPath}`, { token, ...(resumeFrom !== undefined && { lastEventId: resumeFrom }) });
  if (!opened.ok) throw new Error(`stream refused: ${opened.status}`);
  const stream: SseStream = opened.stream;
  return {
    frames: stream.frames,
    get eventIds() {
      return stream.events.map((e) => e.id);
    },
    next: (predicate, timeoutMs) => stream.next((frame) => predicate(frame), timeoutMs),
    async close() {
      stream.close();
      await stream.ended;
    },
  };
}

/** The resume point a device keeps from its first connection: `resumeFrom` (SSE: the event id of connection_established). */
async function firstConnection(server: TestServer, transport: Transport, userId: string): Promise<string> {
  const device = await openDevice(server, transport, userId);
  const established = await device.next((f) => f.type === 'connection_established');
  const snapshot = await device.next((f) => f.type === 'unread_notifications');
  expect(snapshot.data.notifications).toEqual([]);
  const resumeFrom = established.data.resumeFrom as string;
  if (transport === 'sse') expect(device.eventIds[device.frames.indexOf(established)]).toBe(resumeFrom);
  await device.close();
  return resumeFrom;
}

/** Reconnects from `resumeFrom` and checks that `expected` arrive as notification frames, in order, each once, with no snapshot. */
async function expectResumed(server: TestServer, transport: Transport, userId: string, resumeFrom: string, expected: string[]): Promise<void> {
  const device = await openDevice(server, transport, userId, resumeFrom);
  try {
    const established = await device.next((f) => f.type === 'connection_established');
    expect(established.data.resumed).toBe(true);
    expect(established.data.resumeFrom).toBe(expected.at(-1));
    const live = (await server.push(userId, 'info', info('live'))).id;
    await device.next((f) => f.id === live);
    const notifications = device.frames.filter((f) => f.type === 'info');
    expect(notifications.map((f) => f.id)).toEqual([...expected, live]);
    expect(device.frames.some((f) => f.type === 'unread_notifications')).toBe(false);
    if (transport === 'sse') {
      // Each notification event carries its id, so the browser's own Last-Event-ID moves with it.
      const tagged = device.frames.map((f, i) => [f, device.eventIds[i]] as const).filter(([f]) => f.type === 'info');
      for (const [frame, eventId] of tagged) expect(eventId).toBe(frame.id);
    }
  } finally {
    await device.close();
  }
}

interface Backend {
  name: string;
  store(): string;
  /** Extra server options (the PostgreSQL schema). */
  options(): { pgSchema?: string };
  unavailable(): Promise<string | null>;
  dispose(): Promise<void>;
}

const sqliteDir = mkdtempSync(path.join(tmpdir(), 'notify-resume-point-'));
const pgSchema = `notify_resume_point_${process.pid}_${Date.now().toString(36)}`;
const backends: Backend[] = [
  {
    name: 'sqlite',
    store: () => `sqlite:${path.join(sqliteDir, 'notify.db')}`,
    options: () => ({}),
    unavailable: async () => null,
    dispose: async () => rmSync(sqliteDir, { recursive: true, force: true }),
  },
  {
    name: 'postgres',
    store: () => databaseUrl,
    options: () => ({ pgSchema }),
    unavailable: postgresUnavailable,
    dispose: () => dropSchema(pgSchema),
  },
];

for (const backend of backends) {
  const skip = skipReason(`resume point on ${backend.name}`, [await backend.unavailable()]);
  describe.skipIf(skip !== null)(`resume point (${backend.name})`, () => {
    let server: TestServer;
    const start = async (): Promise<TestServer> => (server = await startServer({ store: backend.store(), ...backend.options() }));

    beforeAll(start);
    afterAll(async () => {
      await server.close();
      await backend.dispose();
    });

    for (const transport of ['ws', 'sse'] as const) {
      it(`${transport}: a device that received nothing gets what was pushed while it was away as notifications, once, in order`, async () => {
        const userId = freshUser();
        const resumeFrom = await firstConnection(server, transport, userId);
        expect(resumeFrom).toBe(originId);
        const missed: string[] = [];
        for (let i = 0; i < 5; i++) missed.push((await server.push(userId, 'info', info(`missed ${i}`))).id);
        await expectResumed(server, transport, userId, resumeFrom, missed);
      });

      it(`${transport}: with history but nothing unread, the resume point is the newest id`, async () => {
        const userId = freshUser();
        const old = [(await server.push(userId, 'info', info('old 1'))).id, (await server.push(userId, 'info', info('old 2'))).id];
        const reader = await connect(server.wsUrl, { token: await server.mintUserToken(userId) });
        await reader.nextOfType('unread_notifications');
        reader.send({ action: 'mark_all_read' });
        await reader.nextOfType('notification_read');
        await reader.close();
        const resumeFrom = await firstConnection(server, transport, userId);
        expect(resumeFrom).toBe(old[1]);
        const missed = [(await server.push(userId, 'info', info('missed'))).id];
        await expectResumed(server, transport, userId, resumeFrom, missed);
      });

      it(`${transport}: the same across a server restart on the same store`, async () => {
        const userId = freshUser();
        const resumeFrom = await firstConnection(server, transport, userId);
        await server.close();
        await start();
        const missed: string[] = [];
        for (let i = 0; i < 3; i++) missed.push((await server.push(userId, 'info', info(`after restart ${i}`))).id);
        await expectResumed(server, transport, userId, resumeFrom, missed);
      });
    }
  });
}

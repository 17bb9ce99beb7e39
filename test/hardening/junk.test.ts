// Junk client messages: every frame gets exactly one on-contract answer (request_error for junk) and the socket
// stays open; a flood is cut at the rate limit with 1008; nothing throws out of the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type Frame, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const escaped: unknown[] = [];
const onEscape = (error: unknown): void => void escaped.push(error);

let dir: string;
let server: TestServer;

beforeAll(async () => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  dir = mkdtempSync(path.join(tmpdir(), 'notify-junk-'));
  // SQLite, so junk ids and cursors reach real SQL.
  server = await startServer({ store: `sqlite:${path.join(dir, 'junk.db')}`, clientMessagesPerSecond: 100_000 });
  for (let i = 0; i < 3; i++) await server.push('alice', 'info', { title: `n${i}`, message: 'm', priority: 'low' });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});

afterEach(() => {
  expect(escaped, 'uncaught exceptions or unhandled rejections').toEqual([]);
});

/** Sends `frame` and resolves with the one answer it got (frames after `seen`). */
async function answerTo(client: TestClient, frame: string | Buffer, binary = false): Promise<Frame> {
  const seen = client.frames.length;
  client.socket.send(frame, { binary });
  return client.next(() => true, 5000, seen);
}

const value = fc.jsonValue({ maxDepth: 3 });
const junkFrame = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  value.map((v) => JSON.stringify(v) ?? 'null'),
  fc.record({ action: fc.string({ maxLength: 80 }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc
    .record({
      action: fc.constantFrom('ping', 'mark_read', 'acknowledge', 'mark_all_read', 'load_more', 'refresh_token', 'configure', 'subscribe', 'PING', ''),
      id: value,
      before: value,
      limit: fc.oneof(fc.integer(), fc.double(), value),
      token: value,
      frequency: fc.oneof(fc.double(), value),
      extra: value,
    }, { requiredKeys: ['action'] })
    .map((o) => JSON.stringify(o)),
);

describe('junk client frames', () => {
  it('property: every frame gets exactly one on-contract answer, the socket stays open', async () => {
    const client = await connect(server.wsUrl, { token: await server.mintUserToken('alice') });
    await client.nextOfType('unread_notifications');
    await fc.assert(
      fc.asyncProperty(junkFrame, async (frame) => {
        const seen = client.frames.length;
        const answer = await answerTo(client, frame);
        // At most one more frame may follow (mark_all_read answers every device, this one included, once).
        await new Promise((resolve) => setImmediate(resolve));
        expect(client.frames.length - seen).toBe(1);
        expect(['request_error', 'pong', 'notification_read', 'notifications_page', 'token_refreshed']).toContain(answer.type);
        expect(client.socket.readyState).toBe(client.socket.OPEN);
      }),
      { numRuns: 300, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
    expectOnContract(client.frames);
    await client.close();
  });

  it.each([
    ['not JSON', '{"action":', 'invalid_json'],
    ['an empty frame', '', 'invalid_json'],
    ['a JSON string', '"ping"', 'invalid_message'],
    ['null', 'null', 'invalid_message'],
    ['an unknown action', '{"action":"subscribe","channel":"*"}', 'unknown_action'],
    ['a very long unknown action', JSON.stringify({ action: 'x'.repeat(50_000) }), 'unknown_action'],
    ['mark_read without id', '{"action":"mark_read"}', 'invalid_message'],
    ['mark_read with a numeric id', '{"action":"mark_read","id":5}', 'invalid_message'],
    ['mark_read with an id of 50,000 characters', JSON.stringify({ action: 'mark_read', id: '9'.repeat(50_000) }), 'invalid_message'],
    ['mark_read with SQL in the id', JSON.stringify({ action: 'mark_read', id: "1' OR '1'='1" }), 'invalid_message'],
    ['load_more with limit 1e308', '{"action":"load_more","limit":1e308}', 'invalid_message'],
    ['load_more with limit -1', '{"action":"load_more","limit":-1}', 'invalid_message'],
    ['load_more with a string limit', '{"action":"load_more","limit":"10"}', 'invalid_message'],
    ['load_more with SQL in before', JSON.stringify({ action: 'load_more', before: "0'; DROP TABLE notifications; --" }), 'invalid_message'],
    ['load_more with an object before', '{"action":"load_more","before":{"$gt":""}}', 'invalid_message'],
    ['an extra field', '{"action":"ping","admin":true}', 'invalid_message'],
    ['__proto__ pollution', '{"action":"ping","__proto__":{"polluted":true}}', 'invalid_message'],
    ['constructor pollution', '{"action":"mark_all_read","constructor":{"prototype":{"polluted":true}}}', 'invalid_message'],
    ['a lone surrogate in the action', '{"action":"\\ud800"}', 'unknown_action'],
    ['refresh_token with a number', '{"action":"refresh_token","token":1}', 'invalid_message'],
    ['configure outside demo mode', '{"action":"configure","frequency":5}', 'not_in_demo_mode'],
    ['configure with NaN-ish frequency', '{"action":"configure","frequency":"NaN"}', 'invalid_message'],
    ['50,000 nested arrays', `${'['.repeat(25_000)}${']'.repeat(25_000)}`, 'invalid_message'],
    ['50,000 nested objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, 'invalid_message'],
  ])('%s → request_error %s', async (_name, frame, code) => {
    const client = await connect(server.wsUrl, { token: await server.mintUserToken('alice') });
    await client.nextOfType('unread_notifications');
    const answer = await answerTo(client, frame);
    expect(answer.type).toBe('request_error');
    expect(answer.data.code).toBe(code);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    client.send('PING');
    await client.nextOfType('pong');
    expectOnContract(client.frames);
    await client.close();
  });

  it('a binary frame → request_error invalid_message', async () => {
    const client = await connect(server.wsUrl, { token: await server.mintUserToken('alice') });
    await client.nextOfType('unread_notifications');
    const answer = await answerTo(client, Buffer.from('{"action":"ping"}'), true);
    expect(answer.data.code).toBe('invalid_message');
    await client.close();
  });
});

describe('a junk flood at 1,000 messages per second', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startServer();
  });
  afterAll(() => limited.close());

  it('is answered with request_error up to the limit (50/s), then closed 1008; other clients are unaffected', async () => {
    const flooder = await connect(limited.wsUrl, { token: await limited.mintUserToken('flooder') });
    const other = await connect(limited.wsUrl, { token: await limited.mintUserToken('other') });
    await Promise.all([flooder.nextOfType('unread_notifications'), other.nextOfType('unread_notifications')]);
    const junk = ['{', '{"action":"nope"}', '{"action":"mark_read","id":7}', 'null', '[]'];
    let sent = 0;
    const started = Date.now();
    // 1,000 messages per second, in 10 ms ticks of 10, until the server closes the socket.
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        if (flooder.socket.readyState !== flooder.socket.OPEN || Date.now() - started > 3000) {
          clearInterval(tick);
          resolve();
          return;
        }
        for (let i = 0; i < 10; i++) flooder.socket.send(junk[sent++ % junk.length]!);
      }, 10);
    });
    expect(await flooder.closed).toEqual({ code: 1008, reason: 'Rate limit exceeded' });
    const errors = flooder.frames.filter((f) => f.type === 'request_error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(limited.config.clientMessagesPerSecond);
    expectOnContract(flooder.frames);
    other.send('PING');
    await other.nextOfType('pong', 1000);
    await other.close();
  });
});

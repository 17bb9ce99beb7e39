// A real Redis outage: a private redis-server is killed and restarted; a device on the other node catches up without reconnecting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { redisServerMissing, startRedisServer, type RedisProcess } from '../support/redis-server.js';
import { skipReason } from '../support/services.js';
import { connect, type TestClient } from '../support/ws-client.js';

const skip = skipReason('the bus outage test', [await redisServerMissing()]);
const dir = mkdtempSync(join(tmpdir(), 'notify-outage-'));
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const ids = (client: TestClient): string[] => client.frames.flatMap((f) => (typeof f.id === 'string' ? [f.id] : []));

async function waitFor(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe.skipIf(skip !== null)('bus outage with a private redis-server', () => {
  it('catches a live device up from the store once the bus returns: every missed push, in order, once, same socket', async () => {
    const redis: RedisProcess = await startRedisServer();
    cleanup.push(() => redis.dispose());
    const shared = { store: `sqlite:${join(dir, 'notify.db')}`, bus: redis.url, redisChannel: 'notify:outage', jwt: { secret: 'x'.repeat(32) }, pushToken: 'push-token-outage' };
    const a = await startServer(shared);
    const b = await startServer(shared);
    cleanup.push(() => a.close(), () => b.close());
    const onB = await connect(b.wsUrl, { token: await b.mintUserToken('dana') });
    cleanup.push(() => onB.close());
    await onB.nextOfType('unread_notifications');
    const before = (await a.push('dana', 'info', { title: 'before', message: 'm', priority: 'low' })).id;
    await onB.next((f) => f.id === before);

    await redis.stop();
    await waitFor(async () => (await metric(b, 'notify_bus_up')) === 0, 'B to see its bus down');
    // Pushes keep being stored: through A (whose publish fails) and through B (delivered here live).
    const missed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const node = i === 3 ? b : a;
      missed.push((await node.push('dana', 'info', { title: `during ${i}`, message: 'm', priority: 'low' })).id);
    }
    await onB.next((f) => f.id === missed[3]);
    expect(ids(onB)).toEqual([before, missed[3]]);

    await redis.start();
    await waitFor(async () => (await metric(b, 'notify_bus_up')) === 1, 'B to see its bus back');
    await waitFor(() => ids(onB).length === 1 + missed.length, `the ${missed.length} missed pushes on the same socket`);
    // Missed pushes arrive oldest first after the one B sent live; none twice; no second connection_established.
    expect(ids(onB)).toEqual([before, missed[3], ...missed.filter((_, i) => i !== 3)]);
    expect(onB.frames.filter((f) => f.type === 'connection_established')).toHaveLength(1);
    expect(await metric(b, 'notify_bus_catch_up_notifications_total')).toBe(5);

    // And the bus carries live pushes again.
    const after = (await a.push('dana', 'info', { title: 'after', message: 'm', priority: 'low' })).id;
    await onB.next((f) => f.id === after);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(new Set(ids(onB)).size).toBe(ids(onB).length);
  }, 60_000);
});

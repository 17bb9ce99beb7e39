// Preferences on two `notify serve` processes sharing Redis (bus) and PostgreSQL (store): a change on one node
// reaches the user's devices on the other, and a push through one node is suppressed for a muting user on the other.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeployment, request, type ServeProcess } from '../support/serve-process.js';
import { spawnNodePair, stopNodes } from '../support/node-pair.js';
import { dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { connect, type Frame, type TestClient } from '../support/ws-client.js';
import { expectOnContract } from '../support/on-contract.js';

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);
const skip = skipReason('the two-node preferences tests', [redisDown, postgresDown]);

const info = (title: string) => ({ title, message: `${title} body`, priority: 'medium' });

describe.skipIf(skip !== null)('preferences on two nodes (Redis + PostgreSQL)', () => {
  const deployment = makeDeployment();
  const schema = `notify_pref_${process.pid}_${Date.now().toString(36)}`;
  const channel = `notify:test:pref:${randomUUID()}`;
  const clients: TestClient[] = [];
  let a: ServeProcess;
  let b: ServeProcess;
  const service = { authorization: `Bearer ${deployment.pushToken}` };

  async function device(node: ServeProcess, userId: string): Promise<TestClient> {
    const client = await connect(node.wsUrl, { token: await deployment.token(userId) });
    clients.push(client);
    await client.nextOfType('unread_notifications');
    return client;
  }

  /** The next frame of `type` on each device, counting from now. */
  const nextOn = (devices: TestClient[], type: string): Promise<Frame[]> => {
    const marks = devices.map((d) => d.frames.length);
    return Promise.all(devices.map((d, i) => d.next((f) => f.type === type, 10_000, marks[i])));
  };

  beforeAll(async () => {
    if (redisDown || postgresDown) throw new Error(`CI=true never skips: ${[redisDown, postgresDown].filter(Boolean).join('; ')}`);
    [a, b] = await spawnNodePair(deployment, { schema, bus: redisUrl, channel });
  }, 220_000);

  afterAll(async () => {
    const stopped = await stopNodes([a, b], clients);
    for (const result of stopped) expect(result).toEqual({ code: 0, signal: null });
    if (!redisDown && !postgresDown) await dropSchema(schema);
  }, 60_000);

  it('a set on a device on node A reaches the device on node B; a REST PUT on B reaches both', async () => {
    const onA = await device(a, 'u-pref');
    const onB = await device(b, 'u-pref');
    let told = nextOn([onA, onB], 'preferences');
    onA.send({ action: 'set_preferences', categories: { system: false } });
    for (const frame of await told) expect(frame.data.categories).toMatchObject({ system: false, invitations: true });
    told = nextOn([onA, onB], 'preferences');
    const put = await request('PUT', `${b.url}/api/v1/users/u-pref/preferences`, { types: { warning: false } }, service);
    expect(put.status).toBe(200);
    for (const frame of await told) {
      expect(frame.data.categories).toMatchObject({ system: true });
      expect(frame.data.types).toMatchObject({ warning: false, info: true });
    }
    expect((await request('GET', `${a.url}/api/v1/users/u-pref/preferences`, undefined, service)).body).toEqual((await told)[0]!.data);
    expectOnContract([...onA.frames, ...onB.frames]);
  });

  it('a push through A is suppressed for a user who muted it on B; a broadcast through A skips them on B', async () => {
    const muter = await device(b, 'u-muter');
    const other = await device(b, 'u-other');
    const told = nextOn([muter], 'preferences');
    muter.send({ action: 'set_preferences', categories: { general: false } });
    await told;
    const unicast = await deployment.push(a.url, 'u-muter', 'info', info('muted'));
    expect(unicast).toEqual({ status: 201, body: { suppressed: true } });
    const broadcast = await deployment.broadcast(a.url, 'info', info('everyone'));
    expect(broadcast.status).toBe(201);
    expect((broadcast.body as unknown as { suppressed: number }).suppressed).toBeGreaterThanOrEqual(1);
    await other.next((f) => f.id === broadcast.body.id, 10_000);
    // A push the muter does get, through A: once it is there, the broadcast would have been too.
    const marker = await request('POST', `${a.url}/api/v1/users/u-muter/notifications`, { type: 'info', data: info('marker'), category: 'products' }, service);
    await muter.next((f) => f.id === (marker.body as { id: string }).id, 10_000);
    expect(muter.frames.filter((f) => f.id !== undefined).map((f) => f.data.title)).toEqual(['marker']);
    expectOnContract([...muter.frames, ...other.frames]);
  });
});

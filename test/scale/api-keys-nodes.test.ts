// API keys on two `notify serve` nodes sharing PostgreSQL and Redis: a key made with `notify keys create` works on both
// within a second, its rate is one bucket across the nodes, its last use is listed, and a revocation is seen by both.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeployment, request, type ServeProcess } from '../support/serve-process.js';
import { spawnNodePair, stopNodes } from '../support/node-pair.js';
import { databaseUrl, dropSchema, postgresUnavailable, redisUnavailable, redisUrl, skipReason } from '../support/services.js';
import { runCli } from '../cli/spawn-cli.js';

const [redisDown, postgresDown] = await Promise.all([redisUnavailable(), postgresUnavailable()]);
const skip = skipReason('the two-node API key tests', [redisDown, postgresDown]);
const info = { type: 'info', data: { title: 'Hi', message: 'There', priority: 'low' } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skip !== null)('API keys on two nodes (Redis + PostgreSQL)', () => {
  const deployment = makeDeployment();
  const schema = `notify_keys_${process.pid}_${Date.now().toString(36)}`;
  const channel = `notify:test:keys:${randomUUID()}`;
  const cwd = mkdtempSync(path.join(tmpdir(), 'notify-keys-cli-'));
  const storeFlags = ['--store', databaseUrl, '--pg-schema', schema];
  let a: ServeProcess;
  let b: ServeProcess;

  const keys = async (...args: string[]) => {
    const result = await runCli(['keys', ...args, ...storeFlags], { cwd });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim().split('\n');
  };
  const push = (node: ServeProcess, key: string) => request('POST', `${node.url}/api/v1/users/alice/notifications`, info, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    if (redisDown || postgresDown) throw new Error(`CI=true never skips: ${[redisDown, postgresDown].filter(Boolean).join('; ')}`);
    [a, b] = await spawnNodePair(deployment, { schema, bus: redisUrl, channel });
  }, 220_000);

  afterAll(async () => {
    await stopNodes([a, b], []);
    rmSync(cwd, { recursive: true, force: true });
    if (!redisDown && !postgresDown) await dropSchema(schema);
  }, 60_000);

  it('a key created on the store is accepted by both nodes within a second, and its last use is listed', async () => {
    const key = (await keys('create', '--name', 'billing', '--scopes', 'push,read')).at(-1)!;
    expect(key).toMatch(/^nk_/);
    await sleep(1000);
    expect((await push(a, key)).status).toBe(201);
    expect((await push(b, key)).status).toBe(201);
    const deadline = Date.now() + 10_000;
    let listed: { name: string; lastUsedAt?: string }[] = [];
    while (Date.now() < deadline) {
      listed = (await keys('list', '--json')).map((line) => JSON.parse(line) as { name: string; lastUsedAt?: string });
      if (listed[0]?.lastUsedAt) break;
      await sleep(200);
    }
    expect(listed).toEqual([expect.objectContaining({ name: 'billing', scopes: ['push', 'read'], lastUsedAt: expect.any(String) })]);
    expect(JSON.stringify(listed)).not.toContain(key);
  }, 30_000);

  it('a rate is one bucket across both nodes: 4/m allows 4 requests in all, then 429 with Retry-After on either node', async () => {
    const key = (await keys('create', '--name', 'limited', '--scopes', 'push', '--rate', '4/m')).at(-1)!;
    await sleep(1000);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await push(i % 2 === 0 ? a : b, key)).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.slice(4)).toEqual([429, 429, 429, 429]);
    // Past the bucket, the answer says when to come back.
    const refused = await fetch(`${b.url}/api/v1/users/alice/notifications`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(info) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('`notify keys revoke` on the store: within a second the next request on every node is 401', async () => {
    const key = (await keys('create', '--name', 'revoked-soon', '--scopes', 'push')).at(-1)!;
    await sleep(1000);
    expect((await push(a, key)).status).toBe(201);
    expect((await push(b, key)).status).toBe(201);
    expect(await keys('revoke', 'revoked-soon')).toEqual(['revoked API key "revoked-soon"']);
    await sleep(1000);
    expect((await push(a, key)).status).toBe(401);
    expect((await push(b, key)).status).toBe(401);
  }, 30_000);
});

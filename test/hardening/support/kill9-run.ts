// kill -9 during publish: pushers push (single pushes and batches) with Idempotency-Key retries while `notify serve`
// (SQLite) is SIGKILLed at random moments and restarted; then every acknowledged id must be stored once and reachable by resume.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '../../support/ws-client.js';
import { makeDeployment, request, spawnServe, type ServeProcess } from '../../support/serve-process.js';

export interface Kill9Options {
  kills: number;
  pushers?: number;
  users?: number;
  /** Up time before each kill is uniform in [minUpMs, maxUpMs]. */
  minUpMs?: number;
  maxUpMs?: number;
  log?: (line: string) => void;
}

export interface Kill9Result {
  kills: number;
  acknowledged: number;
  /** Acknowledged ids not in the store (or holding another push). */
  lost: number;
  /** Stored notifications beyond the first for one idempotency key. */
  duplicated: number;
  /** Acknowledged ids a resume from the user's first stored id did not replay. */
  unreachable: number;
  /** Requests that failed (reset, refused, timed out) and were retried with the same key. */
  retries: number;
  /** Retries answered with `idempotent-replayed: true` (the first attempt had been stored before the kill). */
  replayed: number;
  durationMs: number;
}

interface Ack {
  key: string;
  userId: string;
  id: string;
}

/** One POST on a connection of its own (no pool to go stale across kills), with a 5 s timeout. */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string; replayed: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, replayed: res.headers['idempotent-replayed'] === 'true' }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runKill9(options: Kill9Options): Promise<Kill9Result> {
  // Users grow with the kills so that each stays well under the 10,000 notifications one resume replays.
  const { kills, pushers = 6, users = Math.max(6, Math.ceil(kills / 2)), minUpMs = 300, maxUpMs = 1200, log = () => {} } = options;
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'notify-kill9-'));
  const deployment = makeDeployment();
  const args = ['--store', `sqlite:${path.join(dir, 'kill9.db')}`, ...deployment.secretFlags, '--log-level', 'info'];
  let serve: ServeProcess = await spawnServe(args);
  let stopping = false;
  let retries = 0;
  let replayed = 0;
  const acks: Ack[] = [];

  async function pushOnce(key: string, userId: string): Promise<Ack> {
    const body = JSON.stringify({ type: 'info', data: { title: key, message: 'kill -9 during publish', priority: 'low' } });
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await post(`${serve.url}/api/v1/users/${userId}/notifications`, body, { authorization: `Bearer ${deployment.pushToken}`, 'idempotency-key': key });
        if (answer.status === 201) {
          // A replay after a failed attempt: that attempt was stored before the server died, its answer lost.
          if (answer.replayed && attempt > 0) replayed++;
          return { key, userId, id: (JSON.parse(answer.body) as { id: string }).id };
        }
        if (answer.status < 500) throw new Error(`push ${key}: unexpected ${answer.status} ${answer.body}`);
      } catch (error) {
        if ((error as Error).message.startsWith('push ')) throw error;
      }
      retries++;
      await sleep(10 + Math.random() * 40);
    }
  }

  /** A batch of pushes (POST /api/v1/notifications/batch), each item with its own key; items not answered 201 are sent again. */
  async function pushBatchOnce(items: { key: string; userId: string }[]): Promise<Ack[]> {
    const done: Ack[] = [];
    let pending = items;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        retries++;
        await sleep(10 + Math.random() * 40);
      }
      const body = JSON.stringify({
        items: pending.map(({ key, userId }) => ({ user: userId, idempotencyKey: key, type: 'info', data: { title: key, message: 'kill -9 during a batch', priority: 'low' } })),
      });
      let answer;
      try {
        answer = await post(`${serve.url}/api/v1/notifications/batch`, body, { authorization: `Bearer ${deployment.pushToken}` });
      } catch {
        continue;
      }
      if (answer.status >= 500) continue;
      if (answer.status !== 200) throw new Error(`batch: unexpected ${answer.status} ${answer.body}`);
      const results = (JSON.parse(answer.body) as { results: { status: number; id?: string; replayed?: boolean }[] }).results;
      const again: typeof pending = [];
      results.forEach((result, i) => {
        const item = pending[i]!;
        if (result.status === 201) {
          if (result.replayed && attempt > 0) replayed++;
          done.push({ ...item, id: result.id! });
        } else if (result.status >= 500) again.push(item);
        else throw new Error(`batch item ${item.key}: unexpected ${result.status} ${JSON.stringify(result)}`);
      });
      pending = again;
    }
    return done;
  }

  // Half the pushers use the batch route (4 items for 4 users a request), the others the single push.
  async function pusher(index: number): Promise<void> {
    for (let n = 0; !stopping; n++) {
      if (index % 2 === 0) acks.push(await pushOnce(`p${index}-n${n}`, `u${(index + n) % users}`));
      else acks.push(...(await pushBatchOnce([0, 1, 2, 3].map((i) => ({ key: `b${index}-n${n}-${i}`, userId: `u${(index + n + i) % users}` })))));
    }
  }

  const running = Array.from({ length: pushers }, (_, i) => pusher(i));
  try {
    for (let k = 0; k < kills; k++) {
      const before = acks.length;
      await sleep(minUpMs + Math.random() * (maxUpMs - minUpMs));
      serve.child.kill('SIGKILL');
      await serve.exited;
      serve = await spawnServe(args);
      log(`kill ${k + 1}/${kills}: ${acks.length} acknowledged (+${acks.length - before} this round), ${retries} retries`);
    }
    await sleep(300);
  } finally {
    stopping = true;
    await Promise.allSettled(running);
  }

  try {
    return { ...(await verify(serve, deployment, acks, users)), kills, acknowledged: acks.length, retries, replayed, durationMs: Date.now() - started };
  } finally {
    await serve.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function verify(serve: ServeProcess, deployment: ReturnType<typeof makeDeployment>, acks: Ack[], users: number): Promise<Pick<Kill9Result, 'lost' | 'duplicated' | 'unreachable'>> {
  let lost = 0;
  let duplicated = 0;
  let unreachable = 0;
  for (let u = 0; u < users; u++) {
    const userId = `u${u}`;
    // Everything stored for the user, by REST paging (newest first).
    const stored: { id: string; data: { title: string } }[] = [];
    let before: string | null = null;
    do {
      const query: string = `limit=100${before ? `&before=${before}` : ''}`;
      const page = await request('GET', `${serve.url}/api/v1/users/${userId}/notifications?${query}`, undefined, { authorization: `Bearer ${deployment.pushToken}` });
      const body = page.body as { notifications: { id: string; data: { title: string } }[]; nextCursor: string | null };
      stored.push(...body.notifications);
      before = body.nextCursor;
    } while (before !== null);
    const byId = new Map(stored.map((n) => [n.id, n.data.title]));
    const perKey = new Map<string, number>();
    for (const n of stored) perKey.set(n.data.title, (perKey.get(n.data.title) ?? 0) + 1);
    for (const count of perKey.values()) duplicated += count - 1;
    const mine = acks.filter((a) => a.userId === userId);
    for (const ack of mine) if (byId.get(ack.id) !== ack.key) lost++;

    // Resume from the oldest stored id: the server must replay every later one, in order.
    const ascending = stored.map((n) => n.id).sort();
    if (ascending.length < 2) continue;
    const client = await connect(serve.wsUrl, { token: await deployment.token(userId), since: ascending[0]! });
    const established = await client.nextOfType('connection_established', 10_000);
    if (!established.data.resumed) throw new Error(`resume for ${userId} from ${ascending[0]} answered resumed=false`);
    const last = ascending[ascending.length - 1]!;
    await client.next((f) => f.id === last, 15_000);
    const replayedIds = client.frames.filter((f) => typeof f.id === 'string').map((f) => f.id!);
    const replayedSet = new Set(replayedIds);
    if (replayedIds.join() !== [...replayedIds].sort().join()) throw new Error(`resume for ${userId} out of order`);
    for (const ack of mine) if (ack.id !== ascending[0] && !replayedSet.has(ack.id)) unreachable++;
    await client.close();
  }
  return { lost, duplicated, unreachable };
}

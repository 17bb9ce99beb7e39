// Scale benchmark: K `notify serve` nodes on Redis + PostgreSQL; bus messages and CPU per push, broadcast store time by audience.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { packageRoot } from '../src/paths.js';
import { openStore } from '../src/store/index.js';

const { values: flags } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1,2,4' },
    users: { type: 'string', default: '400' },
    pushes: { type: 'string', default: '2000' },
    // Pushes per node sent and delivered before the measured window, so that every node's JIT and pools are warm:
    // without it each added node adds its own warm-up to the summed CPU.
    warmup: { type: 'string', default: '500' },
    // Pushes per second in total, paced (0: a closed loop, as fast as the nodes answer). A fixed rate below what
    // the machine sustains keeps its load the same at every K, so the CPU per push is the work, not the contention.
    rate: { type: 'string', default: '0' },
    known: { type: 'string', default: '10000,100000' },
    broadcasts: { type: 'string', default: '7' },
    'cpu-prof': { type: 'string' },
    // Counts the nodes' system calls in the measured window with `perf stat` (a count of the work asked of the
    // kernel, which, unlike CPU time, does not grow when processes contend for the cores).
    syscalls: { type: 'boolean', default: false },
    // Which node takes each push: 'spread' (round robin, so most pushes cross the bus to the device's node) or
    // 'device' (the node holding the recipient's device: no push crosses nodes; tells the bus's cost apart).
    take: { type: 'string', default: 'spread' },
  },
});
const nodeCounts = flags.nodes.split(',').map(Number);
const userCount = Number(flags.users);
const pushCount = Number(flags.pushes);
const warmupPerNode = Number(flags.warmup);
const pushRate = Number(flags.rate);
if (flags.take !== 'spread' && flags.take !== 'device') throw new Error('--take is spread or device');
/** The node (index) that takes push p for `user-${p % userCount}`, whose device is on node (p % userCount) % k. */
const takerOf = (p: number, k: number): number => (flags.take === 'device' ? (p % userCount) % k : (p * 7 + 3) % k);
const knownCounts = flags.known.split(',').map(Number);
const broadcastRuns = Number(flags.broadcasts);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cli = path.join(packageRoot, 'dist/cli/notify.js');
const jwtSecret = randomBytes(32).toString('hex');
const pushToken = randomBytes(16).toString('hex');
const runId = `${process.pid}_${Date.now().toString(36)}`;
const clockTicksPerSec = 100;

interface Node {
  child: ChildProcess;
  url: string;
}

/** With --cpu-prof DIR, each node writes its V8 CPU profile into DIR/K<k> when it stops. */
const profileArgs = (k: number): string[] => (flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.join(flags['cpu-prof'], `K${k}`)] : []);

async function startNode(schema: string, channel: string, k: number): Promise<Node> {
  const child = spawn(process.execPath, [...profileArgs(k), cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--log-level', 'info', '--store', databaseUrl,
    '--pg-schema', schema, '--bus', redisUrl, '--redis-channel', channel, '--jwt-secret', jwtSecret, '--push-token', pushToken], {
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NOTIFY_'))),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('serve did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const match = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
      if (buffered.length > 65_536) buffered = buffered.slice(-4096);
    });
  });
  return { child, url };
}

/** User and system CPU of a process so far, in microseconds (Linux /proc). */
function cpuSplitUs(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: (Number(fields[11]) / clockTicksPerSec) * 1e6, system: (Number(fields[12]) / clockTicksPerSec) * 1e6 };
}

function cpuUs(pid: number): number {
  const { user, system } = cpuSplitUs(pid);
  return user + system;
}

/** Starts `perf stat` on the nodes; `stop()` ends it and resolves with the count of each event. */
function countEvents(pids: number[], events: string[]): { stop: () => Promise<Map<string, number>> } {
  const perf = spawn('perf', ['stat', '-x', ',', '-e', events.join(','), '-p', pids.join(',')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  perf.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  let failed: Error | undefined;
  // No perf on this machine: spawn reports it here, and stop() says so.
  perf.once('error', (error) => (failed = error));
  const exited = new Promise<void>((resolve) => {
    perf.once('exit', () => resolve());
    perf.once('error', () => resolve());
  });
  return {
    async stop() {
      perf.kill('SIGINT');
      await exited;
      if (failed) throw new Error(`--syscalls needs perf (linux-perf): ${failed.message}`);
      const counts = new Map<string, number>();
      for (const line of text.split('\n')) {
        const [value, , event] = line.split(',');
        if (event && value && /^\d+$/.test(value)) counts.set(event, Number(value));
      }
      return counts;
    },
  };
}

/** Busy and total jiffies of the whole machine so far (/proc/stat), to tell how loaded it was. */
function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/** Times the process went to sleep waiting for something (voluntary context switches, all its threads). */
function sleeps(pid: number): number {
  let total = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${thread}/status`, 'utf8');
    total += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return total;
}

async function busReceived(node: Node, kind: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`notify_bus_messages_received_total{kind="${kind}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

function token(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode(jwtSecret));
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
// A connection reset on a socket nobody is reading from (a stopped node's keep-alive or WebSocket) must not end the run.
process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'ECONNRESET') throw error;
  process.stderr.write(`ignored: ${error.message}\n`);
});
const idleSampleMs = 3000;
/** POSTs with an idempotency key, once more after a reset (a keep-alive socket the server closed as we reused it). */
async function post(url: string, body: unknown, key: string): Promise<number> {
  try {
    return await postOnce(url, body, key);
  } catch {
    return postOnce(url, body, key);
  }
}

function postOnce(url: string, body: unknown, key: string): Promise<number> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'idempotency-key': key };
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.on('error', reject);
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(text);
  });
}

interface UnicastFigures {
  nodes: number;
  busPerPushPerNode: number;
  busPerPushMaxNode: number;
  cpuUsPerPush: number;
  /** The kernel's part of cpuUsPerPush. */
  systemUsPerPush: number;
  /** Voluntary context switches of the nodes' threads per push: how often they slept and were woken. */
  sleepsPerPush: number;
  /** Share of the machine's CPUs busy (anything: nodes, PostgreSQL, Redis, this load generator) while measured. */
  machineBusy: number;
  /** With --syscalls: system calls and context switches of all nodes per push. */
  syscallsPerPush?: number;
  switchesPerPush?: number;
  /** CPU per push less what the nodes burn idle (timers, keep-alives, GC) over the same time. */
  netCpuUsPerPush: number;
  pushesPerSec: number;
}

async function unicastRun(k: number): Promise<UnicastFigures> {
  const schema = `notify_bench_scale_${runId}_${k}`;
  const channel = `notify:bench:scale:${runId}:${k}`;
  const nodes: Node[] = [];
  // One node first: it creates the schema, the others find it.
  nodes.push(await startNode(schema, channel, k));
  nodes.push(...(await Promise.all(Array.from({ length: k - 1 }, () => startNode(schema, channel, k)))));
  const sockets: WebSocket[] = [];
  const received = new Array<number>(userCount).fill(0);
  try {
    await Promise.all(Array.from({ length: userCount }, async (_, i) => {
      const url = `${nodes[i % k]!.url.replace(/^http/, 'ws')}/api/v1/notifications?token=${await token(`user-${i}`)}`;
      const socket = new WebSocket(url);
      sockets.push(socket);
      // A reset after the run (nodes stopping) is expected; the count of received pushes is the check.
      socket.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        socket.on('message', (data: Buffer) => {
          const type = (JSON.parse(data.toString()) as { type: string }).type;
          if (type === 'unread_notifications') resolve();
          if (type === 'info') received[i]!++;
        });
        socket.once('error', reject);
      });
    }));
    /** Sends `count` unicast pushes (numbered from `first`) to the nodes round robin and waits until every device got them. */
    const sendAndReceive = async (first: number, count: number): Promise<void> => {
      const target = received.reduce((a, b) => a + b, 0) + count;
      let next = first;
      const end = first + count;
      const startedAt = performance.now();
      // Users spread over nodes; each push goes to a node round robin, so most are taken by a node without the
      // device. The same load per node at every K: 16 requests in flight per node.
      await Promise.all(Array.from({ length: 16 * k }, async () => {
        while (next < end) {
          const p = next++;
          const due = startedAt + ((p - first) * 1000) / pushRate;
          if (pushRate > 0 && due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
          const status = await post(`${nodes[takerOf(p, k)]!.url}/api/v1/users/user-${p % userCount}/notifications`, {
            type: 'info', data: { title: `p${p}`, message: 'scale', priority: 'low' },
          }, `k${k}-p${p}`);
          if (status !== 201) throw new Error(`push answered ${status}`);
        }
      }));
      const deadline = Date.now() + 30_000;
      while (received.reduce((a, b) => a + b, 0) < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const got = received.reduce((a, b) => a + b, 0);
      if (got !== target) throw new Error(`devices received ${got} of ${target} pushes`);
    };
    const warmupCount = warmupPerNode * k;
    if (warmupCount > 0) await sendAndReceive(pushCount, warmupCount);
    // What the nodes burn with nothing to do, so it can be told apart from what the pushes cost.
    const idleStart = nodes.map((n) => cpuUs(n.child.pid!));
    const idleStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, idleSampleMs));
    const idleUsPerMs = nodes.reduce((sum, n, i) => sum + cpuUs(n.child.pid!) - idleStart[i]!, 0) / (performance.now() - idleStarted);
    const counter = flags.syscalls ? countEvents(nodes.map((n) => n.child.pid!), ['raw_syscalls:sys_enter', 'context-switches']) : undefined;
    // perf needs a moment to attach before the window opens.
    if (counter) await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await Promise.all(nodes.map((n) => busReceived(n, 'deliver')));
    // One reading per node at each edge of the window: the total and its kernel part come from the same moment.
    const cpuBefore = nodes.map((n) => cpuSplitUs(n.child.pid!));
    const sleepsBefore = nodes.map((n) => sleeps(n.child.pid!));
    const machineBefore = machineJiffies();
    const started = performance.now();
    await sendAndReceive(0, pushCount);
    const elapsedMs = performance.now() - started;
    const cpuAfter = nodes.map((n) => cpuSplitUs(n.child.pid!));
    const cpu = cpuAfter.reduce((sum, a, i) => sum + a.user + a.system - cpuBefore[i]!.user - cpuBefore[i]!.system, 0);
    const system = cpuAfter.reduce((sum, a, i) => sum + a.system - cpuBefore[i]!.system, 0);
    const slept = nodes.reduce((sum, n, i) => sum + sleeps(n.child.pid!) - sleepsBefore[i]!, 0);
    const machineAfter = machineJiffies();
    const counts = await counter?.stop();
    // Echoes of the last pushes may still be on their way to the metric.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await Promise.all(nodes.map((n) => busReceived(n, 'deliver')));
    const perNode = after.map((a, i) => (a - before[i]!) / pushCount);
    return {
      nodes: k,
      busPerPushPerNode: perNode.reduce((a, b) => a + b, 0) / k,
      busPerPushMaxNode: Math.max(...perNode),
      cpuUsPerPush: cpu / pushCount,
      systemUsPerPush: system / pushCount,
      sleepsPerPush: slept / pushCount,
      ...(counts
        ? { syscallsPerPush: (counts.get('raw_syscalls:sys_enter') ?? NaN) / pushCount, switchesPerPush: (counts.get('context-switches') ?? NaN) / pushCount }
        : {}),
      machineBusy: (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
      netCpuUsPerPush: (cpu - idleUsPerMs * elapsedMs) / pushCount,
      pushesPerSec: pushCount / (elapsedMs / 1000),
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    await Promise.all(nodes.map((n) => new Promise((resolve) => {
      n.child.once('exit', resolve);
      n.child.kill('SIGTERM');
    })));
    await dropSchema(schema);
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median time to store one broadcast (appendShared, durable) with `known` users in the deployment. */
async function broadcastStoreMs(known: number): Promise<number> {
  const schema = `notify_bench_bcast_${runId}_${known}`;
  const store = await openStore(databaseUrl, { schema });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO "${schema}".users (user_id, known_from) SELECT 'user-' || g, 0 FROM generate_series(1, $1) g`, [known]);
    await client.query(`ANALYZE "${schema}".users`);
    const times: number[] = [];
    for (let i = 0; i < broadcastRuns; i++) {
      const started = performance.now();
      await store.appendShared({ audience: { kind: 'broadcast' }, type: 'info', data: { title: 'all', message: 'hands', priority: 'high' }, timestamp: Date.now() });
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    await client.end();
    await store.close();
    await dropSchema(schema);
  }
}

const unicast: UnicastFigures[] = [];
for (const k of nodeCounts) {
  unicast.push(await unicastRun(k));
  process.stderr.write(`K=${k}: ${JSON.stringify(unicast.at(-1))}\n`);
}
const broadcast: { known: number; ms: number }[] = [];
for (const known of knownCounts) {
  broadcast.push({ known, ms: await broadcastStoreMs(known) });
  process.stderr.write(`known=${known}: ${broadcast.at(-1)!.ms.toFixed(2)} ms\n`);
}

const one = unicast.find((u) => u.nodes === 1) ?? unicast[0]!;
const lines = [
  `users ${userCount} (one device each, spread over the nodes), unicast pushes ${pushCount} measured after ${warmupPerNode} per node to warm up (${flags.take === 'device' ? "each taken by its device's node" : 'to nodes round robin'}, ${pushRate > 0 ? `paced at ${pushRate}/s` : 'closed loop'}), Redis ${redisUrl}, PostgreSQL`,
  '',
  '| nodes K | bus messages received per push per node (mean) | max node | ideal 1/K | summed server CPU per push | ratio to K=1 | less idle CPU | ratio to K=1 | of which kernel | sleeps per push | machine busy | system calls per push | pushes/s |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...unicast.map((u) => `| ${u.nodes} | ${u.busPerPushPerNode.toFixed(3)} | ${u.busPerPushMaxNode.toFixed(3)} | ${(1 / u.nodes).toFixed(3)} | ${Math.round(u.cpuUsPerPush)} µs | ${(u.cpuUsPerPush / one.cpuUsPerPush).toFixed(2)}× | ${Math.round(u.netCpuUsPerPush)} µs | ${(u.netCpuUsPerPush / one.netCpuUsPerPush).toFixed(2)}× | ${Math.round(u.systemUsPerPush)} µs | ${u.sleepsPerPush.toFixed(2)} | ${Math.round(u.machineBusy * 100)} % | ${u.syscallsPerPush === undefined ? '–' : u.syscallsPerPush.toFixed(1)} | ${Math.round(u.pushesPerSec)} |`),
  '',
  '| known users | broadcast store time (median of ' + broadcastRuns + ') | ratio to the smallest |',
  '|---|---|---|',
  ...broadcast.map((b) => `| ${b.known.toLocaleString('en-US')} | ${b.ms.toFixed(2)} ms | ${(b.ms / broadcast[0]!.ms).toFixed(2)}× |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
agent.destroy();

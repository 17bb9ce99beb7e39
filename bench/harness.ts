// Runs the bench: load processes once, then per repeat each server (notify, raw ws, Socket.IO) in turn through connections → push → broadcast → latency.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { batchSize, type Figures, type Scenario } from './figures.js';
import { startLoadMeter, type LoadReport } from './machine.js';
import type { PusherApi, ReceiverApi, ReceiverStatus, TargetKind, UserRange } from './protocol.js';
import { RpcClient } from './rpc.js';
import { compiledPath, startTarget, type ServerUnderTest } from './server-process.js';
import { concat, median, percentiles } from './stats.js';
import { pushStages, readProfile } from './push-stages.js';

export interface BenchOptions {
  /** Idle connections held during every scenario (one per user). */
  n: number;
  /** Length of each timed phase (the push loop, each latency rate), in ms. */
  durationMs: number;
  /** Open-loop push rates of the latency scenario, per second. */
  rates: number[];
  repeat: number;
  /** Broadcasts per run (the median is kept). */
  broadcasts: number;
  /** Connections of the closed-loop pusher (pushes in flight at once). */
  pushConcurrency: number;
  /** Pipelined connections of the open-loop pusher. */
  openLoopConnections: number;
  /** Which servers run (default: all three), each against the same load processes. */
  targets: readonly TargetKind[];
  /** Which scenarios besides connections run. */
  scenarios: ReadonlySet<Exclude<Scenario, 'connections'>>;
  /** Write each server's V8 CPU profile under DIR/<target>. */
  cpuProfDir?: string;
  /**
   * Profile each server's main thread during the timed push loop only and split its CPU per push by stage
   * (bench/push-stages.ts); the profiles are kept in this directory as <target>-push-<repeat>.cpuprofile.
   */
  stagesDir?: string;
  /** notify's store: 'sqlite' (the default, durable) or 'memory'. */
  store: 'sqlite' | 'memory';
  /** notify's `serve --workers` (1: one process, like the baseline). */
  workers: number;
  /** Progress lines (stderr). */
  progress(line: string): void;
}

export interface TargetRun {
  kind: TargetKind;
  figures: Figures;
  load: LoadReport;
  /** What went wrong (failed pushes, lost deliveries, a phase that timed out); the run's figures may be partial. */
  errors: string[];
}

export interface RepeatRun {
  repeat: number;
  runs: Partial<Record<TargetKind, TargetRun>>;
}

/** One process holds at most ~19,500 sockets (20,000 open files); receivers stay well under. */
export const socketsPerReceiver = 5000;
const connectConcurrency = 128;
const drainTimeoutMs = 3000;
const broadcastWaitMs = 15_000;
/** The stage profile's sampling interval: ~10,000 samples in a 5 s loop, a few % of overhead. */
const stageSamplingUs = 250;

type Receiver = RpcClient<ReceiverApi>;
type Pusher = RpcClient<PusherApi>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process the bench started, so an abort can stop them all (and nothing else). */
const started = new Set<ChildProcess>();
const servers = new Set<ServerUnderTest>();

/** A server under test the bench started, stopped by `stopEverything` (for scripts that start their own, like the guard). */
export function trackServer(server: ServerUnderTest): () => void {
  servers.add(server);
  return () => servers.delete(server);
}

/** Stops every child process and server the bench started. */
export async function stopEverything(): Promise<void> {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.allSettled([...servers].map((server) => server.stop()));
}

/** A load process (receiver or pusher), stopped by `stopEverything`. */
export function spawnLoad(role: 'receiver' | 'pusher', index: number): ChildProcess {
  const child = fork(compiledPath('bench', 'load-client.js'), [role, String(index)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

function receiverCount(n: number): number {
  return n < 1000 ? 1 : Math.max(2, Math.ceil(n / socketsPerReceiver));
}

/**
 * Deals [0, n) out to `parts` receivers round robin, so whatever order a server walks its users in
 * (connection order, sorted ids), its sends alternate between the receiving processes.
 */
function split(n: number, parts: number): UserRange[] {
  return Array.from({ length: parts }, (_, i) => ({ prefix: 'u', first: i, count: Math.max(0, Math.ceil((n - i) / parts)), stride: parts }));
}

interface Load {
  receivers: Receiver[];
  pusher: Pusher;
}

async function statusOf(load: Load): Promise<ReceiverStatus> {
  const all = await Promise.all(load.receivers.map((r) => r.call('status', {}, 5000)));
  return {
    open: all.reduce((n, s) => n + s.open, 0),
    received: all.reduce((n, s) => n + s.received, 0),
    broadcasts: all.reduce((n, s) => n + s.broadcasts, 0),
    lastArrivalUs: Math.max(0, ...all.map((s) => s.lastArrivalUs)),
  };
}

/** Polls the receivers until `done` holds or `timeoutMs` passes; returns the last status. */
async function waitFor(load: Load, done: (s: ReceiverStatus) => boolean, timeoutMs: number): Promise<ReceiverStatus> {
  const deadline = Date.now() + timeoutMs;
  let status = await statusOf(load);
  while (!done(status) && Date.now() < deadline) {
    await sleep(25);
    status = await statusOf(load);
  }
  return status;
}

async function reset(load: Load, record: boolean, capacity = 0): Promise<void> {
  await Promise.all(load.receivers.map((r) => r.call('reset', { record, capacity }, 5000)));
}

async function loadCpuUs(load: Load): Promise<number> {
  const all = await Promise.all([...load.receivers.map((r) => r.call('cpu', {}, 5000)), load.pusher.call('cpu', {}, 5000)]);
  const own = process.cpuUsage();
  return all.reduce((n, c) => n + c.cpuUs, own.user + own.system);
}

async function connectionsScenario(load: Load, server: ServerUnderTest, options: BenchOptions, figures: Figures, errors: string[]): Promise<number> {
  const before = await server.stats(true);
  const timeoutMs = 20_000 + options.n * 4;
  const perReceiver = Math.max(1, Math.ceil(connectConcurrency / load.receivers.length));
  const results = await Promise.all(load.receivers.map((r) => r.call('connect', { concurrency: perReceiver, timeoutMs }, timeoutMs + 10_000)));
  const connected = results.reduce((n, r) => n + r.connected, 0);
  const seconds = (Math.max(...results.map((r) => r.endUs)) - Math.min(...results.map((r) => r.startUs))) / 1e6;
  for (const r of results) if (r.failed > 0) errors.push(`connections: ${r.failed} failed (${r.firstError ?? 'unknown'})`);
  figures['connections.connectsPerSec'] = connected / seconds;
  figures['connections.serverUsPerConnect'] = ((await server.stats(false)).cpuUs - before.cpuUs) / Math.max(1, connected);
  figures['connections.connectedPct'] = (100 * connected) / options.n;
  // Let the last sessions finish their first frames and the sockets settle before weighing them.
  await sleep(1000);
  // The whole server's footprint while it holds the sockets (summed over primary and workers), as an operator sees
  // it (no forced collection), then after collecting garbage, which the per-connection figures use.
  const held = await server.stats(false);
  const after = await server.stats(true);
  figures['connections.serverIdleRssMiB'] = before.rss / 1048576;
  figures['connections.serverRssMiB'] = held.rss / 1048576;
  figures['connections.serverRssAfterGcMiB'] = after.rss / 1048576;
  figures['connections.rssPerConnKB'] = (after.rss - before.rss) / connected / 1024;
  figures['connections.heapPerConnKB'] = (after.heapUsed - before.heapUsed) / connected / 1024;
  return connected;
}

async function pushScenario(load: Load, server: ServerUnderTest, options: BenchOptions, figures: Figures, errors: string[], repeat: number): Promise<void> {
  const concurrency = options.pushConcurrency;
  // Warm-up (JIT, SQLite page cache), not measured.
  await reset(load, false);
  const warm = await load.pusher.call('closedLoop', { durationMs: Math.min(1000, options.durationMs / 4), concurrency }, 30_000);
  await waitFor(load, (s) => s.received >= warm.ok, drainTimeoutMs);
  await reset(load, false);
  const profileFile = options.stagesDir === undefined ? undefined : path.join(options.stagesDir, `${server.spec.kind}-push-${repeat}.cpuprofile`);
  if (profileFile) await server.profileStart(stageSamplingUs);
  const cpuBefore = await server.stats(false);
  const loadBefore = await loadCpuUs(load);
  const result = await load.pusher.call('closedLoop', { durationMs: options.durationMs, concurrency }, options.durationMs + 30_000);
  const cpuAfter = await server.stats(false);
  const loadAfter = await loadCpuUs(load);
  if (profileFile) {
    await server.profileStop(profileFile);
    const stages = pushStages(readProfile(profileFile), (cpuAfter.mainThreadUs - cpuBefore.mainThreadUs) / Math.max(1, result.ok));
    for (const [stage, us] of Object.entries(stages)) figures[`push.stage.${stage}`] = us;
  }
  const status = await waitFor(load, (s) => s.received >= result.ok, drainTimeoutMs);
  if (result.failed > 0) errors.push(`push: ${result.failed} pushes failed (${result.firstError ?? 'unknown'})`);
  figures['push.pushesPerSec'] = result.ok / (result.elapsedMs / 1000);
  figures['push.deliveredPct'] = result.ok === 0 ? 0 : (100 * status.received) / result.ok;
  figures['push.serverUsPerPush'] = (cpuAfter.cpuUs - cpuBefore.cpuUs) / Math.max(1, result.ok);
  figures['push.mainThreadUsPerPush'] = (cpuAfter.mainThreadUs - cpuBefore.mainThreadUs) / Math.max(1, result.ok);
  figures['push.otherThreadsUsPerPush'] = figures['push.serverUsPerPush'] - figures['push.mainThreadUsPerPush'];
  figures['push.loadUsPerPush'] = (loadAfter - loadBefore) / Math.max(1, result.ok);
}

async function latencyScenario(load: Load, server: ServerUnderTest, rate: number, options: BenchOptions, figures: Figures, errors: string[]): Promise<void> {
  const expected = Math.round((rate * options.durationMs) / 1000);
  await reset(load, true, expected);
  const cpuBefore = await server.stats(false);
  const result = await load.pusher.call('openLoop', { rate, durationMs: options.durationMs, connections: options.openLoopConnections }, options.durationMs + 30_000);
  await waitFor(load, (s) => s.received >= result.ok, drainTimeoutMs);
  figures[`latency.${rate}.serverUsPerPush`] = ((await server.stats(false)).cpuUs - cpuBefore.cpuUs) / Math.max(1, result.ok);
  const collected = await Promise.all(load.receivers.map((r) => r.call('collect', {}, 30_000)));
  const received = collected.reduce((n, c) => n + c.received, 0);
  const [p50, p95, p99, max] = percentiles(concat(collected.map((c) => c.latenciesUs)), [50, 95, 99, 100]).map((us) => us / 1000);
  if (result.failed > 0) errors.push(`latency ${rate}/s: ${result.failed} pushes failed (${result.firstError ?? 'unknown'})`);
  if (result.elapsedMs > options.durationMs * 1.1 + 50) errors.push(`latency ${rate}/s: the pusher fell behind (${Math.round(result.elapsedMs)} ms for ${options.durationMs} ms of pushes)`);
  figures[`latency.${rate}.p50Ms`] = p50!;
  figures[`latency.${rate}.p95Ms`] = p95!;
  figures[`latency.${rate}.p99Ms`] = p99!;
  figures[`latency.${rate}.maxMs`] = max!;
  figures[`latency.${rate}.deliveredPct`] = (100 * received) / result.sent;
}

/** Batches of `batchSize` through notify's batch route, closed loop, for the scenario's duration. */
async function batchScenario(load: Load, server: ServerUnderTest, options: BenchOptions, figures: Figures, errors: string[]): Promise<void> {
  const concurrency = Math.max(1, Math.min(16, Math.round(options.pushConcurrency / 8)));
  await reset(load, false);
  const warm = await load.pusher.call('batchLoop', { durationMs: Math.min(1000, options.durationMs / 4), concurrency, size: batchSize }, 60_000);
  await waitFor(load, (s) => s.received >= warm.ok * batchSize, drainTimeoutMs);
  await reset(load, false);
  const cpuBefore = await server.stats(false);
  const result = await load.pusher.call('batchLoop', { durationMs: options.durationMs, concurrency, size: batchSize }, options.durationMs + 60_000);
  const cpuAfter = await server.stats(false);
  const notifications = result.ok * batchSize;
  const status = await waitFor(load, (s) => s.received >= notifications, drainTimeoutMs * 3);
  if (result.failed > 0) errors.push(`batch: ${result.failed} batch requests failed (${result.firstError ?? 'unknown'})`);
  figures['batch.notificationsPerSec'] = notifications / (result.elapsedMs / 1000);
  figures['batch.deliveredPct'] = notifications === 0 ? 0 : (100 * status.received) / notifications;
  figures['batch.serverUsPerNotification'] = (cpuAfter.cpuUs - cpuBefore.cpuUs) / Math.max(1, notifications);
}

async function broadcastScenario(load: Load, connected: number, options: BenchOptions, figures: Figures, errors: string[]): Promise<void> {
  const rates: number[] = [];
  const delivered: number[] = [];
  for (let i = 0; i < options.broadcasts; i++) {
    await reset(load, false);
    const result = await load.pusher.call('broadcast', { timeoutMs: broadcastWaitMs }, broadcastWaitMs + 5000);
    if (result.failed > 0) errors.push(`broadcast: failed (${result.firstError ?? 'unknown'})`);
    const status = await waitFor(load, (s) => s.broadcasts >= connected, broadcastWaitMs);
    rates.push(status.broadcasts / Math.max(1e-6, (status.lastArrivalUs - result.sentUs) / 1e6));
    delivered.push((100 * status.broadcasts) / connected);
    await sleep(200);
  }
  figures['broadcast.deliveriesPerSec'] = median(rates);
  figures['broadcast.deliveredPct'] = Math.min(...delivered);
}

async function runTarget(kind: TargetKind, load: Load, options: BenchOptions, repeat: number): Promise<TargetRun> {
  const figures: Figures = {};
  const errors: string[] = [];
  const server = await startTarget(kind, {
    store: options.store,
    workers: options.workers,
    ...(options.cpuProfDir ? { cpuProfDir: path.join(options.cpuProfDir, kind) } : {}),
  });
  servers.add(server);
  const meter = startLoadMeter();
  let ownBefore = 0;
  let ownAfter = 0;
  try {
    ownBefore = (await server.stats(false)).cpuUs + (await loadCpuUs(load));
    const users: UserRange = { prefix: 'u', first: 0, count: options.n, stride: 1 };
    const shares = split(options.n, load.receivers.length);
    await Promise.all(load.receivers.map((r, i) => r.call('prepare', { target: server.spec, users: shares[i]! }, 120_000)));
    await load.pusher.call('configure', { target: server.spec, users }, 5000);
    options.progress(`  ${kind}: connecting ${options.n}`);
    const connected = await connectionsScenario(load, server, options, figures, errors);
    if (connected === 0) throw new Error('no connection succeeded');
    if (options.scenarios.has('push')) {
      options.progress(`  ${kind}: push, closed loop for ${options.durationMs / 1000} s`);
      await pushScenario(load, server, options, figures, errors, repeat);
    }
    if (options.scenarios.has('broadcast')) {
      options.progress(`  ${kind}: broadcast to ${connected} × ${options.broadcasts}`);
      await broadcastScenario(load, connected, options, figures, errors);
    }
    if (options.scenarios.has('batch') && kind === 'notify') {
      options.progress(`  ${kind}: batch route, ${batchSize} a request, closed loop for ${options.durationMs / 1000} s`);
      await batchScenario(load, server, options, figures, errors);
    }
    // Last: a rate past a server's capacity leaves a backlog that would leak into any figure after it.
    if (options.scenarios.has('latency')) {
      for (const rate of options.rates) {
        options.progress(`  ${kind}: latency at ${rate}/s for ${options.durationMs / 1000} s`);
        await latencyScenario(load, server, rate, options, figures, errors);
      }
    }
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  } finally {
    await Promise.all(load.receivers.map((r) => r.call('disconnect', { timeoutMs: 10_000 }, 15_000))).catch((error: unknown) => {
      errors.push(`disconnect: ${error instanceof Error ? error.message : String(error)}`);
    });
    ownAfter = await Promise.all([server.stats(false), loadCpuUs(load)])
      .then(([s, l]) => s.cpuUs + l)
      .catch(() => ownBefore);
    const warnings = server.output().trim();
    if (warnings) errors.push(`${kind} server said: ${warnings.split('\n').slice(-3).join(' | ').slice(0, 600)}`);
    await server.stop();
    servers.delete(server);
  }
  return { kind, figures, load: meter.finish(ownAfter - ownBefore), errors };
}

/** Runs every repeat; each repeat runs every target, in an order rotated per repeat, against the same load processes. */
export async function runBench(options: BenchOptions): Promise<RepeatRun[]> {
  const receivers = Array.from({ length: receiverCount(options.n) }, (_, i) => new RpcClient<ReceiverApi>(`receiver ${i}`, spawnLoad('receiver', i)));
  const pusher = new RpcClient<PusherApi>('pusher', spawnLoad('pusher', 0));
  const load: Load = { receivers, pusher };
  const repeats: RepeatRun[] = [];
  try {
    for (let repeat = 0; repeat < options.repeat; repeat++) {
      const shift = repeat % options.targets.length;
      const order = [...options.targets.slice(shift), ...options.targets.slice(0, shift)];
      const runs: RepeatRun['runs'] = {};
      for (const kind of order) {
        options.progress(`repeat ${repeat + 1}/${options.repeat}: ${kind}`);
        const run = await runTarget(kind, load, options, repeat + 1);
        runs[kind] = run;
        for (const error of run.errors) options.progress(`  ${kind}: ${error}`);
      }
      repeats.push({ repeat: repeat + 1, runs });
    }
  } finally {
    await stopEverything();
  }
  return repeats;
}

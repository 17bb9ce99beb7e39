// Restart storm (not in CI): N devices on the client library, steady pushes with Idempotency-Key retries, SIGTERM and a
// restart on the same port and SQLite store; prints how fast devices come back and whether any push was lost,
// duplicated or seen only in a snapshot. `node dist/bench/storm/index.js [--devices 10000] [--clients 4] [--rate 20]
// [--warm-sec 5] [--gap-ms 0] [--runs 1] [--listen-backlog N] [--backoff-base-ms N] [--backoff-cap-ms N]
// [--restart-spread-ms N] [--connect-timeout-ms N] [--json]`; progress notes go to stderr.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTimes, deliveryFigures, listenCounters, returnFigures, type DeliveryFigures, type ReturnFigures } from './figures.js';
import { startPusher } from './pusher.js';
import type { DeviceRecord, DevicesCommand, DevicesReport, DevicesStart, DevicesStatus } from './protocol.js';

interface Options {
  devices: number;
  /** Device processes (each under the 20,000 open files limit). */
  clients: number;
  /** Pushes per second, each to one user (both of its devices). */
  rate: number;
  /** Seconds of steady pushes before SIGTERM. */
  warmSec: number;
  /** 0: start the new server at SIGTERM; otherwise this long after the old one exited. */
  gapMs: number;
  runs: number;
  /** 0: the server's default. */
  listenBacklog: number;
  /** 0: the client library's defaults. */
  backoffBaseMs: number;
  backoffCapMs: number;
  restartSpreadMs: number;
  /** 0: the client library's default (10 s). */
  connectTimeoutMs: number;
  json: boolean;
}

interface RunFigures {
  run: number;
  returns: ReturnFigures;
  delivery: DeliveryFigures;
  listenOverflows: number;
  listenDrops: number;
  /** SIGTERM → old process exited; spawn → new process listening (ms), and its own account of where the time went. */
  oldExitMs: number;
  newListeningMs: number;
  newSpawnAfterSigtermMs: number;
  newStartup: Record<string, number> | undefined;
  oldShutdown: Record<string, number> | undefined;
  /** Spawns of the new server that failed (the old one still held the port) before one listened. */
  failedStarts: number;
  pushRetries: number;
  unacknowledged: number;
  /** Share of the machine's CPU busy from SIGTERM until every device was back, in percent. */
  busyPct: number;
  load1: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const cliPath = path.resolve(here, '../cli/notify.js');
const devicesPath = path.join(here, 'devices.js');
const backTimeoutMs = 180_000;
const connectTimeoutMs = 300_000;
/** Keep pushing this long after the last device is back: those pushes must arrive live. */
const settleMs = 3000;

function parseOptions(argv: string[]): Options {
  const options: Options = { devices: 10_000, clients: 4, rate: 20, warmSec: 5, gapMs: 0, runs: 1, listenBacklog: 0, backoffBaseMs: 0, backoffCapMs: 0, restartSpreadMs: 0, connectTimeoutMs: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (name === 'json') {
      options.json = true;
      continue;
    }
    const value = Number(argv[++i]);
    if (!(name in options) || !Number.isFinite(value) || value < 0) throw new Error(`unknown or bad option ${argv[i - 1]} ${argv[i] ?? ''}`);
    (options as unknown as Record<string, number>)[name] = value;
  }
  return options;
}

/** A free port below the ephemeral range, so the devices' own ports never take it while the server is down. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port');
}

interface ServerProcess {
  child: ChildProcess;
  /** Resolves with the `notify listening` log line (or undefined if the process exited first). */
  listening: Promise<Record<string, unknown> | undefined>;
  /** Resolves with the `shutdown complete` log line, if one came. */
  shutdown: Promise<Record<string, unknown> | undefined>;
  exited: Promise<number>;
  output: string[];
}

function startServer(port: number, store: string, jwtSecret: string, pushToken: string, options: Options): ServerProcess {
  const args = ['serve', '--port', String(port), '--host', '127.0.0.1', '--store', store, '--jwt-secret', jwtSecret, '--push-token', pushToken, '--log-level', 'info'];
  if (options.listenBacklog > 0) args.push('--listen-backlog', String(options.listenBacklog));
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: RegExp; resolve: (line: Record<string, unknown> | undefined) => void }[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const text of parts) {
      output.push(text);
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const w of [...waiters]) if (w.msg.test(String(line.msg))) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
  const waitFor = (msg: RegExp) =>
    new Promise<Record<string, unknown> | undefined>((resolve) => {
      waiters.push({ msg, resolve });
      void exited.then(() => setTimeout(() => resolve(undefined), 50));
    });
  return { child, listening: waitFor(/^notify listening/), shutdown: waitFor(/^shutdown complete/), exited, output };
}

function request<T>(child: ChildProcess, command: DevicesCommand, kind: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { kind: string }) => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.send(command);
  });
}

async function statusOf(children: ChildProcess[], sinceMs: number): Promise<{ open: number; back: number; detail: string }> {
  const all = await Promise.all(children.map((c) => request<DevicesStatus>(c, { kind: 'status', sinceMs }, 'status')));
  const sum = (pick: (s: DevicesStatus) => Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const s of all) for (const [k, v] of Object.entries(pick(s))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const detail = `states ${JSON.stringify(sum((s) => s.states))}, close codes so far ${JSON.stringify(sum((s) => s.closeCodes))}`;
  return { open: all.reduce((s, x) => s + x.open, 0), back: all.reduce((s, x) => s + x.back, 0), detail };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runOnce(run: number, options: Options): Promise<RunFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'notify-storm-'));
  const store = `sqlite:${path.join(dir, 'storm.db')}`;
  const jwtSecret = randomBytes(32).toString('hex');
  const pushToken = randomBytes(16).toString('hex');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const servers: ServerProcess[] = [];
  const children: ChildProcess[] = [];
  try {
    const old = startServer(port, store, jwtSecret, pushToken, options);
    servers.push(old);
    if (!(await old.listening)) throw new Error(`the server did not start:\n${old.output.slice(-20).join('\n')}`);

    const perClient = Math.ceil(options.devices / options.clients);
    for (let c = 0; c < options.clients; c++) {
      const first = c * perClient;
      const count = Math.min(perClient, options.devices - first);
      if (count <= 0) break;
      const child = fork(devicesPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const backoff = {
        ...(options.backoffBaseMs > 0 && { baseMs: options.backoffBaseMs }),
        ...(options.backoffCapMs > 0 && { capMs: options.backoffCapMs }),
        ...(options.restartSpreadMs > 0 && { restartSpreadMs: options.restartSpreadMs }),
      };
      const start: DevicesStart = {
        kind: 'start',
        url: base,
        jwtSecret,
        first,
        count,
        ...(Object.keys(backoff).length > 0 && { backoff }),
        ...(options.connectTimeoutMs > 0 && { connectTimeoutMs: options.connectTimeoutMs }),
      };
      child.send(start);
      children.push(child);
    }
    const connectStart = Date.now();
    note(`run ${run}: server up on ${base}; connecting ${options.devices} devices`);
    for (;;) {
      const status = await statusOf(children, 0);
      if (status.open >= options.devices) break;
      if (Date.now() - connectStart > connectTimeoutMs) throw new Error(`only ${status.open} of ${options.devices} devices connected within ${connectTimeoutMs} ms: ${status.detail}`);
      await sleep(500);
    }
    const users = Math.ceil(options.devices / 2);
    const pusher = startPusher(base, pushToken, users, options.rate, `storm-${process.pid}-${run}`);
    note(`run ${run}: ${options.devices} devices open after ${((Date.now() - connectStart) / 1000).toFixed(1)} s; pushing ${options.rate}/s for ${options.warmSec} s, then SIGTERM`);
    await sleep(options.warmSec * 1000);

    const counters0 = listenCounters();
    const cpu0 = cpuTimes();
    const sigtermAt = Date.now();
    old.child.kill('SIGTERM');
    let failedStarts = 0;
    let fresh: ServerProcess | undefined;
    let spawnedAt = 0;
    if (options.gapMs > 0) {
      await old.exited;
      await sleep(options.gapMs);
    }
    for (;;) {
      spawnedAt = Date.now();
      fresh = startServer(port, store, jwtSecret, pushToken, options);
      servers.push(fresh);
      if (await fresh.listening) break;
      failedStarts++; // the old one still held the port: try again at once
      if (failedStarts > 50) throw new Error(`the new server never started:\n${fresh.output.slice(-20).join('\n')}`);
    }
    const listeningAt = Date.now();
    note(`run ${run}: new server listening ${((listeningAt - sigtermAt) / 1000).toFixed(2)} s after SIGTERM; waiting for every device`);

    while ((await statusOf(children, sigtermAt)).back < options.devices) {
      if (Date.now() - sigtermAt > backTimeoutMs) break;
      await sleep(100);
    }
    const cpu1 = cpuTimes();
    await sleep(settleMs);
    const { unacknowledged } = await pusher.stop(30_000);
    await sleep(2000); // the last pushes reach the devices
    const counters1 = listenCounters();
    const oldExitAt = await old.exited;
    const oldShutdown = await old.shutdown;
    const listening = await fresh.listening;

    const reports = await Promise.all(children.map((c) => request<DevicesReport>(c, { kind: 'report' }, 'report')));
    const devices: DeviceRecord[] = reports.flatMap((r) => r.devices);
    const delivery = deliveryFigures(pusher.acked, devices, sigtermAt);
    if (delivery.lost + delivery.duplicated + delivery.snapshotOnly > 0) {
      // Everything needed to find out why, kept for inspection.
      const file = path.join(tmpdir(), `notify-storm-${process.pid}-run${run}.json`);
      writeFileSync(file, JSON.stringify({ sigtermAt, acked: pusher.acked, devices }));
      note(`run ${run}: deliveries went wrong; pushes and device records written to ${file}`);
    }
    return {
      run,
      returns: returnFigures(devices, sigtermAt),
      delivery,
      listenOverflows: counters1.overflows - counters0.overflows,
      listenDrops: counters1.drops - counters0.drops,
      oldExitMs: oldExitAt - sigtermAt,
      newListeningMs: listeningAt - spawnedAt,
      newSpawnAfterSigtermMs: spawnedAt - sigtermAt,
      newStartup: listening?.startupMs as Record<string, number> | undefined,
      oldShutdown: oldShutdown?.shutdownMs as Record<string, number> | undefined,
      failedStarts,
      pushRetries: pusher.failedAttempts,
      unacknowledged,
      busyPct: Math.round((100 * (cpu1.busy - cpu0.busy)) / Math.max(1, cpu1.all - cpu0.all)),
      load1: +loadavg()[0]!.toFixed(2),
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    rmSync(dir, { recursive: true, force: true });
  }
}

const note = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(2)} s`);

function printRun(f: RunFigures): void {
  const r = f.returns;
  const d = f.delivery;
  console.log(
    `run ${f.run}: back ${r.back}/${r.devices}: 50% ${fmt(r.backMs.p50)}, 90% ${fmt(r.backMs.p90)}, 99% ${fmt(r.backMs.p99)}, 100% ${fmt(r.backMs.p100)} after SIGTERM; ` +
      `busiest second #${r.busiestSecond.second} (${r.busiestSecond.devices} devices); listen overflows ${f.listenOverflows} (drops ${f.listenDrops})`,
  );
  console.log(
    `  pushes ${d.pushes} (${d.deliveries} device deliveries, ${d.ackedWhileAway} acknowledged while the device was away, ${f.pushRetries} retried attempts, ${f.unacknowledged} never acknowledged): ` +
      `lost ${d.lost}, duplicated ${d.duplicated}, only in a snapshot ${d.snapshotOnly}` + (d.deviceNotBack > 0 ? ` (${d.deviceNotBack} waiting for a device not back yet)` : ''),
  );
  console.log(
    `  old server exited ${fmt(f.oldExitMs)} after SIGTERM ${JSON.stringify(f.oldShutdown ?? {})}; new server spawned at +${fmt(f.newSpawnAfterSigtermMs)} ` +
      `(${f.failedStarts} failed starts), listening ${fmt(f.newListeningMs)} after its spawn ${JSON.stringify(f.newStartup ?? {})}; machine busy ${f.busyPct}% (load ${f.load1})`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  if (!options.json) {
    console.log(
      `storm: ${options.devices} devices (${Math.ceil(options.devices / 2)} users × 2) in ${options.clients} processes, ${options.rate} pushes/s, ` +
        `${options.gapMs > 0 ? `restart ${options.gapMs} ms after the old exit` : 'immediate restart'}, listen backlog ${options.listenBacklog || 'default'} (somaxconn ${somaxconn}), ` +
        `client backoff base/cap/restart spread ${options.backoffBaseMs || 'default'}/${options.backoffCapMs || 'default'}/${options.restartSpreadMs || 'default'} ms, connect timeout ${options.connectTimeoutMs || 'default'} ms`,
    );
  }
  const all: RunFigures[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const figures = await runOnce(run, options);
    all.push(figures);
    if (!options.json) printRun(figures);
  }
  if (options.json) console.log(JSON.stringify({ options, somaxconn, runs: all }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

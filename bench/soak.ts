// Soak test (not in CI): N connections held for a long time under steady pushes; prints RSS drift per hour, p99
// latency and errors. `node dist/bench/soak.js [--connections 10000] [--minutes 30] [--rate 20] [--clients 4]`.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/mint-token.js';

interface Options {
  connections: number;
  minutes: number;
  /** Pushes per second, each to one user (two devices). */
  rate: number;
  /** Processes holding the client sockets (each below the per-process file limit). */
  clients: number;
  /** Seconds between samples. */
  sampleSec: number;
}

/** What a client process reports every sample: counts since the last report and latencies (ms) seen. */
interface ClientReport {
  kind: 'report';
  open: number;
  frames: number;
  unexpectedCloses: number;
  reconnects: number;
  latencies: number[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const cliPath = path.resolve(here, '../cli/notify.js');

function parseOptions(argv: string[]): Options {
  const options: Options = { connections: 10_000, minutes: 30, rate: 20, clients: 4, sampleSec: 10 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name in options) || !Number.isFinite(value) || value <= 0) throw new Error(`unknown or bad option ${argv[i]} ${argv[i + 1] ?? ''}`);
    (options as unknown as Record<string, number>)[name] = value;
  }
  return options;
}

// ---------------------------------------------------------------- client process

interface ClientStart {
  kind: 'start';
  url: string;
  /** Tokens by user; socket i belongs to user i % tokens.length. */
  tokens: string[];
  first: number;
  count: number;
}

function runClient(): void {
  process.once('message', (start: ClientStart) => holdSockets(start));
}

function holdSockets({ url, tokens, first, count }: ClientStart): void {
  let open = 0;
  let frames = 0;
  let unexpectedCloses = 0;
  let reconnects = 0;
  let latencies: number[] = [];
  let stopping = false;

  const openOne = (index: number, isReconnect: boolean): void => {
    if (isReconnect) reconnects++;
    const socket = new WebSocket(`${url}?token=${tokens[index % tokens.length]}`, { localAddress: `127.${10 + Math.floor(index / 62_500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}` });
    socket.on('open', () => open++);
    socket.on('message', (data) => {
      frames++;
      const text = String(data);
      const sent = /"message":"soak t=(\d+)"/.exec(text);
      if (sent) latencies.push(Date.now() - Number(sent[1]));
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      open--;
      if (stopping) return;
      unexpectedCloses++;
      setTimeout(() => openOne(index, true), 1000 + Math.random() * 2000);
    });
  };

  let next = first;
  const opener = setInterval(() => {
    for (let i = 0; i < 50 && next < first + count; i++) openOne(next++, false);
    if (next >= first + count) clearInterval(opener);
  }, 20);
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'report') {
      const report: ClientReport = { kind: 'report', open, frames, unexpectedCloses, reconnects, latencies };
      frames = 0;
      unexpectedCloses = 0;
      reconnects = 0;
      latencies = [];
      process.send!(report);
    } else if (message.kind === 'stop') {
      stopping = true;
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------- coordinator

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Least-squares slope of (t, y), in y per unit of t. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mt = points.reduce((s, [t]) => s + t, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [t, y]) => s + (t - mt) * (y - my), 0);
  const den = points.reduce((s, [t]) => s + (t - mt) ** 2, 0);
  return num / den;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runCoordinator(options: Options): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'notify-soak-'));
  const jwtSecret = randomBytes(32).toString('hex');
  const pushToken = randomBytes(16).toString('hex');
  const port = await freePort();
  const users = Math.ceil(options.connections / 2);
  const server = spawn(process.execPath, [cliPath, 'serve', '--port', String(port), '--store', `sqlite:${path.join(dir, 'soak.db')}`, '--jwt-secret', jwtSecret, '--push-token', pushToken, '--log-level', 'warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const stopAll = (): void => {
    for (const child of children) child.kill('SIGKILL');
    server.kill('SIGKILL');
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  try {
    await waitForHttp(`${base}/healthz`, 30_000);
    const tokens = await Promise.all(Array.from({ length: users }, (_, u) => mintToken({ secret: jwtSecret, sub: `soak${u}`, ttlSec: 86_400 })));
    const perClient = Math.ceil(options.connections / options.clients);
    const reports = new Map<ChildProcess, (report: ClientReport) => void>();
    for (let c = 0; c < options.clients; c++) {
      const first = c * perClient;
      const count = Math.min(perClient, options.connections - first);
      // Each client process gets the tokens of its own sockets' users (socket i is user i % users).
      const child = fork(fileURLToPath(import.meta.url), ['client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (message: ClientReport) => reports.get(child)?.(message));
      const start: ClientStart = { kind: 'start', url: `ws://127.0.0.1:${port}/api/v1/notifications`, tokens, first, count };
      child.send(start);
      children.push(child);
    }
    const collect = async (): Promise<ClientReport[]> =>
      Promise.all(
        children.map(
          (child) =>
            new Promise<ClientReport>((resolve) => {
              reports.set(child, resolve);
              child.send({ kind: 'report' });
            }),
        ),
      );

    // Connect everyone before the clock starts.
    const connectStarted = Date.now();
    for (;;) {
      const open = (await collect()).reduce((s, r) => s + r.open, 0);
      if (open >= options.connections) break;
      if (Date.now() - connectStarted > 300_000) throw new Error(`only ${open} of ${options.connections} connections after 5 min`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.log(`soak: ${options.connections} connections open in ${((Date.now() - connectStarted) / 1000).toFixed(1)} s; pushing ${options.rate}/s for ${options.minutes} min`);

    // Steady pushes on a keep-alive agent.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    let pushed = 0;
    let pushErrors = 0;
    /** Why pushes failed: HTTP status, error code, or `backlog` when 200 were already in flight. */
    const pushErrorKinds: Record<string, number> = {};
    const pushFailed = (kind: string): void => {
      pushErrors++;
      pushErrorKinds[kind] = (pushErrorKinds[kind] ?? 0) + 1;
    };
    let inFlight = 0;
    const pushOne = (): void => {
      const userId = `soak${Math.floor(Math.random() * users)}`;
      const body = JSON.stringify({ type: 'info', data: { title: 'soak', message: `soak t=${Date.now()}`, priority: 'low' } });
      inFlight++;
      const req = http.request(`${base}/api/v1/users/${userId}/notifications`, { method: 'POST', agent, headers: { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          if (res.statusCode === 201) pushed++;
          else pushFailed(String(res.statusCode));
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        inFlight--;
        pushFailed(error.code ?? error.message);
      });
      req.end(body);
    };
    const pusher = setInterval(() => {
      if (inFlight < 200) pushOne();
      else pushFailed('backlog');
    }, 1000 / options.rate);

    const started = Date.now();
    const rss: [number, number][] = [];
    const all: number[] = [];
    let frames = 0;
    let unexpectedCloses = 0;
    let reconnects = 0;
    let lastLine = 0;
    while (Date.now() - started < options.minutes * 60_000) {
      await new Promise((resolve) => setTimeout(resolve, options.sampleSec * 1000));
      const batch = await collect();
      const latencies = batch.flatMap((r) => r.latencies).sort((a, b) => a - b);
      all.push(...latencies);
      frames += batch.reduce((s, r) => s + r.frames, 0);
      unexpectedCloses += batch.reduce((s, r) => s + r.unexpectedCloses, 0);
      reconnects += batch.reduce((s, r) => s + r.reconnects, 0);
      const hours = (Date.now() - started) / 3_600_000;
      rss.push([hours, rssOf(server.pid!)]);
      if (Date.now() - lastLine >= 60_000 || Date.now() - started >= options.minutes * 60_000) {
        lastLine = Date.now();
        const open = batch.reduce((s, r) => s + r.open, 0);
        console.log(
          `t=${(hours * 60).toFixed(1)} min open=${open} pushed=${pushed} pushErrors=${pushErrors} frames=${frames} unexpectedCloses=${unexpectedCloses} ` +
            `p50=${percentile(latencies, 50)} ms p99=${percentile(latencies, 99)} ms rss=${(rss.at(-1)![1] / 2 ** 20).toFixed(1)} MB load=${loadavg()[0]!.toFixed(2)}`,
        );
      }
    }
    clearInterval(pusher);
    all.sort((a, b) => a - b);
    // Drift over the run after the first tenth (allocator warm-up), in MB per hour.
    const steady = rss.slice(Math.floor(rss.length / 10));
    const driftPerHourMb = slope(steady) / 2 ** 20;
    const summary = {
      connections: options.connections,
      minutes: options.minutes,
      pushesPerSecond: options.rate,
      pushed,
      pushErrors,
      pushErrorKinds,
      framesReceived: frames,
      unexpectedCloses,
      reconnects,
      latencyMs: { p50: percentile(all, 50), p99: percentile(all, 99), p999: percentile(all, 99.9), max: all.at(-1) },
      rssMb: { first: +(steady[0]![1] / 2 ** 20).toFixed(1), last: +(steady.at(-1)![1] / 2 ** 20).toFixed(1), driftPerHour: +driftPerHourMb.toFixed(2) },
      machine: { cpus: cpus().length, load1: +loadavg()[0]!.toFixed(2), node: process.version },
    };
    console.log(`soak summary: ${JSON.stringify(summary)}`);
    console.log(
      `RSS drift ${summary.rssMb.driftPerHour} MB/h (${summary.rssMb.first} → ${summary.rssMb.last} MB), p99 ${summary.latencyMs.p99} ms, ` +
        `errors: ${pushErrors} push, ${unexpectedCloses} unexpected closes`,
    );
    for (const child of children) child.send({ kind: 'stop' });
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 500));
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'client') runClient();
else
  runCoordinator(parseOptions(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

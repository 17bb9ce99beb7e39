// Starts a server under test as a child process (notify `serve` with a temp SQLite store, the raw ws baseline or Socket.IO) with the probe preloaded.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/paths.js';
import type { ProbeApi, TargetKind, TargetSpec } from './protocol.js';
import { RpcClient } from './rpc.js';

export const benchHost = '127.0.0.1';
/** Ports below the ephemeral range (32768–60999), so a listener never competes with the clients' own ports. */
const portRange = { from: 20_000, to: 32_000 };
const readyTimeoutMs = 20_000;
const stopTimeoutMs = 10_000;
const outputTailBytes = 4096;

export interface ServerUnderTest {
  readonly spec: TargetSpec;
  readonly pid: number;
  /** Memory and CPU of the server (all its processes); `gc` collects garbage first (the server runs with --expose-gc). */
  stats(gc: boolean): Promise<{ rss: number; heapUsed: number; cpuUs: number; mainThreadUs: number }>;
  /** Starts a CPU profile of the server's main process (for one phase: see bench/push-stages.ts). */
  profileStart(intervalUs: number): Promise<void>;
  /** Stops it and writes it to `file`. */
  profileStop(file: string): Promise<void>;
  /** What the server wrote to stdout/stderr lately (its warnings and errors). */
  output(): string;
  /** SIGTERM, SIGKILL after 10 s; removes its temp directory. */
  stop(): Promise<void>;
}

export interface StartTargetOptions {
  /** Write a V8 CPU profile (.cpuprofile) of the server into this directory when it exits. */
  cpuProfDir?: string;
  /** notify only: 'sqlite' (default: a temp file, durable before 201) or 'memory' (to see what durability costs). */
  store?: 'sqlite' | 'memory';
  /** notify only: `serve --workers N` (node:cluster); memory and CPU are then summed over the primary and its workers. */
  workers?: number;
  /** Burn this much CPU (µs) per POST request in the server (bench/probe.ts): a deliberately slowed build for the CI guard. */
  slowPushUs?: number;
}

export function compiledPath(...parts: string[]): string {
  return path.join(packageRoot, 'dist', ...parts);
}

/** A free port on 127.0.0.1 below the ephemeral range, found by binding to it (bounded tries). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = portRange.from + Math.floor(Math.random() * (portRange.to - portRange.from));
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, benchHost, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port between ${portRange.from} and ${portRange.to} after 50 tries`);
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

/** The child's environment: the bench's own, minus any NOTIFY_* setting (or slowing) that would change the server under test. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('NOTIFY_') && key !== 'BENCH_SLOW_PUSH_US') env[key] = value;
  return { ...env, ...extra };
}

export async function startTarget(kind: TargetKind, options: StartTargetOptions = {}): Promise<ServerUnderTest> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), `notify-bench-${kind}-`));
  const execArgv = ['--expose-gc', '--import', pathToFileURL(compiledPath('bench', 'probe.js')).href];
  if (options.cpuProfDir) execArgv.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfDir);
  let child: ChildProcess;
  let readyUrl: string;
  // Secrets travel in the environment, not on a command line other users can read.
  const jwtSecret = randomBytes(32).toString('hex');
  const spec: TargetSpec = { kind, host: benchHost, port, jwtSecret };
  if (kind === 'notify') {
    spec.pushToken = randomBytes(24).toString('hex');
    const args = ['serve', '--host', benchHost, '--port', String(port), '--store', options.store === 'memory' ? 'memory' : `sqlite:${path.join(dir, 'notify.db')}`, '--log-level', 'warn', '--state-dir', dir];
    if ((options.workers ?? 1) > 1) args.push('--workers', String(options.workers));
    child = fork(compiledPath('cli', 'notify.js'), args, {
      execArgv,
      env: cleanEnv({ NOTIFY_JWT_SECRET: jwtSecret, NOTIFY_PUSH_TOKEN: spec.pushToken, ...(options.slowPushUs ? { BENCH_SLOW_PUSH_US: String(options.slowPushUs) } : {}) }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    readyUrl = `http://${benchHost}:${port}/api/status/ping`;
  } else {
    const script = kind === 'baseline' ? 'baseline-server.js' : 'socketio-server.js';
    child = fork(compiledPath('bench', script), ['--host', benchHost, '--port', String(port)], {
      execArgv,
      env: cleanEnv({ BENCH_JWT_SECRET: jwtSecret }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    readyUrl = `http://${benchHost}:${port}/ping`;
  }
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-outputTailBytes);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  const probe = new RpcClient<ProbeApi>(`${kind} server`, child);

  const cleanup = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exit;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (!(await httpOk(readyUrl))) {
    if (exited || Date.now() >= deadline) {
      await cleanup();
      throw new Error(`${kind} server did not become ready on port ${port}${exited ? ' (it exited)' : ` within ${readyTimeoutMs} ms`}: ${tail.trim().slice(-800)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  let stopping: Promise<void> | undefined;
  return {
    spec,
    pid: child.pid!,
    stats: (gc) => probe.call('stats', { gc }, 10_000),
    profileStart: async (intervalUs) => void (await probe.call('profileStart', { intervalUs }, 10_000)),
    profileStop: async (file) => void (await probe.call('profileStop', { file }, 60_000)),
    output: () => tail,
    stop: () => (stopping ??= cleanup()),
  };
}

// `notify serve --workers N`: a node:cluster primary that runs N serve workers on one port, relays their bus, restarts the dead.
import cluster, { type Worker } from 'node:cluster';
import { relayClusterBus } from '../../src/bus/index.js';
import type { Logger } from '../../src/logger.js';

/** What a worker tells the primary over IPC once its server listens; anything else is someone else's. */
interface WorkerReady {
  notifyWorker: 'ready';
  url: string;
}

function isWorkerReady(message: unknown): message is WorkerReady {
  return typeof message === 'object' && message !== null && (message as { notifyWorker?: unknown }).notifyWorker === 'ready';
}

/** In a worker: tells the primary the server is up (the primary logs the one URL once all are). */
export function reportWorkerReady(url: string): void {
  const message: WorkerReady = { notifyWorker: 'ready', url };
  process.send?.(message);
}

export interface WorkerPoolOptions {
  /** How many worker processes; each holds its own sockets (and its own open-file limit). */
  workers: number;
  /** The serve `--bus`: 'local' is relayed between workers by this primary; a Redis bus is used by workers directly. */
  bus: string;
  logger: Logger;
  /** How long workers get to close their sockets (1001) and stores before they are killed, in ms. Default 10000. */
  stopTimeoutMs?: number;
  /** Longest wait before restarting a worker that keeps dying, in ms. Default 5000. */
  maxRestartDelayMs?: number;
}

export interface WorkerPool {
  /** http://host:port all workers share. */
  readonly url: string;
  /** Pids of the live workers. */
  pids(): number[];
  /** SIGTERM to every worker (each shuts down gracefully), SIGKILL to any still running after `stopTimeoutMs`. */
  stop(): Promise<void>;
}

/**
 * Each worker's V8 young generation (semi-space) cap, in MB. V8 grows it to 16 MB while connections arrive and
 * keeps those pages: with six workers that was ~145 MB of RSS at 15,000 connections, against ~25 MB here;
 * pushes/s held (bench/RESULTS.md, "100,000 connections with `--workers 6`"). A --max-semi-space-size given
 * to node (flags or NODE_OPTIONS) wins.
 */
export const workerSemiSpaceMb = 2;
const semiSpaceFlag = '--max-semi-space-size';

/** The workers' node flags: the primary's own, plus the semi-space cap unless one was given. */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env['NODE_OPTIONS'] ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) => flag.replace(/_/g, '-').startsWith(semiSpaceFlag));
  return given ? [...execArgv] : [...execArgv, `${semiSpaceFlag}=${workerSemiSpaceMb}`];
}

/** Deaths within this window make the next restart wait longer. */
const crashWindowMs = 30_000;
const firstRestartDelayMs = 100;

/**
 * Forks `workers` copies of this very command (same argv and env, plus NOTIFY_CLUSTER_BUS=1 so the
 * 'local' bus becomes the cluster bus) with round-robin connection scheduling, and resolves once
 * every one listens. A worker that fails before the pool is up rejects the start (the others are
 * stopped); a worker that dies later, for any reason other than stop(), is replaced, with a delay
 * growing from 100 ms to `maxRestartDelayMs` while deaths keep coming.
 */
export function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  if (!cluster.isPrimary) throw new Error('startWorkerPool() must run in the node:cluster primary');
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
  const { logger } = options;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const maxRestartDelayMs = options.maxRestartDelayMs ?? 5000;
  // Even spread across workers, whatever NODE_CLUSTER_SCHED_POLICY says.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.setupPrimary({ execArgv: workerExecArgv() });
  const stopRelay = options.bus === 'local' ? relayClusterBus() : () => undefined;
  const ready = new Set<Worker>();
  const deaths: number[] = [];
  const restarts = new Set<NodeJS.Timeout>();
  let url: string | undefined;
  let stopping: Promise<void> | undefined;
  let startFailed = false;

  const live = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  function fork(): Worker {
    const worker = cluster.fork({ NOTIFY_CLUSTER_BUS: '1' });
    worker.on('message', (message: unknown) => {
      if (!isWorkerReady(message)) return;
      ready.add(worker);
      url ??= message.url;
      onReady();
    });
    // IPC errors (a worker gone mid-send) are reported by its exit.
    worker.on('error', (error) => logger.debug({ err: error, pid: worker.process.pid }, 'worker IPC error'));
    return worker;
  }

  let up = false;
  let onReady: () => void = () => undefined;
  const started = new Promise<WorkerPool>((resolve, reject) => {
    onReady = () => {
      if (up || startFailed || ready.size < options.workers) return;
      up = true;
      resolve(pool);
    };
    cluster.on('exit', (worker, code, signal) => {
      ready.delete(worker);
      if (stopping) return;
      const how = signal ?? `code ${code}`;
      if (!up) {
        // A worker that cannot even start (bad flags, store unreachable) will not do better on a retry.
        startFailed = true;
        reject(new Error(`worker ${worker.process.pid} exited (${how}) before the server was up`));
        void stop();
        return;
      }
      const now = Date.now();
      deaths.push(now);
      while (deaths[0]! < now - crashWindowMs) deaths.shift();
      const delayMs = Math.min(maxRestartDelayMs, firstRestartDelayMs * 2 ** (deaths.length - 1));
      logger.warn({ pid: worker.process.pid, exit: how, restartInMs: delayMs }, 'worker died; restarting it');
      // Not unref'd: with every worker dead, this timer is what keeps the primary alive.
      const timer = setTimeout(() => {
        restarts.delete(timer);
        if (!stopping) fork();
      }, delayMs);
      restarts.add(timer);
    });
  });

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const timer of restarts) clearTimeout(timer);
      restarts.clear();
      const workers = live();
      const exited = Promise.all(workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())))));
      for (const worker of workers) worker.process.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), stopTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const stuck = live();
        logger.warn({ pids: stuck.map((w) => w.process.pid) }, 'workers did not stop in time; killing them');
        for (const worker of stuck) worker.process.kill('SIGKILL');
        await exited;
      }
      stopRelay();
    })();
    return stopping;
  }

  const pool: WorkerPool = {
    get url() {
      return url!;
    },
    pids: () => live().flatMap((w) => (w.process.pid === undefined ? [] : [w.process.pid])),
    stop,
  };
  for (let i = 0; i < options.workers; i++) fork();
  return started;
}

// Preloaded (node --import) into each server under test: answers memory and CPU questions over the IPC channel,
// summed over the node:cluster workers of `serve --workers N` (they inherit the preload and answer their primary).
import cluster, { type Worker } from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import { Server, type IncomingMessage } from 'node:http';
import { Session } from 'node:inspector';
import type { ProbeApi } from './protocol.js';
import { serveRpc } from './rpc.js';

type Stats = ReturnType<ProbeApi['stats']>;

interface WorkerQuestion {
  benchProbe: 'stats';
  id: number;
  gc: boolean;
}

interface WorkerAnswer {
  benchProbe: 'answer';
  id: number;
  stats: Stats;
}

const collect = (globalThis as { gc?: () => void }).gc;
const workerTimeoutMs = 5000;

/**
 * CPU time of this process's main thread in µs (Linux: the run time in /proc/self/task/<pid>/schedstat, in ns), so a
 * CPU profile's shares of the JavaScript thread can be turned into microseconds without the libuv pool's fsyncs
 * or V8's helper threads; elsewhere the whole process's CPU.
 */
function mainThreadUs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
  } catch {
    const cpu = process.cpuUsage();
    return cpu.user + cpu.system;
  }
}

function local(gc: boolean): Stats {
  // Twice: the first pass may only queue finalizers whose memory the second frees.
  if (gc && collect) {
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { rss: memory.rss, heapUsed: memory.heapUsed, cpuUs: cpu.user + cpu.system, mainThreadUs: mainThreadUs() };
}

/** The in-process profiler (the inspector protocol, as `--cpu-prof` uses), for a profile of one bench phase only. */
let profiler: Session | undefined;

function post<T>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

let nextQuestion = 1;

function ask(worker: Worker, gc: boolean): Promise<Stats> {
  const id = nextQuestion++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const answer = message as WorkerAnswer;
      if (answer?.benchProbe !== 'answer' || answer.id !== id) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(answer.stats);
    };
    const timer = setTimeout(() => {
      worker.off('message', onMessage);
      reject(new Error(`worker ${worker.process.pid ?? '?'} did not answer the bench probe within ${workerTimeoutMs} ms`));
    }, workerTimeoutMs);
    worker.on('message', onMessage);
    worker.send({ benchProbe: 'stats', id, gc } satisfies WorkerQuestion);
  });
}

/**
 * A deliberately slowed server, for checking that the CI guard (bench/guard.ts) fails: with BENCH_SLOW_PUSH_US=N in
 * its environment, the server burns N µs of CPU before handling each POST request. Set by the bench for notify only.
 */
const slowPushUs = Number(process.env['BENCH_SLOW_PUSH_US'] ?? 0);
if (slowPushUs > 0) {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request' && (args[0] as IncomingMessage).method === 'POST') {
      const cpu = (): number => {
        const used = process.cpuUsage();
        return used.user + used.system;
      };
      const until = cpu() + slowPushUs;
      while (cpu() < until);
    }
    return (emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
}

if (cluster.isWorker) {
  process.on('message', (message: unknown) => {
    const question = message as WorkerQuestion;
    if (question?.benchProbe !== 'stats') return;
    process.send?.({ benchProbe: 'answer', id: question.id, stats: local(question.gc) } satisfies WorkerAnswer);
  });
} else if (process.send) {
  serveRpc<ProbeApi>(
    {
      async stats({ gc }) {
        const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
        const all = [local(gc), ...(await Promise.all(workers.map((w) => ask(w, gc))))];
        return all.reduce((sum, s) => ({ rss: sum.rss + s.rss, heapUsed: sum.heapUsed + s.heapUsed, cpuUs: sum.cpuUs + s.cpuUs, mainThreadUs: sum.mainThreadUs + s.mainThreadUs }));
      },
      async profileStart({ intervalUs }) {
        if (profiler) throw new Error('a profile is already running');
        const session = new Session();
        session.connect();
        await post(session, 'Profiler.enable');
        await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
        await post(session, 'Profiler.start');
        profiler = session;
        return { started: true as const };
      },
      async profileStop({ file }) {
        const session = profiler;
        if (!session) throw new Error('no profile is running');
        profiler = undefined;
        const { profile } = await post<{ profile: { samples?: number[] } }>(session, 'Profiler.stop');
        session.disconnect();
        writeFileSync(file, JSON.stringify(profile));
        return { file, samples: profile.samples?.length ?? 0 };
      },
    },
    // The bench went away: shut the server down the way an operator would (it writes --cpu-prof on exit).
    () => process.kill(process.pid, 'SIGTERM'),
  );
}

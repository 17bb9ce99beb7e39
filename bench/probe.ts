// Preloaded (node --import) into each server under test: answers memory and CPU questions over the IPC channel,
// summed over the node:cluster workers of `serve --workers N` (they inherit the preload and answer their primary).
import cluster, { type Worker } from 'node:cluster';
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

function local(gc: boolean): Stats {
  // Twice: the first pass may only queue finalizers whose memory the second frees.
  if (gc && collect) {
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { rss: memory.rss, heapUsed: memory.heapUsed, cpuUs: cpu.user + cpu.system };
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
        return all.reduce((sum, s) => ({ rss: sum.rss + s.rss, heapUsed: sum.heapUsed + s.heapUsed, cpuUs: sum.cpuUs + s.cpuUs }));
      },
    },
    // The bench went away: shut the server down the way an operator would (it writes --cpu-prof on exit).
    () => process.kill(process.pid, 'SIGTERM'),
  );
}

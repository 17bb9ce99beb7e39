// Preloaded (node --import) into each server under test: answers memory and CPU questions over the IPC channel.
import type { ProbeApi } from './protocol.js';
import { serveRpc } from './rpc.js';

const collect = (globalThis as { gc?: () => void }).gc;

if (process.send) {
  serveRpc<ProbeApi>(
    {
      stats({ gc }) {
        // Twice: the first pass may only queue finalizers whose memory the second frees.
        if (gc && collect) {
          collect();
          collect();
        }
        const memory = process.memoryUsage();
        const cpu = process.cpuUsage();
        return { rss: memory.rss, heapUsed: memory.heapUsed, cpuUs: cpu.user + cpu.system };
      },
    },
    // The bench went away: shut the server down the way an operator would (it writes --cpu-prof on exit).
    () => process.kill(process.pid, 'SIGTERM'),
  );
}

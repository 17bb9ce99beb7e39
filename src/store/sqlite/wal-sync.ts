// Coalesced fdatasync of the SQLite WAL on the thread pool, so durable commits never block the event loop on an fsync.
import { fdatasync } from 'node:fs';

/**
 * Coalesced fdatasync of the WAL: `after(done)` runs `done` once a sync that started after the call has
 * finished. At most one sync runs at a time; the callers that arrive meanwhile share the next one.
 */
export function createWalSync(fd: number | undefined): { after(done: (error?: Error) => void): void; idle(): Promise<void> } {
  let running = false;
  let waiting: ((error?: Error) => void)[] = [];
  const idleWaiters: (() => void)[] = [];
  const start = (): void => {
    running = true;
    const covered = waiting;
    waiting = [];
    fdatasync(fd!, (error) => {
      running = false;
      for (const done of covered) done(error ?? undefined);
      if (waiting.length > 0) return start();
      for (const resolve of idleWaiters.splice(0)) resolve();
    });
  };
  return {
    after(done) {
      waiting.push(done);
      if (!running) start();
    },
    idle: () => (running ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve()),
  };
}

// Measures the SQLite store's group commit on its own: appends/s, rows per commit, CPU per row and event-loop stalls, per WAL sync mode.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openSqliteStore } from '../src/store/sqlite/index.js';

export interface CommitFigures {
  walSync: 'async' | 'inline';
  concurrency: number;
  appendsPerSec: number;
  rowsPerCommit: number;
  cpuUsPerRow: number;
  /** The longest the event loop stood still (ms): an fsync inside the commit shows up here. */
  loopDelayMaxMs: number;
}

/** `concurrency` writers, each appending as soon as its last append resolved, for `seconds`, on a temp file. */
export async function measureCommits(walSync: 'async' | 'inline', concurrency: number, seconds: number): Promise<CommitFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'notify-store-commit-'));
  let commits = 0;
  let rows = 0;
  const store = openSqliteStore(path.join(dir, 'notify.db'), { walSync, onCommit: (writes, durable) => void (durable && ((commits += 1), (rows += writes))) });
  const data = { title: 'Bench notification', message: 'Your export of 1,204 rows is ready to download.', priority: 'low' } as const;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let appended = 0;
  delay.enable();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        // What the push route calls: preferences are checked in the same write.
        await store.appendUnlessMuted({ userId: `u${w}`, type: 'info', data, timestamp: Date.now() });
        appended++;
      }
    }),
  );
  delay.disable();
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    walSync,
    concurrency,
    appendsPerSec: appended / elapsed,
    rowsPerCommit: rows / Math.max(1, commits),
    cpuUsPerRow: (used.user + used.system) / Math.max(1, appended),
    loopDelayMaxMs: delay.max / 1e6,
  };
}

// Run as a script: `node dist/bench/store-commit.js [seconds] [concurrency…]` prints one line per mode and concurrency.
if (process.argv[1]?.endsWith('store-commit.js')) {
  const seconds = Number(process.argv[2] ?? 3);
  const levels = process.argv.slice(3).map(Number);
  for (const concurrency of levels.length ? levels : [1, 16, 128]) {
    for (const mode of ['inline', 'async'] as const) {
      const f = await measureCommits(mode, concurrency, seconds);
      process.stdout.write(
        `${mode.padEnd(6)} concurrency ${String(concurrency).padStart(4)}: ${f.appendsPerSec.toFixed(0).padStart(6)} appends/s, ${f.rowsPerCommit.toFixed(1).padStart(6)} rows/commit, ${f.cpuUsPerRow.toFixed(1).padStart(6)} µs CPU/row, loop stalled up to ${f.loopDelayMaxMs.toFixed(1)} ms\n`,
      );
    }
  }
}

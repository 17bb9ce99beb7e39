// What `notification.delivered` costs a push at the store: no endpoint, an endpoint with the event written inside the append, and (for comparison) a write of its own after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore } from '../src/store/index.js';
import type { NotificationStore } from '../src/store/store.js';

/** How the delivered event is recorded: not at all (no endpoint wants it), in the append, or by a write after it. */
export type DeliveredMode = 'no endpoint' | 'in the append' | 'separate write';

export interface CostFigures {
  backend: string;
  mode: DeliveredMode;
  appendsPerSec: number;
  cpuUsPerAppend: number;
}

const data = { title: 'Bench notification', message: 'Your export of 1,204 rows is ready to download.', priority: 'low' } as const;

/** `concurrency` writers appending (as the push route does) for `seconds` on `store`, recording delivered per `mode`. */
async function measure(store: NotificationStore, backend: string, mode: DeliveredMode, concurrency: number, seconds: number): Promise<CostFigures> {
  if (mode !== 'no endpoint') await store.webhooks.createEndpoint({ url: 'https://hooks.example.com/n', events: ['notification.delivered'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, Date.now());
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let appended = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        const userId = `u${w}`;
        const result = await store.appendUnlessMuted({ userId, type: 'info', data, timestamp: Date.now(), ...(mode === 'in the append' && { markDelivered: true }) });
        if (mode === 'separate write' && result !== 'muted') await store.webhooks.recordDelivered([{ userId, notificationId: result.notification.id }], Date.now());
        appended++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { backend, mode, appendsPerSec: appended / elapsed, cpuUsPerAppend: (used.user + used.system) / Math.max(1, appended) };
}

const modes: DeliveredMode[] = ['no endpoint', 'in the append', 'separate write'];

/** Each mode on a fresh SQLite file, then (when reachable) a fresh PostgreSQL schema. */
export async function measureWebhookCost(concurrency: number, seconds: number, databaseUrl?: string): Promise<CostFigures[]> {
  const figures: CostFigures[] = [];
  for (const mode of modes) {
    const dir = mkdtempSync(path.join(tmpdir(), 'notify-webhook-cost-'));
    const store = await openStore(`sqlite:${path.join(dir, 'notify.db')}`);
    figures.push(await measure(store, 'sqlite', mode, concurrency, seconds));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (databaseUrl === undefined) return figures;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    for (const mode of modes) {
      const schema = `notify_bench_${process.pid}_${modes.indexOf(mode)}`;
      const store = await openStore(databaseUrl, { schema });
      try {
        figures.push(await measure(store, 'postgres', mode, concurrency, seconds));
      } finally {
        await store.close();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    }
  } finally {
    await admin.end();
  }
  return figures;
}

// Run as a script: `node dist/bench/webhook-cost.js [seconds] [concurrency] [postgres://…]` prints one line per backend and mode.
if (process.argv[1]?.endsWith('webhook-cost.js')) {
  const seconds = Number(process.argv[2] ?? 3);
  const concurrency = Number(process.argv[3] ?? 16);
  const figures = await measureWebhookCost(concurrency, seconds, process.argv[4]);
  for (const f of figures) {
    const base = figures.find((b) => b.backend === f.backend && b.mode === 'no endpoint')!;
    process.stdout.write(
      `${f.backend.padEnd(8)} ${f.mode.padEnd(14)}: ${f.appendsPerSec.toFixed(0).padStart(6)} appends/s (${(f.appendsPerSec / base.appendsPerSec).toFixed(2)}×), ${f.cpuUsPerAppend.toFixed(1).padStart(6)} µs CPU/append (${(f.cpuUsPerAppend / base.cpuUsPerAppend).toFixed(2)}×)\n`,
    );
  }
}

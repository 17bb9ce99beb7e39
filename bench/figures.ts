// The figures a bench run reports, how to print them, and the performance goals of docs/decisions.md (ratios notify / raw ws and notify / Socket.IO).

import { stages } from './push-stages.js';

export type Scenario = 'connections' | 'push' | 'latency' | 'broadcast' | 'batch';
export const scenarios: readonly Scenario[] = ['connections', 'push', 'latency', 'broadcast', 'batch'];
/** Pushes per batch request in the batch scenario (notify only: the references have no batch route). */
export const batchSize = 100;

/** One figure of one server in one run, keyed `scenario.name` (latency: `latency.<rate>.name`). */
export type Figures = Record<string, number>;

export interface FigureDef {
  key: string;
  scenario: Scenario;
  label: string;
  decimals: number;
  /** Which way is better; ratios of 'none' figures are still printed. */
  better: 'higher' | 'lower' | 'none';
}

export interface Goal {
  key: string;
  /** Which reference the ratio is taken to; absolute goals test notify's own median figure. */
  vs: 'baseline' | 'socketio' | 'absolute';
  /** The goal, as printed. */
  text: string;
  /** Met when this holds on the median ratio (or, for absolute goals, on notify's median figure). */
  test: (value: number) => boolean;
  /** How far off a missed goal is, as printed. */
  gap: (value: number) => string;
}


export function figureDefs(rates: readonly number[]): FigureDef[] {
  const defs: FigureDef[] = [
    { key: 'connections.rssPerConnKB', scenario: 'connections', label: 'server RSS per connection (KB)', decimals: 2, better: 'lower' },
    { key: 'connections.serverIdleRssMiB', scenario: 'connections', label: 'server RSS before connecting, all its processes (MiB)', decimals: 0, better: 'lower' },
    { key: 'connections.serverRssMiB', scenario: 'connections', label: 'server RSS holding the connections, all its processes (MiB)', decimals: 0, better: 'lower' },
    { key: 'connections.serverRssAfterGcMiB', scenario: 'connections', label: 'the same after a forced GC (MiB)', decimals: 0, better: 'lower' },
    { key: 'connections.heapPerConnKB', scenario: 'connections', label: 'server heap per connection (KB)', decimals: 2, better: 'lower' },
    { key: 'connections.connectsPerSec', scenario: 'connections', label: 'connects/s (notify: JWT verified, ready)', decimals: 0, better: 'higher' },
    { key: 'connections.serverUsPerConnect', scenario: 'connections', label: 'server CPU µs per connect', decimals: 0, better: 'lower' },
    { key: 'connections.connectedPct', scenario: 'connections', label: 'connected %', decimals: 1, better: 'higher' },
    { key: 'push.pushesPerSec', scenario: 'push', label: 'pushes/s, closed loop (notify: stored durably)', decimals: 0, better: 'higher' },
    { key: 'push.deliveredPct', scenario: 'push', label: 'pushes delivered %', decimals: 1, better: 'higher' },
    { key: 'push.serverUsPerPush', scenario: 'push', label: 'server CPU µs per push', decimals: 1, better: 'lower' },
    { key: 'push.mainThreadUsPerPush', scenario: 'push', label: '  of which the main (JavaScript) thread', decimals: 1, better: 'lower' },
    { key: 'push.otherThreadsUsPerPush', scenario: 'push', label: '  of which other threads (fsync on the pool, GC helpers)', decimals: 1, better: 'lower' },
    ...stages.map(({ key, label }): FigureDef => ({ key: `push.stage.${key}`, scenario: 'push', label: `    main thread µs per push: ${label}`, decimals: 1, better: 'lower' })),
    { key: 'push.loadUsPerPush', scenario: 'push', label: 'load generator CPU µs per push (same harness)', decimals: 1, better: 'none' },
  ];
  for (const rate of rates) {
    const at = `at ${rate >= 1000 ? `${rate / 1000}k` : rate}/s`;
    defs.push(
      { key: `latency.${rate}.p50Ms`, scenario: 'latency', label: `push→receive p50 ms ${at}`, decimals: 2, better: 'lower' },
      { key: `latency.${rate}.p95Ms`, scenario: 'latency', label: `push→receive p95 ms ${at}`, decimals: 2, better: 'lower' },
      { key: `latency.${rate}.p99Ms`, scenario: 'latency', label: `push→receive p99 ms ${at}`, decimals: 2, better: 'lower' },
      { key: `latency.${rate}.maxMs`, scenario: 'latency', label: `push→receive max ms ${at}`, decimals: 2, better: 'lower' },
      { key: `latency.${rate}.deliveredPct`, scenario: 'latency', label: `delivered % ${at}`, decimals: 1, better: 'higher' },
      { key: `latency.${rate}.serverUsPerPush`, scenario: 'latency', label: `server CPU µs per push ${at}`, decimals: 1, better: 'lower' },
    );
  }
  defs.push(
    { key: 'broadcast.deliveriesPerSec', scenario: 'broadcast', label: 'broadcast deliveries/s', decimals: 0, better: 'higher' },
    { key: 'broadcast.deliveredPct', scenario: 'broadcast', label: 'broadcast delivered %', decimals: 1, better: 'higher' },
    { key: 'batch.notificationsPerSec', scenario: 'batch', label: `batch route: notifications/s stored and sent (${batchSize} a request)`, decimals: 0, better: 'higher' },
    { key: 'batch.deliveredPct', scenario: 'batch', label: 'batch route: delivered %', decimals: 1, better: 'higher' },
    { key: 'batch.serverUsPerNotification', scenario: 'batch', label: 'batch route: server CPU µs per notification', decimals: 1, better: 'lower' },
  );
  return defs;
}

/** "Ahead of Socket.IO by 1.2×": for a figure where lower is better, notify / Socket.IO at most 1 / 1.2. */
const ahead = 1.2;

function atLeast(key: string, vs: 'baseline' | 'socketio', min: number): Goal {
  return { key, vs, text: `≥ ${min}× ${vs === 'baseline' ? 'ws' : 'S.IO'}`, test: (r) => r >= min, gap: (r) => `${(min - r).toFixed(2)}× short` };
}

function atMost(key: string, vs: 'baseline' | 'socketio', max: number): Goal {
  return { key, vs, text: `≤ ${max.toFixed(2).replace(/\.?0+$/, '')}× ${vs === 'baseline' ? 'ws' : 'S.IO'}`, test: (r) => r <= max, gap: (r) => `${(r / max).toFixed(2)}× the allowed` };
}

/** The performance goals at 10k connections (docs/decisions.md): each headline figure against raw ws, and ≥ 1.2× ahead of Socket.IO. */
export function goals(rates: readonly number[]): Goal[] {
  const list: Goal[] = [
    atMost('connections.rssPerConnKB', 'baseline', 1.1),
    atMost('connections.rssPerConnKB', 'socketio', 1 / ahead),
    atLeast('connections.connectsPerSec', 'baseline', 0.9),
    atLeast('connections.connectsPerSec', 'socketio', ahead),
    atLeast('push.pushesPerSec', 'baseline', 0.75),
    atLeast('push.pushesPerSec', 'socketio', ahead),
    // The push path's CPU budget (docs/decisions.md, "The push path and the batch API"): 55 µs where raw ws takes 32.
    atMost('push.serverUsPerPush', 'baseline', 55 / 32),
  ];
  if (rates.includes(5000)) {
    list.push(atMost('latency.5000.p99Ms', 'baseline', 2), atMost('latency.5000.p99Ms', 'socketio', 1 / ahead), {
      key: 'latency.5000.deliveredPct',
      vs: 'absolute',
      text: '100% delivered',
      test: (v) => v >= 100,
      gap: (v) => `${(100 - v).toFixed(2)}% lost`,
    });
  }
  list.push(atLeast('broadcast.deliveriesPerSec', 'baseline', 0.9), atLeast('broadcast.deliveriesPerSec', 'socketio', ahead));
  list.push({
    key: 'batch.notificationsPerSec',
    vs: 'absolute',
    text: '≥ 50,000/s',
    test: (v) => v >= 50_000,
    gap: (v) => `${(50_000 - v).toLocaleString('en-US', { maximumFractionDigits: 0 })}/s short`,
  });
  return list;
}

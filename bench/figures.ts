// The figures a bench run reports, how to print them, and the goals of issue 6 (ratios notify / baseline).

export type Scenario = 'connections' | 'push' | 'latency' | 'broadcast';
export const scenarios: readonly Scenario[] = ['connections', 'push', 'latency', 'broadcast'];

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
  /** What the issue asks, as printed. */
  text: string;
  /** Met when this holds on the median ratio (or, for `absolute`, on notify's median figure). */
  test: (value: number) => boolean;
  absolute?: boolean;
  /** How far off a missed goal is, as printed. */
  gap: (value: number) => string;
}

const pct = (v: number): string => `${(v * 100).toFixed(0)}%`;

export function figureDefs(rates: readonly number[]): FigureDef[] {
  const defs: FigureDef[] = [
    { key: 'connections.rssPerConnKB', scenario: 'connections', label: 'server RSS per connection (KB)', decimals: 2, better: 'lower' },
    { key: 'connections.heapPerConnKB', scenario: 'connections', label: 'server heap per connection (KB)', decimals: 2, better: 'lower' },
    { key: 'connections.connectsPerSec', scenario: 'connections', label: 'connects/s (notify: JWT verified, ready)', decimals: 0, better: 'higher' },
    { key: 'connections.serverUsPerConnect', scenario: 'connections', label: 'server CPU µs per connect', decimals: 0, better: 'lower' },
    { key: 'connections.connectedPct', scenario: 'connections', label: 'connected %', decimals: 1, better: 'higher' },
    { key: 'push.pushesPerSec', scenario: 'push', label: 'pushes/s, closed loop (notify: stored durably)', decimals: 0, better: 'higher' },
    { key: 'push.deliveredPct', scenario: 'push', label: 'pushes delivered %', decimals: 1, better: 'higher' },
    { key: 'push.serverUsPerPush', scenario: 'push', label: 'server CPU µs per push', decimals: 1, better: 'lower' },
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
  );
  return defs;
}

/** The goals table of issue 6 (at 10k connections); the p99 goal applies when 5000/s is among the rates. */
export function goals(rates: readonly number[]): Goal[] {
  const list: Goal[] = [
    { key: 'connections.rssPerConnKB', text: '≤ 2×', test: (r) => r <= 2, gap: (r) => `${(r / 2).toFixed(2)}× the allowed` },
    { key: 'push.pushesPerSec', text: '≥ 0.6× (stretch 0.75×)', test: (r) => r >= 0.6, gap: (r) => `${pct(0.6 - r)} short` },
  ];
  if (rates.includes(5000)) {
    list.push(
      { key: 'latency.5000.p99Ms', text: '≤ 3×', test: (r) => r <= 3, gap: (r) => `${(r / 3).toFixed(2)}× the allowed` },
      { key: 'latency.5000.deliveredPct', text: '100% delivered', absolute: true, test: (v) => v >= 100, gap: (v) => `${(100 - v).toFixed(2)}% lost` },
    );
  }
  list.push(
    { key: 'broadcast.deliveriesPerSec', text: '≥ 0.85×', test: (r) => r >= 0.85, gap: (r) => `${pct(0.85 - r)} short` },
    { key: 'connections.connectsPerSec', text: '≥ 0.8×', test: (r) => r >= 0.8, gap: (r) => `${pct(0.8 - r)} short` },
  );
  return list;
}

// The CI push guard (bench/guard.ts): its verdict, and that it fails on a deliberately slowed notify (a busy loop per push).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { judge, readBaseline, defaultBaselineFile } from '../../bench/guard.js';

const guardPath = path.resolve('dist/bench/guard.js');
const run = promisify(execFile);

describe('push guard', () => {
  it('fails only past the baseline ratio plus its margin, the wider one on a busy machine', () => {
    const baseline = { ratio: 2, margin: 0.25, busyAbovePct: 50, busyMargin: 0.75 };
    const quiet = [5, 10, 2];
    expect(judge({ median: 2.5, otherWorkPct: quiet }, baseline)).toMatchObject({ pass: true, limit: 2.5, busy: false });
    expect(judge({ median: 1.2, otherWorkPct: quiet }, baseline).pass).toBe(true);
    expect(judge({ median: 2.51, otherWorkPct: quiet }, baseline).pass).toBe(false);
    expect(judge({ median: 2.6, otherWorkPct: quiet }, baseline).change).toBeCloseTo(0.3);
    const busy = [90, 40, 80];
    expect(judge({ median: 3.4, otherWorkPct: busy }, baseline)).toMatchObject({ pass: true, busy: true, limit: 3.5 });
    expect(judge({ median: 3.6, otherWorkPct: busy }, baseline).pass).toBe(false);
  });

  it('reads the committed bench/baseline.json', () => {
    const baseline = readBaseline(defaultBaselineFile);
    expect(baseline.ratio).toBeGreaterThan(0);
    expect(baseline.margin).toBe(0.25);
    expect(baseline.busyMargin).toBeGreaterThan(baseline.margin);
    expect(baseline.reason.length).toBeGreaterThan(10);
  });

  it('exits 1 when notify is slowed by a 3 ms busy loop per push (bench/probe.ts BENCH_SLOW_PUSH_US)', async () => {
    if (!existsSync(guardPath)) throw new Error(`${guardPath} is missing: run \`npm run build\` before this test`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NOTIFY_')));
    const failed = await run(process.execPath, [guardPath, '--repeat', '1', '--slices', '2', '--n', '100', '--slow-notify-us', '3000'], { env, timeout: 280_000 }).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/notify deliberately slowed by 3000 µs a push/);
    expect(failed?.stdout).toMatch(/→ FAIL: the push path costs more CPU relative to raw ws/);
  }, 300_000);
});

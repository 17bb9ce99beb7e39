// `notify bench --quick --json` end to end: every scenario reports numeric figures for notify, raw ws and Socket.IO, and both ratios (the batch route: notify's alone); no timing asserted.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const cliPath = path.resolve('dist/cli/notify.js');
const run = promisify(execFile);

/** Every leaf of a figures object, with its path. */
function leaves(value: unknown, at = ''): [string, unknown][] {
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
  return [[at, value]];
}

describe('notify bench --quick --json', () => {
  it('reports every scenario with numeric figures for the three servers and both ratios', async () => {
    if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` before this test`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NOTIFY_')));
    const { stdout } = await run(process.execPath, [cliPath, 'bench', '--quick', '--json'], { env, timeout: 110_000, maxBuffer: 16 * 2 ** 20 });
    const report = JSON.parse(stdout) as {
      options: { rates: number[] };
      scenarios: Record<string, Record<string, unknown>>;
      goals: { figure: string; vs: string; met: boolean }[];
      runs: { target: string; load: Record<string, number> }[];
    };

    expect(Object.keys(report.scenarios).sort()).toEqual(['batch', 'broadcast', 'connections', 'latency', 'push']);
    for (const [name, scenario] of Object.entries(report.scenarios)) {
      // The batch route is notify's alone: no reference figures, no ratios.
      for (const target of name === 'batch' ? ['notify'] : ['notify', 'baseline', 'socketio', 'ratio', 'ratioSocketio']) {
        const figures = leaves(scenario[target]);
        expect(figures.length, `${name}.${target} has figures`).toBeGreaterThan(0);
        for (const [key, value] of figures) expect(typeof value === 'number' && Number.isFinite(value), `${name}.${target}.${key} = ${String(value)}`).toBe(true);
      }
    }
    const latency = report.scenarios['latency']!;
    for (const rate of report.options.rates) {
      for (const target of ['notify', 'baseline', 'socketio']) {
        expect(Object.keys((latency[target] as Record<string, unknown>)[String(rate)] as object).sort()).toEqual(['deliveredPct', 'maxMs', 'p50Ms', 'p95Ms', 'p99Ms', 'serverUsPerPush']);
      }
    }
    for (const figure of ['connectsPerSec', 'rssPerConnKB']) expect(report.scenarios['connections']!['notify']).toHaveProperty(figure);
    expect(report.scenarios['push']!['notify']).toHaveProperty('pushesPerSec');
    expect(report.scenarios['batch']!['notify']).toMatchObject({ notificationsPerSec: expect.any(Number), deliveredPct: 100 });
    expect(report.scenarios['broadcast']!['baseline']).toHaveProperty('deliveriesPerSec');
    // Machine load is reported for every run so noisy runs can be discarded.
    expect(report.scenarios['broadcast']!['socketio']).toHaveProperty('deliveriesPerSec');
    expect(report.runs.map((r) => r.target).sort()).toEqual(['baseline', 'notify', 'socketio']);
    for (const r of report.runs) expect(typeof r.load['otherPct']).toBe('number');
    // Each headline figure is judged against both references.
    for (const figure of ['connections.connectsPerSec', 'push.pushesPerSec', 'broadcast.deliveriesPerSec', 'connections.rssPerConnKB']) {
      expect(report.goals.filter((g) => g.figure === figure).map((g) => g.vs).sort()).toEqual(['baseline', 'socketio']);
    }
  }, 120_000);
});

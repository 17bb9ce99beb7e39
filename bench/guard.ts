// The CI guard against push-path regressions: notify and raw ws side by side, median of 3, against bench/baseline.json.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';
import { runBench, stopEverything, type BenchOptions, type RepeatRun } from './harness.js';
import { machineInfo } from './machine.js';
import { median } from './stats.js';

/** bench/baseline.json: the ratio the guard holds the build to. Changing it is a deliberate commit that says why. */
export interface GuardBaseline {
  /** notify's server CPU per push / raw ws's, median of the repeats of one run. */
  ratio: number;
  /** The build fails when its median ratio is more than `ratio × (1 + margin)`. */
  margin: number;
  /** Each repeat's ratio in the recording run (how much it swung). */
  repeats: number[];
  recorded: { date: string; commit: string; machine: string; command: string; otherWorkPct: number[] };
  /** Why this baseline (the commit message says it too). */
  reason: string;
}

export interface GuardOptions {
  n: number;
  durationSec: number;
  repeat: number;
  pushConcurrency: number;
  /** Burn this much CPU (µs) in notify's process per push request (bench/probe.ts): a deliberately slowed build. */
  slowNotifyUs: number;
  /** The baseline file (default bench/baseline.json at the package root). */
  baselineFile: string;
  progress(line: string): void;
}

export interface GuardResult {
  /** Each repeat's notify / raw ws server CPU per push. */
  ratios: number[];
  median: number;
  /** Each repeat's share of the machine busy with work outside the bench (a loaded machine). */
  otherWorkPct: number[];
  /** CPU µs per push of each server, per repeat. */
  notifyUs: number[];
  baselineUs: number[];
}

export const guardDefaults = { n: 500, durationSec: 3, repeat: 3, pushConcurrency: 64 } as const;
export const defaultBaselineFile = path.join(packageRoot, 'bench', 'baseline.json');

/** Runs notify and raw ws `repeat` times (order rotated per repeat) through the closed-loop push scenario. */
export async function measureRatio(options: GuardOptions): Promise<GuardResult> {
  const bench: BenchOptions = {
    n: options.n,
    durationMs: Math.round(options.durationSec * 1000),
    rates: [],
    repeat: options.repeat,
    broadcasts: 1,
    pushConcurrency: options.pushConcurrency,
    openLoopConnections: 8,
    scenarios: new Set(['push']),
    targets: ['notify', 'baseline'],
    store: 'sqlite',
    workers: 1,
    ...(options.slowNotifyUs > 0 ? { slowNotifyUs: options.slowNotifyUs } : {}),
    progress: options.progress,
  };
  let repeats: RepeatRun[];
  try {
    repeats = await runBench(bench);
  } finally {
    await stopEverything();
  }
  const notifyUs: number[] = [];
  const baselineUs: number[] = [];
  const otherWorkPct: number[] = [];
  for (const { runs } of repeats) {
    const [notify, baseline] = [runs.notify, runs.baseline];
    const problems = [...(notify?.errors ?? []), ...(baseline?.errors ?? [])];
    if (!notify || !baseline || problems.length > 0) throw new Error(`the guard's bench run failed: ${problems.join('; ') || 'a server did not run'}`);
    notifyUs.push(notify.figures['push.serverUsPerPush']!);
    baselineUs.push(baseline.figures['push.serverUsPerPush']!);
    otherWorkPct.push(Math.max(notify.load.otherPct, baseline.load.otherPct));
  }
  const ratios = notifyUs.map((us, i) => us / baselineUs[i]!);
  return { ratios, median: median(ratios), otherWorkPct, notifyUs, baselineUs };
}

/** `measureRatio`, once more when the bench itself failed (a server that did not start, sockets not ready in time). */
async function measureOrRetry(options: GuardOptions): Promise<GuardResult> {
  try {
    return await measureRatio(options);
  } catch (error) {
    options.progress(`push guard: ${error instanceof Error ? error.message : String(error)}; running it again`);
    return measureRatio(options);
  }
}

/** Two runs as one: every repeat of both, and the median over all of them. */
function combine(a: GuardResult, b: GuardResult): GuardResult {
  const ratios = [...a.ratios, ...b.ratios];
  return { ratios, median: median(ratios), otherWorkPct: [...a.otherWorkPct, ...b.otherWorkPct], notifyUs: [...a.notifyUs, ...b.notifyUs], baselineUs: [...a.baselineUs, ...b.baselineUs] };
}

export function readBaseline(file: string): GuardBaseline {
  const baseline = JSON.parse(readFileSync(file, 'utf8')) as GuardBaseline;
  if (!(baseline.ratio > 0) || !(baseline.margin >= 0)) throw new Error(`${file}: expected {"ratio": > 0, "margin": ≥ 0, …}`);
  return baseline;
}

/** The verdict: fails only when the median ratio is more than `margin` worse than the baseline's. */
export function judge(result: Pick<GuardResult, 'median'>, baseline: Pick<GuardBaseline, 'ratio' | 'margin'>): { pass: boolean; limit: number; change: number } {
  const limit = baseline.ratio * (1 + baseline.margin);
  return { pass: result.median <= limit, limit, change: result.median / baseline.ratio - 1 };
}

function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: packageRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)} %`;

function describeRun(result: GuardResult): string[] {
  return result.ratios.map(
    (r, i) => `  repeat ${i + 1}: notify ${result.notifyUs[i]!.toFixed(1)} µs, raw ws ${result.baselineUs[i]!.toFixed(1)} µs per push: ratio ${r.toFixed(2)} (other work on the machine ${result.otherWorkPct[i]!.toFixed(0)} %)`,
  );
}

/** `node dist/bench/guard.js [--record --reason TEXT] [--slow-notify-us N] [--n N] [--duration S] [--repeat K]`; exit 1 on a regression. */
async function main(argv: string[]): Promise<number> {
  const arg = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const options: GuardOptions = {
    n: Number(arg('--n') ?? guardDefaults.n),
    durationSec: Number(arg('--duration') ?? guardDefaults.durationSec),
    repeat: Number(arg('--repeat') ?? guardDefaults.repeat),
    pushConcurrency: Number(arg('--push-concurrency') ?? guardDefaults.pushConcurrency),
    slowNotifyUs: Number(arg('--slow-notify-us') ?? 0),
    baselineFile: path.resolve(arg('--baseline') ?? defaultBaselineFile),
    progress: (line) => void process.stderr.write(`${line}\n`),
  };
  const started = Date.now();
  const record = argv.includes('--record');
  if (record && !arg('--reason')) throw new Error('--record needs --reason "why the baseline changes" (it goes into bench/baseline.json and the commit)');
  const baseline = record ? undefined : readBaseline(options.baselineFile);
  let result = await measureOrRetry(options);
  // A verdict of "worse" is confirmed by a second run before it fails the build: judged on the median of both runs.
  if (baseline && !judge(result, baseline).pass) {
    options.progress(`push guard: median ratio ${result.median.toFixed(2)} is above the limit; measuring again to confirm`);
    result = combine(result, await measureOrRetry(options));
  }
  const lines = [
    `push guard: notify / raw ws server CPU per push, ${options.repeat} repeat(s) of ${options.durationSec} s at ${options.pushConcurrency} in flight, ${options.n} connections${options.slowNotifyUs > 0 ? `, notify deliberately slowed by ${options.slowNotifyUs} µs a push` : ''}`,
    ...describeRun(result),
    `  median ratio ${result.median.toFixed(2)} over ${result.ratios.length} repeats (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  ];
  if (!baseline) {
    const reason = arg('--reason')!;
    const previous = (() => {
      try {
        return readBaseline(options.baselineFile);
      } catch {
        return undefined;
      }
    })();
    const m = machineInfo();
    const baseline: GuardBaseline = {
      ratio: Number(result.median.toFixed(3)),
      margin: previous?.margin ?? 0.25,
      repeats: result.ratios.map((r) => Number(r.toFixed(3))),
      recorded: {
        date: new Date().toISOString(),
        commit: commitOf(),
        machine: `${m.cores} cores (${m.cpuModel}), Node ${m.node}`,
        command: ['node dist/bench/guard.js', ...argv].join(' '),
        otherWorkPct: result.otherWorkPct.map((p) => Math.round(p)),
      },
      reason,
    };
    writeFileSync(options.baselineFile, `${JSON.stringify(baseline, null, 2)}\n`);
    process.stdout.write(`${[...lines, `recorded ${options.baselineFile}: ratio ${baseline.ratio} (was ${previous?.ratio ?? 'none'}); commit it with the reason`].join('\n')}\n`);
    return 0;
  }
  const verdict = judge(result, baseline);
  lines.push(
    `  baseline ${baseline.ratio.toFixed(2)} (bench/baseline.json, ${baseline.recorded.commit}); fails above ${verdict.limit.toFixed(2)} (+${(100 * baseline.margin).toFixed(0)} %): ${pct(verdict.change)} → ${verdict.pass ? 'pass' : 'FAIL: the push path costs more CPU relative to raw ws than the baseline allows'}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!verdict.pass) {
    process.stderr.write('push guard failed. Profile the push path (`notify bench --targets notify,baseline --scenarios push --stages DIR`); if the cost is deliberate, record a new baseline (`node dist/bench/guard.js --record --reason …`) in a commit that says why.\n');
  }
  return verdict.pass ? 0 : 1;
}

if (process.argv[1]?.endsWith('guard.js')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`push guard: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}

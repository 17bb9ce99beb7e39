// The CI guard against push-path regressions: notify and raw ws side by side, median of 3, against bench/baseline.json.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';
import { spawnLoad, stopEverything, trackServer } from './harness.js';
import { machineInfo, startLoadMeter } from './machine.js';
import type { PusherApi, ReceiverApi } from './protocol.js';
import { RpcClient } from './rpc.js';
import { startTarget, type ServerUnderTest } from './server-process.js';
import { median } from './stats.js';

/** bench/baseline.json: the ratio the guard holds the build to. Changing it is a deliberate commit that says why. */
export interface GuardBaseline {
  /** notify's server CPU per push / raw ws's, median of the repeats of one run. */
  ratio: number;
  /** The build fails when its median ratio is more than `ratio × (1 + margin)`. */
  margin: number;
  /**
   * On a machine busy with other work (the median repeat's other work above `busyAbovePct` %), the ratio swings more
   * (measured: bench/RESULTS.md), so `busyMargin` applies instead: a regression that large still fails, load alone not.
   */
  busyAbovePct: number;
  busyMargin: number;
  /** Each repeat's ratio in the recording run (how much it swung). */
  repeats: number[];
  recorded: { date: string; commit: string; machine: string; command: string; otherWorkPct: number[] };
  /** Why this baseline (the commit message says it too). */
  reason: string;
}

interface GuardOptions {
  n: number;
  repeat: number;
  /** Alternating slices per server per round. */
  slices: number;
  pushConcurrency: number;
  /** Burn this much CPU (µs) in notify's process per push request (bench/probe.ts): a deliberately slowed build. */
  slowNotifyUs: number;
  /** The baseline file (default bench/baseline.json at the package root). */
  baselineFile: string;
  progress(line: string): void;
}

interface GuardResult {
  /** Each repeat's notify / raw ws server CPU per push. */
  ratios: number[];
  median: number;
  /** Each repeat's share of the machine busy with work outside the bench (a loaded machine). */
  otherWorkPct: number[];
  /** CPU µs per push of each server, per repeat. */
  notifyUs: number[];
  baselineUs: number[];
  /** The same ratio for the main (JavaScript) thread alone, per repeat (shown, not judged). */
  mainRatios: number[];
}

const guardDefaults = { n: 500, repeat: 3, pushConcurrency: 64 } as const;
export const defaultBaselineFile = path.join(packageRoot, 'bench', 'baseline.json');

const sliceMs = 500;
/** Slices per server per round (`--slices`): 6 in CI; fewer only where the verdict is far from the limit (its test). */
const defaultSlices = 6;

/**
 * Starts notify and raw ws side by side (each with its own receiver and pusher process holding `n` connections),
 * warms both up, then per repeat alternates closed-loop push slices of 0.5 s between them, 6 each: the two servers
 * see the same machine, slice by slice, so a load that comes and goes moves both sides of the ratio. A repeat's
 * ratio is notify's CPU per push over raw ws's, each summed over its slices.
 */
async function measureRatio(options: GuardOptions): Promise<GuardResult> {
  const kinds = ['notify', 'baseline'] as const;
  const sides: Record<(typeof kinds)[number], { server: ServerUnderTest; receiver: RpcClient<ReceiverApi>; pusher: RpcClient<PusherApi>; untrack: () => void }> = {} as never;
  try {
    for (const [i, kind] of kinds.entries()) {
      const server = await startTarget(kind, { store: 'sqlite', ...(kind === 'notify' && options.slowNotifyUs > 0 ? { slowPushUs: options.slowNotifyUs } : {}) });
      const untrack = trackServer(server);
      const receiver = new RpcClient<ReceiverApi>(`${kind} receiver`, spawnLoad('receiver', i));
      const pusher = new RpcClient<PusherApi>(`${kind} pusher`, spawnLoad('pusher', i));
      sides[kind] = { server, receiver, pusher, untrack };
      const users = { prefix: 'u', first: 0, count: options.n, stride: 1 };
      await receiver.call('prepare', { target: server.spec, users }, 60_000);
      await pusher.call('configure', { target: server.spec, users }, 5000);
      options.progress(`  ${kind}: connecting ${options.n}`);
      const timeoutMs = 30_000 + options.n * 20;
      const connected = await receiver.call('connect', { concurrency: 64, timeoutMs }, timeoutMs + 10_000);
      if (connected.failed > 0) throw new Error(`${kind}: ${connected.failed} of ${options.n} connections failed (${connected.firstError ?? 'unknown'})`);
      // Warm-up (JIT, SQLite page cache), not measured.
      await pusher.call('closedLoop', { durationMs: 1000, concurrency: options.pushConcurrency }, 60_000);
    }
    /** CPU of every process of the guard (servers, load processes, this one): the rest of the machine's is other work. */
    const benchCpuUs = async (): Promise<number> => {
      const parts = await Promise.all(
        Object.values(sides).flatMap((side) => [side.server.stats(false), side.receiver.call('cpu', {}, 5000), side.pusher.call('cpu', {}, 5000)]),
      );
      const own = process.cpuUsage();
      return parts.reduce((sum, part) => sum + part.cpuUs, own.user + own.system);
    };
    const notifyUs: number[] = [];
    const baselineUs: number[] = [];
    const mainRatios: number[] = [];
    const otherWorkPct: number[] = [];
    // The first round is not counted: measured, the first round after the warm-ups ran 20–40 % above the next ones for notify.
    for (let repeat = -1; repeat < options.repeat; repeat++) {
      options.progress(repeat < 0 ? `warm-up round: ${options.slices} slices of ${sliceMs} ms each, alternating, not counted` : `repeat ${repeat + 1}/${options.repeat}: ${options.slices} slices of ${sliceMs} ms each, alternating`);
      const repeatMeter = startLoadMeter();
      const ownBefore = await benchCpuUs();
      const totals = { notify: { cpuUs: 0, mainUs: 0, pushes: 0 }, baseline: { cpuUs: 0, mainUs: 0, pushes: 0 } };
      for (let slice = 0; slice < options.slices; slice++) {
        // Alternate which goes first, so neither always follows the other.
        for (const kind of slice % 2 === 0 ? kinds : [...kinds].reverse()) {
          const { server, pusher } = sides[kind];
          const before = await server.stats(false);
          const result = await pusher.call('closedLoop', { durationMs: sliceMs, concurrency: options.pushConcurrency }, sliceMs + 30_000);
          const after = await server.stats(false);
          if (result.failed > 0) throw new Error(`${kind}: ${result.failed} pushes failed (${result.firstError ?? 'unknown'})`);
          totals[kind].cpuUs += after.cpuUs - before.cpuUs;
          totals[kind].mainUs += after.mainThreadUs - before.mainThreadUs;
          totals[kind].pushes += result.ok;
        }
      }
      if (repeat < 0) continue;
      mainRatios.push(totals.notify.mainUs / Math.max(1, totals.notify.pushes) / (totals.baseline.mainUs / Math.max(1, totals.baseline.pushes)));
      notifyUs.push(totals.notify.cpuUs / Math.max(1, totals.notify.pushes));
      baselineUs.push(totals.baseline.cpuUs / Math.max(1, totals.baseline.pushes));
      otherWorkPct.push(repeatMeter.finish((await benchCpuUs()) - ownBefore).otherPct);
    }
    const ratios = notifyUs.map((us, i) => us / baselineUs[i]!);
    return { ratios, median: median(ratios), otherWorkPct, notifyUs, baselineUs, mainRatios };
  } finally {
    for (const side of Object.values(sides)) side.untrack();
    await Promise.allSettled(Object.values(sides).map((side) => side.server.stop()));
    await stopEverything();
  }
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
  return {
    ratios,
    median: median(ratios),
    otherWorkPct: [...a.otherWorkPct, ...b.otherWorkPct],
    notifyUs: [...a.notifyUs, ...b.notifyUs],
    baselineUs: [...a.baselineUs, ...b.baselineUs],
    mainRatios: [...a.mainRatios, ...b.mainRatios],
  };
}

export function readBaseline(file: string): GuardBaseline {
  const baseline = JSON.parse(readFileSync(file, 'utf8')) as GuardBaseline;
  if (!(baseline.ratio > 0) || !(baseline.margin >= 0) || !(baseline.busyMargin >= 0) || !(baseline.busyAbovePct >= 0)) {
    throw new Error(`${file}: expected {"ratio": > 0, "margin": ≥ 0, "busyAbovePct": ≥ 0, "busyMargin": ≥ 0, …}`);
  }
  return baseline;
}

/**
 * The verdict: fails only when the median ratio is more than the margin worse than the baseline's; the margin is
 * `busyMargin` when the machine was busy with other work (median over the repeats above `busyAbovePct` %).
 */
export function judge(
  result: Pick<GuardResult, 'median' | 'otherWorkPct'>,
  baseline: Pick<GuardBaseline, 'ratio' | 'margin' | 'busyAbovePct' | 'busyMargin'>,
): { pass: boolean; limit: number; change: number; busy: boolean; margin: number } {
  const busy = median(result.otherWorkPct) > baseline.busyAbovePct;
  const margin = busy ? Math.max(baseline.margin, baseline.busyMargin) : baseline.margin;
  const limit = baseline.ratio * (1 + margin);
  return { pass: result.median <= limit, limit, change: result.median / baseline.ratio - 1, busy, margin };
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
    (r, i) =>
      `  repeat ${i + 1}: notify ${result.notifyUs[i]!.toFixed(1)} µs, raw ws ${result.baselineUs[i]!.toFixed(1)} µs per push: ratio ${r.toFixed(2)} (main thread alone ${result.mainRatios[i]!.toFixed(2)}; other work on the machine ${result.otherWorkPct[i]!.toFixed(0)} %)`,
  );
}

/** `node dist/bench/guard.js [--record --reason TEXT] [--slow-notify-us N] [--n N] [--repeat K] [--slices S] [--baseline FILE]`; exit 1 on a regression. */
async function main(argv: string[]): Promise<number> {
  const arg = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const options: GuardOptions = {
    n: Number(arg('--n') ?? guardDefaults.n),
    repeat: Number(arg('--repeat') ?? guardDefaults.repeat),
    slices: Number(arg('--slices') ?? defaultSlices),
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
    `push guard: notify / raw ws server CPU per push, ${options.repeat} repeat(s) of ${options.slices} alternating ${sliceMs} ms slices each at ${options.pushConcurrency} in flight, ${options.n} connections each${options.slowNotifyUs > 0 ? `, notify deliberately slowed by ${options.slowNotifyUs} µs a push` : ''}`,
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
      busyAbovePct: previous?.busyAbovePct ?? 50,
      busyMargin: previous?.busyMargin ?? 0.75,
      repeats: result.ratios.map((r) => Number(r.toFixed(3))),
      recorded: {
        date: new Date().toISOString(),
        commit: commitOf(),
        machine: `${m.cores} cores (${m.cpuModel}), Node ${m.node}`,
        // The reason is a field of its own.
        command: ['node dist/bench/guard.js', ...argv.map((a, i) => (argv[i - 1] === '--reason' ? '"…"' : a))].join(' '),
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
    `  baseline ${baseline.ratio.toFixed(2)} (bench/baseline.json, ${baseline.recorded.commit}); fails above ${verdict.limit.toFixed(2)} (+${(100 * verdict.margin).toFixed(0)} %${verdict.busy ? `: the machine was busy with other work, median ${median(result.otherWorkPct).toFixed(0)} % > ${baseline.busyAbovePct} %, so the busy margin applies` : ''}): ${pct(verdict.change)} → ${verdict.pass ? 'pass' : 'FAIL: the push path costs more CPU relative to raw ws than the baseline allows'}`,
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

// `notify bench`: notify against raw `ws` and Socket.IO 4 in the same run, the same load from separate processes; one table of figures and both ratios.
import { Command, Option } from 'commander';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from '../../bench/harness.js';
import { integer } from '../support/parsers.js';
import { targetKinds, type TargetKind } from '../../bench/protocol.js';
import { usageError, exitWithUsageCode } from '../support/usage.js';

/** One server process holds at most ~19,500 sockets: 20,000 open files, minus its own. */
export const maxConnections = 19_000;
/** With `--workers K` and notify alone, the sockets spread over K processes. */
export const maxConnectionsWithWorkers = 120_000;
type Extra = 'push' | 'latency' | 'broadcast' | 'batch';
const extras: readonly Extra[] = ['push', 'latency', 'broadcast', 'batch'];

interface BenchFlags {
  n: number;
  duration: number;
  rates: number[];
  repeat: number;
  broadcasts: number;
  pushConcurrency: number;
  scenarios: Extra[];
  targets: TargetKind[];
  json?: boolean;
  quick?: boolean;
  cpuProf?: string;
  stages?: string;
  timeout?: number;
  store: 'sqlite' | 'memory';
  workers: number;
}

/** What `--quick` sets (unless the flag is given too): a few seconds in all, to keep the harness working in CI. */
const quick = { n: 200, duration: 0.5, rates: [200, 1000], repeat: 1, broadcasts: 2, pushConcurrency: 16 } as const;

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.2 || n > 600) throw usageError(`expected seconds from 0.2 to 600, got ${JSON.stringify(value)}`);
  return n;
}

function rateList(value: string): number[] {
  const rates = value.split(',').map((v) => Number(v.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isInteger(r) || r < 1 || r > 200_000)) {
    throw usageError(`--rates takes pushes per second from 1 to 200000, comma separated, got ${JSON.stringify(value)}`);
  }
  return [...new Set(rates)];
}

function scenarioList(value: string): Extra[] {
  const list = value.split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = list.filter((s) => !extras.includes(s as Extra));
  if (unknown.length > 0) throw usageError(`unknown scenario ${unknown.join(', ')}: choose from ${extras.join(', ')} (connections always runs)`);
  return list as Extra[];
}

function targetList(value: string): TargetKind[] {
  const list = [...new Set(value.split(',').map((v) => v.trim()).filter(Boolean))];
  const unknown = list.filter((t) => !targetKinds.includes(t as TargetKind));
  if (unknown.length > 0 || list.length === 0) throw usageError(`--targets takes some of ${targetKinds.join(', ')} (baseline is raw ws), got ${JSON.stringify(value)}`);
  return targetKinds.filter((t) => list.includes(t));
}

/** A generous bound on the whole run, from its size: the bench stops itself past it. */
function estimateSec(o: Pick<BenchFlags, 'n' | 'duration' | 'rates' | 'repeat' | 'broadcasts' | 'targets'>): number {
  // The push loop, each latency rate, the broadcasts and (notify only, counted for every target) the batch loop.
  const perTarget = 8 + o.n * 0.001 + (o.duration + 2) + o.rates.length * (o.duration + 1.5) + o.broadcasts * 1.5 + (o.duration + 3);
  return o.repeat * o.targets.length * perTarget;
}

export function makeBenchCommand(): Command {
  const command = new Command('bench')
    .description('Benchmark notify against raw ws and Socket.IO 4 in the same run: connections, push, latency and broadcast')
    .addOption(
      new Option('--n <connections>', `idle authenticated connections held during every scenario (max ${maxConnections}; up to ${maxConnectionsWithWorkers} with --workers K --targets notify)`)
        .argParser(integer(10, maxConnectionsWithWorkers))
        .default(10_000),
    )
    .addOption(new Option('--duration <seconds>', 'length of each timed phase (the push loop, each latency rate)').argParser(seconds).default(5))
    .addOption(new Option('--rates <list>', 'open-loop push rates of the latency scenario, per second').argParser(rateList).default([1000, 5000, 10000], '1000,5000,10000'))
    .addOption(new Option('--repeat <k>', 'runs of each server; figures are medians').argParser(integer(1, 20)).default(3))
    .addOption(new Option('--broadcasts <k>', 'broadcasts per run (median kept)').argParser(integer(1, 20)).default(3))
    .addOption(new Option('--push-concurrency <c>', 'pushes in flight in the closed-loop push scenario').argParser(integer(1, 1000)).default(128))
    .addOption(new Option('--scenarios <list>', 'which of push,latency,broadcast,batch to run (connections always runs; batch: notify only)').argParser(scenarioList).default([...extras], extras.join(',')))
    .addOption(new Option('--targets <list>', 'which servers run: notify, baseline (raw ws with JWT), socketio').argParser(targetList).default([...targetKinds], targetKinds.join(',')))
    .addOption(new Option('--store <kind>', "notify's store: sqlite (a temp file, durable before 201) or memory (shows what durability costs)").choices(['sqlite', 'memory']).default('sqlite'))
    .addOption(new Option('--workers <k>', 'run notify as `serve --workers K` (node:cluster; the references stay one process)').argParser(integer(1, 16)).default(1))
    .addOption(new Option('--json', 'print the report as JSON on stdout (progress goes to stderr)'))
    .addOption(new Option('--quick', `a few seconds in all: n=${quick.n}, ${quick.duration} s phases, rates ${quick.rates.join(',')}, one repeat (explicit flags still win)`))
    .addOption(new Option('--cpu-prof <dir>', "write each server's V8 CPU profile into DIR/<target> and print where its time went"))
    .addOption(new Option('--stages <dir>', "profile each server's main thread during the push loop only and print its CPU per push by stage (profiles kept in DIR)"))
    .addOption(new Option('--timeout <seconds>', 'stop the whole bench past this (default: 3× its estimated length, at least 120 s)').argParser(integer(10, 24 * 3600)))
    .addHelpText(
      'after',
      `
Each repeat starts notify (\`serve\`, temp SQLite store, log level warn), the raw ws baseline (an HS256
JWT verified per connect, no store, no validation) and Socket.IO 4 (default options, websocket transport,
the JWT checked on connect) in turn, drives each with the same load processes (receivers hold the sockets
with the same ws client, a pusher calls the push API) and stops it. Figures are medians over repeats;
ratios are notify / raw ws and notify / Socket.IO. Only 127.0.0.1 is used.

Examples:
  $ notify bench                                 # n=10000, 3 repeats: a few minutes on 2 cores
  $ notify bench --quick --json
  $ notify bench --n 5000 --rates 5000 --repeat 5 --scenarios latency
  $ notify bench --scenarios push --repeat 1 --cpu-prof ./profiles
  $ notify bench --targets notify,baseline --scenarios push --stages ./stages   # CPU per push by stage
  $ notify bench --targets notify --scenarios batch                             # the batch route`,
    )
    .action(async (flags: BenchFlags) => {
      if (flags.quick) {
        for (const [key, value] of Object.entries(quick)) {
          if (command.getOptionValueSource(key) === 'default') command.setOptionValue(key, value);
        }
        flags = command.opts<BenchFlags>();
      }
      // Each server process stays under the per-process open-file limit.
      const perProcess = flags.targets.length === 1 && flags.targets[0] === 'notify' ? flags.n / flags.workers : flags.n;
      if (perProcess > maxConnections) {
        throw usageError(`--n ${flags.n} puts more than ${maxConnections} sockets on one server process: use --workers K --targets notify with n/K ≤ ${maxConnections}`);
      }
      // Loaded on use: `serve` builds this command too and must not carry the harness.
      const [{ runBench, stopEverything }, { machineInfo }, { renderProfileTop }, { buildReport, renderTable }] = await Promise.all([
        import('../../bench/harness.js'),
        import('../../bench/machine.js'),
        import('../../bench/profile-top.js'),
        import('../../bench/report.js'),
      ]);
      const started = Date.now();
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const cpuProfDir = flags.cpuProf === undefined ? undefined : path.resolve(flags.cpuProf);
      if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
      const stagesDir = flags.stages === undefined ? undefined : path.resolve(flags.stages);
      if (stagesDir) mkdirSync(stagesDir, { recursive: true });
      if (stagesDir && !flags.scenarios.includes('push')) throw usageError('--stages profiles the push scenario: keep push in --scenarios');
      const options: BenchOptions = {
        n: flags.n,
        durationMs: Math.round(flags.duration * 1000),
        rates: flags.rates,
        repeat: flags.repeat,
        broadcasts: flags.broadcasts,
        pushConcurrency: flags.pushConcurrency,
        openLoopConnections: 32,
        scenarios: new Set(flags.scenarios),
        targets: flags.targets,
        store: flags.store,
        workers: flags.workers,
        ...(cpuProfDir === undefined ? {} : { cpuProfDir }),
        ...(stagesDir === undefined ? {} : { stagesDir }),
        progress: log,
      };

      const budgetSec = flags.timeout ?? Math.max(120, Math.ceil(3 * estimateSec(flags)));
      const watchdog = setTimeout(() => {
        log(`notify bench: still running after ${budgetSec} s; stopping (raise --timeout for bigger runs)`);
        void stopEverything().finally(() => process.exit(1));
      }, budgetSec * 1000);
      watchdog.unref();
      const interrupt = (): void => void stopEverything().finally(() => process.exit(130));
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);

      let repeats;
      try {
        repeats = await runBench(options);
      } finally {
        clearTimeout(watchdog);
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
      const report = buildReport({
        date: new Date().toISOString(),
        command: ['notify', ...(process.argv.includes('bench') ? process.argv.slice(process.argv.indexOf('bench')) : ['bench'])].join(' '),
        machine: machineInfo(),
        options: {
          n: options.n,
          durationSec: flags.duration,
          rates: options.rates,
          repeat: options.repeat,
          broadcasts: options.broadcasts,
          pushConcurrency: options.pushConcurrency,
          openLoopConnections: options.openLoopConnections,
          store: options.store,
          workers: options.workers,
          targets: [...options.targets],
        },
        elapsedSec: (Date.now() - started) / 1000,
        repeats,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderTable(report, repeats)}\n`);
      if (cpuProfDir) {
        const print = flags.json ? log : (s: string): void => void process.stdout.write(`${s}\n`);
        for (const kind of flags.targets) {
          const dir = path.join(cpuProfDir, kind);
          const profiles = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f)) : [];
          for (const file of profiles.filter((f) => statSync(f).mtimeMs >= started)) print(`\n${kind}: ${renderProfileTop(file)}`);
        }
      }
      // Figures nobody could measure mean the harness, not the server, failed.
      const missing = report.runs.some((r) => r.errors.some((e) => /no connection succeeded|not ready|exited|took longer/.test(e)));
      if (missing) process.exitCode = 1;
    });
  return exitWithUsageCode(command.showHelpAfterError('(run with --help for usage and examples)'));
}

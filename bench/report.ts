// Turns repeats into medians and ratios (notify / raw ws, notify / Socket.IO), prints them as one table, or as JSON.
import { figureDefs, goals, scenarios, type Figures } from './figures.js';
import type { MachineInfo } from './machine.js';
import type { RepeatRun, TargetRun } from './harness.js';
import { targetKinds, type TargetKind } from './protocol.js';
import { median } from './stats.js';

/** A run whose other CPU (work outside the bench) passed this share of the machine is flagged noisy. */
export const noisyOtherPct = 10;

export interface BenchSummary {
  notify: Figures;
  baseline: Figures;
  socketio: Figures;
  /** Median over repeats of each repeat's notify / raw ws (measured in the same repeat). */
  ratio: Figures;
  /** Median over repeats of each repeat's notify / Socket.IO. */
  ratioSocketio: Figures;
}

type SummaryColumn = keyof BenchSummary;
const columns: readonly SummaryColumn[] = ['notify', 'baseline', 'socketio', 'ratio', 'ratioSocketio'];

export interface GoalVerdict {
  figure: string;
  /** 'baseline' (raw ws), 'socketio', or 'absolute' (notify's own figure). */
  vs: 'baseline' | 'socketio' | 'absolute';
  goal: string;
  /** The median ratio, or notify's median figure for absolute goals. */
  value: number;
  met: boolean;
  note: string;
}

export interface BenchReport {
  date: string;
  command: string;
  machine: MachineInfo;
  options: { n: number; durationSec: number; rates: number[]; repeat: number; broadcasts: number; pushConcurrency: number; openLoopConnections: number; store: string; workers: number; targets: TargetKind[] };
  elapsedSec: number;
  /** scenario → notify | baseline | socketio | ratio | ratioSocketio → figure (latency: → rate → figure). */
  scenarios: Record<string, Record<SummaryColumn, Record<string, unknown>>>;
  goals: GoalVerdict[];
  runs: { repeat: number; target: TargetKind; figures: Figures; load: TargetRun['load']; noisy: boolean; errors: string[] }[];
  /** True when any run had more than `noisyOtherPct`% of the machine busy with other work. */
  noisy: boolean;
}

export function summarize(repeats: readonly RepeatRun[], rates: readonly number[]): BenchSummary {
  const summary: BenchSummary = { notify: {}, baseline: {}, socketio: {}, ratio: {}, ratioSocketio: {} };
  for (const { key } of figureDefs(rates)) {
    const of = (kind: TargetKind): number[] => repeats.map((r) => r.runs[kind]?.figures[key] ?? Number.NaN);
    const [n, b, io] = [of('notify'), of('baseline'), of('socketio')];
    // Figures of a scenario or option that did not run are left out (not reported as null).
    if (![...n, ...b, ...io].some(Number.isFinite)) continue;
    summary.notify[key] = median(n);
    summary.baseline[key] = median(b);
    summary.socketio[key] = median(io);
    summary.ratio[key] = median(n.map((v, i) => v / b[i]!));
    summary.ratioSocketio[key] = median(n.map((v, i) => v / io[i]!));
  }
  return summary;
}

export function verdicts(summary: BenchSummary, rates: readonly number[]): GoalVerdict[] {
  return goals(rates).map((goal) => {
    const value = goal.vs === 'absolute' ? summary.notify[goal.key]! : goal.vs === 'baseline' ? summary.ratio[goal.key]! : summary.ratioSocketio[goal.key]!;
    const met = Number.isFinite(value) && goal.test(value);
    return { figure: goal.key, vs: goal.vs, goal: goal.text, value, met, note: met ? 'met' : Number.isFinite(value) ? `missed: ${goal.gap(value)}` : 'not measured' };
  });
}

function nest(figures: Figures, scenario: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(figures)) {
    const parts = key.split('.');
    if (parts[0] !== scenario) continue;
    let at = out;
    for (const part of parts.slice(1, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]!] = Number.isFinite(value) ? value : null;
  }
  return out;
}

export function buildReport(input: Omit<BenchReport, 'scenarios' | 'goals' | 'runs' | 'noisy'> & { repeats: readonly RepeatRun[] }): BenchReport {
  const { repeats, ...head } = input;
  const summary = summarize(repeats, head.options.rates);
  const runs = repeats.flatMap((r) =>
    targetKinds.flatMap((kind) => {
      const run = r.runs[kind];
      return run ? [{ repeat: r.repeat, target: kind, figures: run.figures, load: run.load, noisy: run.load.otherPct > noisyOtherPct, errors: run.errors }] : [];
    }),
  );
  return {
    ...head,
    scenarios: Object.fromEntries(scenarios.map((s) => [s, Object.fromEntries(columns.map((c) => [c, nest(summary[c], s)]))])) as BenchReport['scenarios'],
    goals: verdicts(summary, head.options.rates),
    runs,
    noisy: runs.some((r) => r.noisy),
  };
}

function format(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** The human table: one line per figure with the three servers, both ratios and the verdicts where §11 sets goals. */
export function renderTable(report: BenchReport, repeats: readonly RepeatRun[]): string {
  const summary = summarize(repeats, report.options.rates);
  const rows: string[][] = [['scenario', 'figure', 'notify', 'raw ws', 'Socket.IO', 'notify/ws', 'notify/S.IO', 'goals', 'verdicts']];
  const ratio = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
  let last = '';
  for (const def of figureDefs(report.options.rates)) {
    if (!(def.key in summary.notify)) continue;
    const [n, b, io] = [summary.notify[def.key]!, summary.baseline[def.key]!, summary.socketio[def.key]!];
    const goals = report.goals.filter((g) => g.figure === def.key);
    rows.push([
      def.scenario === last ? '' : def.scenario,
      def.label,
      format(n, def.decimals),
      format(b, def.decimals),
      format(io, def.decimals),
      ratio(summary.ratio[def.key]!),
      ratio(summary.ratioSocketio[def.key]!),
      goals.map((g) => g.goal).join(', '),
      goals.map((g) => g.note).join(', '),
    ]);
    last = def.scenario;
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const right = new Set([2, 3, 4, 5, 6]);
  const lines = rows.map((r) => r.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));

  const o = report.options;
  const m = report.machine;
  const head = [
    `notify bench — ${report.date}`,
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.totalMemoryMB} MB, Node ${m.node}, ${m.platform}`,
    `command: ${report.command}`,
    `n=${o.n} connections, ${o.durationSec} s per timed phase, rates ${o.rates.join('/')}/s, ${o.repeat} repeat(s): medians; ratios = medians of each repeat's notify / raw ws and notify / Socket.IO; notify store: ${o.store}${o.workers > 1 ? `, ${o.workers} workers` : ''}`,
    '',
  ];
  const loadLines = report.runs.map(
    (r) =>
      `  repeat ${r.repeat} ${r.target.padEnd(9)} loadavg ${r.load.loadavg1Start.toFixed(2)}→${r.load.loadavg1End.toFixed(2)}, machine busy ${r.load.busyPct.toFixed(0)}%, other work ${r.load.otherPct.toFixed(0)}%${r.noisy ? '  NOISY' : ''}${r.errors.length ? `, ${r.errors.length} problem(s)` : ''}`,
  );
  const tail = [
    '',
    `machine load per run (other work = CPU not used by the bench's processes; over ${noisyOtherPct}% is flagged NOISY: discard or rerun):`,
    ...loadLines,
    `finished in ${report.elapsedSec.toFixed(0)} s`,
  ];
  return [...head, ...lines, ...tail].join('\n');
}

// Prints the per-stage table of bench/RESULTS.md (µs per push by stage, medians over every repeat) from `notify bench --stages … --json` reports.
import { readFileSync } from 'node:fs';
import { stages } from './push-stages.js';
import type { BenchReport } from './report.js';
import { median } from './stats.js';

/** The figures of the table, in order: CPU per push, its split, then the stages of the main thread. */
const rows: { key: string; label: string }[] = [
  { key: 'push.pushesPerSec', label: 'pushes/s (closed loop)' },
  { key: 'push.serverUsPerPush', label: 'server CPU µs per push' },
  { key: 'push.otherThreadsUsPerPush', label: 'of which other threads (WAL fdatasync on the pool, V8 helpers)' },
  { key: 'push.mainThreadUsPerPush', label: 'of which the main thread, by stage:' },
  ...stages.map(({ key, label }) => ({ key: `push.stage.${key}`, label: `  ${label}` })),
];

/** Median over every repeat of every report of one group, per target. */
function medians(files: readonly string[], target: 'notify' | 'baseline'): Record<string, number> {
  const runs = files.flatMap((file) => (JSON.parse(readFileSync(file, 'utf8')) as BenchReport).runs.filter((r) => r.target === target));
  return Object.fromEntries(rows.map(({ key }) => [key, median(runs.map((r) => r.figures[key] ?? Number.NaN))]));
}

const cell = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));

/**
 * `node dist/bench/stage-table.js NAME=FILE[,FILE…] …`: one notify and one raw ws column per group (e.g. before=…
 * after=…), each the median over all repeats of its reports, as a markdown table.
 */
function stageTable(groups: readonly { name: string; files: string[] }[]): string {
  const columns = groups.flatMap(({ name, files }) => [
    { title: `notify ${name}`, values: medians(files, 'notify') },
    { title: `raw ws ${name}`, values: medians(files, 'baseline') },
  ]);
  const lines = [`| figure | ${columns.map((c) => c.title).join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`];
  for (const { key, label } of rows) lines.push(`| ${label} | ${columns.map((c) => cell(c.values[key])).join(' | ')} |`);
  const repeats = groups.map(({ name, files }) => `${name}: ${files.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as BenchReport).runs.filter((r) => r.target === 'notify')).length} repeats`);
  return `${lines.join('\n')}\n\n(medians over every repeat; ${repeats.join(', ')})`;
}

if (process.argv[1]?.endsWith('stage-table.js')) {
  const groups = process.argv.slice(2).map((arg) => {
    const at = arg.indexOf('=');
    return at < 0 ? { name: '', files: arg.split(',') } : { name: arg.slice(0, at), files: arg.slice(at + 1).split(',') };
  });
  if (groups.length === 0) {
    process.stderr.write('usage: node dist/bench/stage-table.js before=a.json,b.json after=c.json\n');
    process.exitCode = 2;
  } else {
    process.stdout.write(`${stageTable(groups)}\n`);
  }
}

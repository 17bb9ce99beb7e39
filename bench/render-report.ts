// Prints the table of a `notify bench --json` report again, from its JSON (for RESULTS.md): `node dist/bench/render-report.js FILE`.
import { readFileSync } from 'node:fs';
import type { RepeatRun, TargetRun } from './harness.js';
import { renderTable, type BenchReport } from './report.js';

const report = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BenchReport;
const repeats = new Map<number, RepeatRun>();
for (const run of report.runs) {
  const repeat = repeats.get(run.repeat) ?? { repeat: run.repeat, runs: {} };
  const target: TargetRun = { kind: run.target, figures: run.figures, load: run.load, errors: run.errors };
  repeat.runs[run.target] = target;
  repeats.set(run.repeat, repeat);
}
process.stdout.write(`${renderTable(report, [...repeats.values()])}\n`);

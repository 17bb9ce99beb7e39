// Prints a diff's changes: one readable line each (with a summary), or one JSON object a line.
import type { ContractChange } from './diff-contracts.js';

export interface DiffReport {
  oldFile: string;
  newFile: string;
  oldVersion: string;
  newVersion: string;
  changes: ContractChange[];
  /** The new `info.version` announces breaking changes (major bump). */
  announced: boolean;
}

const labels: Record<ContractChange['breaks'], string> = {
  both: 'BREAKS clients+backends',
  clients: 'BREAKS clients',
  backends: 'BREAKS backends',
  none: 'ok',
};

/** Readable text: "no changes", or one line per change (where, what, who it breaks, why) and a summary line. */
export function formatReadable(report: DiffReport): string {
  const { changes } = report;
  const versions = `${report.oldFile} (${report.oldVersion}) → ${report.newFile} (${report.newVersion})`;
  if (changes.length === 0) return `no changes: ${versions}\n`;
  const width = Math.max(...changes.map((c) => labels[c.breaks].length));
  const lines = changes.map((c) => `${labels[c.breaks].padEnd(width)}  ${c.where}: ${c.detail}\n${' '.repeat(width + 2)}↳ ${c.reason}`);
  const breaking = changes.filter((c) => c.breaks !== 'none').length;
  const announcement = breaking > 0 && report.announced ? ` (announced by info.version ${report.oldVersion} → ${report.newVersion})` : '';
  return `${lines.join('\n')}\n${changes.length} change${changes.length === 1 ? '' : 's'}, ${breaking} breaking${announcement}: ${versions}\n`;
}

/** One JSON object a line: {rule, where, detail, breaks, reason, announced}. */
export function formatJsonLines(report: DiffReport): string {
  return report.changes.map((c) => `${JSON.stringify({ ...c, announced: c.breaks !== 'none' && report.announced })}\n`).join('');
}

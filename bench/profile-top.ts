// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the self time went: top functions and top files.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileEntry {
  name: string;
  /** Share of all samples, in percent. */
  selfPct: number;
}

/** A short place name: package name for node_modules, the path under dist/ for notify, node: for built-ins. */
function place(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return url;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const dist = url.lastIndexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : path.basename(url);
}

/** Top `limit` functions and places by self time. */
export function profileTop(file: string, limit = 25): { functions: ProfileEntry[]; places: ProfileEntry[]; durationMs: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hits = new Map<number, number>();
  if (profile.samples) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  let total = 0;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    total += count;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = place(url);
    const name = url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + count);
    const bucket = url === '' ? functionName : where;
    byPlace.set(bucket, (byPlace.get(bucket) ?? 0) + count);
  }
  const top = (map: Map<string, number>): ProfileEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, count]) => ({ name, selfPct: (100 * count) / Math.max(1, total) }));
  return { functions: top(byFunction), places: top(byPlace), durationMs: (profile.endTime - profile.startTime) / 1000 };
}

export function renderProfileTop(file: string, limit = 25): string {
  const { functions, places, durationMs } = profileTop(file, limit);
  const lines = [`CPU profile ${file} (${(durationMs / 1000).toFixed(1)} s), self time:`, '  by function:'];
  for (const f of functions) lines.push(`    ${f.selfPct.toFixed(1).padStart(5)}%  ${f.name}`);
  lines.push('  by place:');
  for (const p of places) lines.push(`    ${p.selfPct.toFixed(1).padStart(5)}%  ${p.name}`);
  return lines.join('\n');
}

// Run as a script: `node dist/bench/profile-top.js FILE.cpuprofile [LIMIT]`.
if (process.argv[1]?.endsWith('profile-top.js') && process.argv[2]) {
  process.stdout.write(`${renderProfileTop(process.argv[2], Number(process.argv[3] ?? 25))}\n`);
}

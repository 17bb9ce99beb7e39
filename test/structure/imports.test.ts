// The layering of src/: no folder imports a folder that imports it back, and the wire codec stays below the session.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const srcDir = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative specifiers a file imports or re-exports (static and dynamic, type-only included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return found.map((spec) => path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
}

/** A folder of src/ ("src/hub"), or a file at the top of src/ ("src/server.ts"), or something outside src/. */
function unitOf(file: string): string | undefined {
  const rel = path.relative(srcDir, file);
  if (rel.startsWith('..')) return undefined;
  const [first, second] = rel.split(path.sep);
  return second === undefined ? `src/${first}` : `src/${first}/`;
}

const files = sourceFiles(srcDir);
const edges = new Map<string, Set<string>>();
const fileEdges = new Map<string, string[]>();
for (const file of files) {
  const targets = importsOf(file);
  fileEdges.set(file, targets);
  const from = unitOf(file)!;
  for (const target of targets) {
    const to = unitOf(target);
    if (to === undefined || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  }
}

/** Every unit `start` reaches through its imports. */
function reachable(start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(edges.get(start) ?? [])];
  while (queue.length) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(edges.get(next) ?? []));
  }
  return seen;
}

describe('src/ layering', () => {
  it('reads real imports (the check itself sees the wiring)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.get('src/server.ts')).toContain('src/server-context.ts');
    expect(edges.get('src/transport/')).toContain('src/session/');
  });

  it('no folder (or top-level file) imports a unit that imports it back, directly or through others', () => {
    const loops: string[] = [];
    for (const unit of edges.keys()) {
      for (const target of edges.get(unit)!) if (reachable(target).has(unit)) loops.push(`${unit} → ${target} → … → ${unit}`);
    }
    expect(loops).toEqual([]);
  });

  it('no file imports itself back through other files', () => {
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        loops.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(root, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of fileEdges.get(file) ?? []) if (fileEdges.has(target)) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(loops).toEqual([]);
  });

  it('http and hub never import the transports; the protocol codec never imports the session or the hub', () => {
    const offenders = files.flatMap((file) => {
      const unit = unitOf(file);
      return fileEdges.get(file)!.flatMap((target) => {
        const to = unitOf(target);
        const bad =
          ((unit === 'src/http/' || unit === 'src/hub/') && to === 'src/transport/') ||
          (unit === 'src/protocol/' && (to === 'src/session/' || to === 'src/hub/'));
        return bad ? [`${path.relative(root, file)} imports ${path.relative(root, target)}`] : [];
      });
    });
    expect(offenders).toEqual([]);
  });
});

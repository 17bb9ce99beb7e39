// Splits a server's main-thread CPU per push into stages (HTTP, body, auth, contract check, store, encode, hub, metrics…) from a CPU profile of the push loop.
import { readFileSync } from 'node:fs';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** The stages, in the order of a push's life; each key becomes the figure `stages.<key>` (µs per push). */
export const stages = [
  { key: 'native', label: 'native: socket reads, llhttp, libuv (no JS on the stack)' },
  { key: 'http', label: 'HTTP parse + answer (node:http, sendJson)' },
  { key: 'body', label: 'request body read + JSON.parse' },
  { key: 'auth', label: 'auth (service token)' },
  { key: 'route', label: 'route, input checks, fan-out' },
  { key: 'contract', label: 'contract check of data' },
  { key: 'store', label: 'store (insert, group commit, better-sqlite3)' },
  { key: 'encode', label: 'encode + outbound frame check' },
  { key: 'hub', label: 'hub + WebSocket frame write (ws, socket)' },
  { key: 'metrics', label: 'metrics (prom-client)' },
  { key: 'gc', label: 'garbage collection' },
  { key: 'other', label: 'event loop, timers, logging, other' },
] as const;

export type StageKey = (typeof stages)[number]['key'];

/**
 * Which stage a frame belongs to, or undefined for frames that belong to whoever called them: natives, Node's
 * streams, sockets and buffers, and the contract's validators (called by both the API check and the outbound check).
 */
export function stageOfFrame(functionName: string, url: string): StageKey | undefined {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(program)') return 'native';
    return undefined;
  }
  if (url.includes('/node_modules/prom-client/') || url.endsWith('/src/metrics.js')) return 'metrics';
  if (url.includes('/node_modules/better-sqlite3/') || url.includes('/src/store/')) return 'store';
  if (url.includes('/src/protocol/outbound.js')) return 'encode';
  if (/\/src\/hub\/(hub|connection)\.js$/.test(url) || url.includes('/src/transport/') || url.includes('/node_modules/ws/')) return 'hub';
  if (url.includes('/src/contract/')) return 'contract';
  if (url.includes('/src/auth/') || url.includes('/node_modules/jose/')) return 'auth';
  if (url.endsWith('/src/http/body.js')) return 'body';
  if (url.endsWith('/src/http/router.js') && (functionName === 'sendJson' || functionName === 'sendError')) return 'http';
  if (url.includes('/src/http/') || url.includes('/src/hub/') || url.endsWith('/src/server.js') || url.includes('/bench/baseline-server.js') || url.includes('/bench/socketio-server.js')) return 'route';
  if (url.includes('/node_modules/socket.io') || url.includes('/node_modules/engine.io')) return 'hub';
  if (url.startsWith('node:_http') || url === 'node:http') return 'http';
  if (url.includes('/node_modules/pino') || url.includes('/src/logger.js')) return 'other';
  return undefined;
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** The stage of every profile node: that of the innermost frame of its stack that has one ('idle' for V8's idle node). */
function stageResolver(profile: CpuProfile): (id: number) => StageKey | 'idle' {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOfNode = new Map<number, StageKey | 'idle'>();
  const resolve = (id: number): StageKey | 'idle' => {
    const known = stageOfNode.get(id);
    if (known) return known;
    const { functionName, url } = byId.get(id)!.callFrame;
    let stage: StageKey | 'idle';
    if (url === '' && functionName === '(idle)') stage = 'idle';
    else {
      const up = parent.get(id);
      stage = stageOfFrame(functionName, url) ?? (up === undefined ? 'other' : resolve(up));
      if (stage === 'idle') stage = 'other';
    }
    stageOfNode.set(id, stage);
    return stage;
  };
  return resolve;
}

function sampleHits(profile: CpuProfile): Map<number, number> {
  const hits = new Map<number, number>();
  if (profile.samples) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  return hits;
}

/** Samples per stage (idle samples left out): each sample goes to the innermost frame of its stack that has a stage. */
export function stageSamples(profile: CpuProfile): Record<StageKey, number> {
  const resolve = stageResolver(profile);
  const counts = Object.fromEntries(stages.map((s) => [s.key, 0])) as Record<StageKey, number>;
  for (const [id, count] of sampleHits(profile)) {
    const stage = resolve(id);
    if (stage !== 'idle') counts[stage] += count;
  }
  return counts;
}

/** µs per push by stage: each stage's share of the busy samples times the main thread's CPU per push. */
export function pushStages(profile: CpuProfile, mainThreadUsPerPush: number): Record<StageKey, number> {
  const counts = stageSamples(profile);
  const busy = Object.values(counts).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, busy === 0 ? Number.NaN : (n / busy) * mainThreadUsPerPush])) as Record<StageKey, number>;
}

/** The heaviest stacks of one stage (innermost 8 frames), to see what a stage holds: `node dist/bench/push-stages.js FILE [STAGE]`. */
export function topStacks(profile: CpuProfile, stage: StageKey | undefined, limit = 20): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const resolve = stageResolver(profile);
  const hits = sampleHits(profile);
  let busy = 0;
  const byStack = new Map<string, number>();
  for (const [id, count] of hits) {
    const found = resolve(id);
    if (found === 'idle') continue;
    busy += count;
    if (stage !== undefined && found !== stage) continue;
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined && frames.length < 8; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      frames.push(`${functionName || '(anon)'}${url ? ` ${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}` : ''}`);
    }
    const key = `[${found}] ${frames.join(' < ')}`;
    byStack.set(key, (byStack.get(key) ?? 0) + count);
  }
  return [...byStack.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, n]) => `${((100 * n) / Math.max(1, busy)).toFixed(1).padStart(5)}%  ${key}`);
}

// Run as a script: `node dist/bench/push-stages.js FILE.cpuprofile [STAGE]`: the stage shares, then the heaviest stacks.
if (process.argv[1]?.endsWith('push-stages.js') && process.argv[2]) {
  const profile = readProfile(process.argv[2]);
  const counts = stageSamples(profile);
  const busy = Object.values(counts).reduce((a, b) => a + b, 0);
  for (const { key, label } of stages) process.stdout.write(`${((100 * counts[key]) / Math.max(1, busy)).toFixed(1).padStart(5)}%  ${key.padEnd(9)} ${label}\n`);
  process.stdout.write('\n');
  for (const line of topStacks(profile, process.argv[3] as StageKey | undefined, 40)) process.stdout.write(`${line}\n`);
}

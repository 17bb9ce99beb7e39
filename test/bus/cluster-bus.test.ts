// Cluster bus: a primary with 2 workers (fixture, built modules); every worker receives every worker's envelope.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BusEnvelope } from '../../src/bus/bus.js';
import { createClusterWorkerBus } from '../../src/bus/cluster.js';

const fixture = fileURLToPath(new URL('./fixtures/cluster-bus.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/src/bus/cluster.js', import.meta.url));

interface Report {
  workerId: number;
  nodeId: string;
  received: BusEnvelope[];
  stray: unknown[];
  present: string[];
}

function runFixture(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('cluster bus (primary relay + 2 workers)', () => {
  it('delivers each worker’s envelope to both workers, once, echo included', async () => {
    expect(existsSync(built), `${built} is missing: run \`npm run build\` first`).toBe(true);
    const { code, stdout, stderr } = await runFixture();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { reports } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { reports: Report[] };

    expect(reports).toHaveLength(2);
    const nodeIds = reports.map((r) => r.nodeId);
    expect(new Set(nodeIds).size).toBe(2);
    const published = new Map(
      reports.map((r): [string, BusEnvelope] => [
        r.nodeId,
        {
          kind: 'deliver',
          origin: r.nodeId,
          userId: `user-of-worker-${r.workerId}`,
          notificationId: String(r.workerId),
          frame: JSON.stringify({ from: r.workerId }),
        },
      ]),
    );
    for (const report of reports) {
      // Exactly both envelopes, each once, as published; the own echo carries the own origin.
      expect(report.received).toHaveLength(2);
      expect(report.received).toEqual(expect.arrayContaining([...published.values()]));
      expect(report.received.filter((e) => e.origin === report.nodeId)).toEqual([published.get(report.nodeId)]);
      // The relay passes only tagged bus messages; control traffic is never relayed.
      expect(report.stray).toEqual([]);
      // Presence (Web Push's offline check): users some worker watches, whichever worker asks; one unwatched is gone.
      expect(report.present).toEqual(['only-on-worker-1', 'only-on-worker-2']);
    }
    // The primary relays in one order, so both workers see the same sequence.
    expect(reports[0]!.received).toEqual(reports[1]!.received);
  });

  it('refuses to make a worker bus outside a node:cluster worker', () => {
    expect(() => createClusterWorkerBus()).toThrow(/must run in a node:cluster worker/);
  });
});

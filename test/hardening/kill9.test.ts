// kill -9 during publish, bounded for CI (10 kills; KILL9_KILLS=50 for the long form, see scripts/kill9.sh):
// every id answered 201 is in the store and replayed by resume, and Idempotency-Key retries made no duplicate.
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from '../cli/spawn-cli.js';
import { runKill9 } from './support/kill9-run.js';

const kills = Number(process.env.KILL9_KILLS ?? 10);

beforeAll(() => requireBuiltCli());

describe('kill -9 during publish (SQLite)', () => {
  it(`loses and duplicates nothing acknowledged across ${kills} SIGKILLs`, async () => {
    const result = await runKill9({ kills, log: process.env.KILL9_VERBOSE ? (line) => console.log(line) : undefined });
    console.log(`kill9: acknowledged ${result.acknowledged}, lost ${result.lost}, duplicated ${result.duplicated}, unreachable by resume ${result.unreachable} ` +
      `(${result.kills} kills, ${result.retries} retried requests, ${result.replayed} answered by replay, ${(result.durationMs / 1000).toFixed(1)} s)`);
    expect(result.acknowledged).toBeGreaterThan(kills * 10);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.unreachable).toBe(0);
    expect(result.retries).toBeGreaterThan(0);
  }, 60_000 + kills * 6000);
});

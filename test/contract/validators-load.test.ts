// Loading the generated validators compiles nothing: ajv's compiler never enters the process.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, repoRoot, runNode } from '../support/contract.js';

/**
 * A real ES module (not `node -e`, which hides a missing `require`): imports the built validators, validates,
 * then lists every CommonJS module loaded so far. With `control`, it also loads ajv itself, proving the listing sees it.
 */
const fixture = `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const [validatorsFile, mode] = process.argv.slice(2);
const v = await import(pathToFileURL(validatorsFile).href);
const good = { type: 'info', id: '0000000000000004', timestamp: 1733646000000, data: { title: 'Hi', message: 'Hello', priority: 'low' } };
const bad = { ...good, data: { ...good.data, priority: 'urgent' } };
const uuidOk = v.validateInvitationReceivedData({ invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'G', inviterUsername: 'a' });
const uuidBad = v.validateInvitationReceivedData({ invitationId: 'nope', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'G', inviterUsername: 'a' });
const result = { good: v.validateInfo(good), bad: v.validateInfo(bad), badPointer: v.validateInfo.errors?.[0]?.instancePath, uuidOk, uuidBad };
const require = createRequire(import.meta.url);
if (mode === 'control') createRequire(pathToFileURL(validatorsFile).href)('ajv');
console.log(JSON.stringify({ ...result, loaded: Object.keys(require.cache) }));
`;

const compilerModule = /[\\/]ajv[\\/]dist[\\/](core|ajv)\.js$|[\\/]ajv[\\/]dist[\\/]compile[\\/]/;
const validatorsFile = path.join(repoRoot, 'dist', 'generated', 'validators.js');

let dir: string;
let fixtureFile: string;
beforeAll(async () => {
  dir = await makeTempDir();
  fixtureFile = path.join(dir, 'load-validators.mjs');
  await writeFile(fixtureFile, fixture);
});
afterAll(async () => {
  await removeTempDir(dir);
});

interface FixtureOutput {
  good: boolean;
  bad: boolean;
  badPointer: string;
  uuidOk: boolean;
  uuidBad: boolean;
  loaded: string[];
}

async function runFixture(mode = ''): Promise<FixtureOutput> {
  const result = await runNode(fixtureFile, [validatorsFile, mode]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as FixtureOutput;
}

describe('dist/generated/validators.js', () => {
  it('validates from a real ES module, formats included', async () => {
    const out = await runFixture();
    expect(out).toMatchObject({ good: true, bad: false, badPointer: '/data/priority', uuidOk: true, uuidBad: false });
  });

  it('loads only ajv runtime helpers, never the compiler', async () => {
    const { loaded } = await runFixture();
    // The listing works: the runtime helpers the standalone code requires are in it.
    expect(loaded.some((file) => /ajv-formats[\\/]dist[\\/]formats\.js$/.test(file) || /ajv[\\/]dist[\\/]runtime[\\/]/.test(file))).toBe(true);
    expect(loaded.filter((file) => compilerModule.test(file))).toEqual([]);
  });

  it('the check would see the compiler if it were loaded (control run)', async () => {
    const { loaded } = await runFixture('control');
    expect(loaded.filter((file) => compilerModule.test(file)).length).toBeGreaterThan(0);
  });
});

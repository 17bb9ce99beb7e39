// The contract CLI end to end (built dist/): generate --check drift, validate diagnostics and payload errors, determinism.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTimeoutMs, copyContract, makeTempDir, removeTempDir, replaceOnce, repoRoot, runNotify } from '../support/contract.js';

/** These tests start the CLI (parser + codegen, several seconds of CPU each); CI runs them beside other suites. */
const spawnTimeoutMs = cliTimeoutMs + 30_000;
let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(tmp);
});

async function subdir(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('notify generate --check', () => {
  it('passes for an unchanged copy of the contract (so the failures below come from the edits)', async () => {
    const copy = await copyContract(await subdir('same'), undefined, false);
    const result = await runNotify(['generate', '--check', '--contract', copy, '--out', 'generated']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/up to date/);
  }, spawnTimeoutMs);

  it('fails naming the stale files when one field of the contract changes', async () => {
    const copy = await copyContract(await subdir('renamed'), (text) =>
      replaceOnce(
        replaceOnce(text, 'inviterUsername: { type: string, minLength: 1, maxLength: 100 }', 'inviterName: { type: string, minLength: 1, maxLength: 100 }'),
        'required: [invitationId, groupId, groupName, inviterUsername]',
        'required: [invitationId, groupId, groupName, inviterName]',
      )
        .replace('              inviterUsername: alice\n', '              inviterName: alice\n')
        // The display templates follow the field (generate refuses a placeholder naming no field).
        .replaceAll('{inviterUsername}', '{inviterName}'),
    );
    const result = await runNotify(['generate', '--check', '--contract', copy, '--out', 'generated']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/stale/);
    expect(result.stderr).toContain(path.join('generated', 'models.ts'));
    expect(result.stderr).toContain(path.join('generated', 'validators.ts'));
    expect(result.stderr).toContain(path.join('generated', 'index.ts'));
  }, spawnTimeoutMs);

  it('fails naming only the validators when only a constraint changes', async () => {
    const copy = await copyContract(await subdir('constraint'), (text) =>
      replaceOnce(text, 'errorCode: { type: integer, minimum: 400, maximum: 599 }', 'errorCode: { type: integer, minimum: 400, maximum: 598 }'),
    );
    const result = await runNotify(['generate', '--check', '--contract', copy, '--out', 'generated']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(path.join('generated', 'validators.ts'));
    expect(result.stderr).not.toContain(path.join('generated', 'models.ts'));
  }, spawnTimeoutMs);
});

describe('notify generate', () => {
  it('gives identical bytes when run twice, equal to the committed generated/', async () => {
    const [a, b] = [await subdir('gen-a'), await subdir('gen-b')];
    const runs = await Promise.all([runNotify(['generate', '--format', 'ts', '--out', a]), runNotify(['generate', '--format', 'ts', '--out', b])]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const names = (await readdir(a)).sort();
    expect(names).toEqual(['close-codes.ts', 'display.ts', 'index.ts', 'models.ts', 'openapi.json', 'validators.ts']);
    expect((await readdir(b)).sort()).toEqual(names);
    for (const name of names) {
      const [first, second, committed] = await Promise.all([readFile(path.join(a, name)), readFile(path.join(b, name)), readFile(path.join(repoRoot, 'generated', name))]);
      expect(first.equals(second), name).toBe(true);
      expect(first.equals(committed), `${name} differs from generated/${name}`).toBe(true);
      // openapi.json carries the stamp in its first field (JSON has no comments).
      expect(first.toString('utf8').split('\n')[name.endsWith('.json') ? 1 : 0]).toMatch(/Generated from asyncapi\.yaml.*Do not edit/);
    }
  }, spawnTimeoutMs);
});

describe('notify validate', () => {
  it('accepts the contract', async () => {
    const result = await runNotify(['validate', 'asyncapi.yaml']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/valid AsyncAPI 3\.0\.0/);
  }, spawnTimeoutMs);

  it('rejects a broken $ref, printing file:line of the reference', async () => {
    const copy = await copyContract(await subdir('broken-ref'), (text) =>
      replaceOnce(text, "data: { $ref: '#/components/schemas/InfoData' }", "data: { $ref: '#/components/schemas/InfoDataGone' }"),
    );
    const line = (await readFile(copy, 'utf8')).split('\n').findIndex((l) => l.includes('InfoDataGone')) + 1;
    expect(line).toBeGreaterThan(0);
    const result = await runNotify(['validate', copy]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${copy}:${line}:`);
    expect(result.stderr).toMatch(/InfoDataGone/);
  }, spawnTimeoutMs);

  it('--type info --data with bad fields prints one JSON pointer per problem', async () => {
    const result = await runNotify(['validate', '--type', 'info', '--data', '{"message":1,"priority":"urgent","extra":true}']);
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '/data/title: is required',
        '/data/message: must be string',
        '/data/priority: must be one of "low", "medium", "high"',
        '/data/extra: is not allowed by the contract',
      ]),
    );
  }, spawnTimeoutMs);

  it('--type info --data accepts data that follows the contract', async () => {
    const good = await runNotify(['validate', '--type', 'info', '--data', '{"title":"Hi","message":"Hello","priority":"low"}']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/valid info/);
  }, spawnTimeoutMs);

  it('--type with an unknown type lists the valid ones', async () => {
    const result = await runNotify(['validate', '--type', 'nope', '--data', '{}']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown notification type "nope".*invitation_received.*product_expiry/);
  }, spawnTimeoutMs);
});

// `notify keys create|list|revoke` on a SQLite store, as a user runs them, and `notify token --user-claim`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/api-key.js';
import { requireBuiltCli, runCli } from './spawn-cli.js';

requireBuiltCli();
const cwd = mkdtempSync(path.join(tmpdir(), 'notify-keys-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const store = ['--store', `sqlite:${path.join(cwd, 'keys.db')}`];

describe('notify keys', () => {
  it('create prints the key once, alone on the last line; list shows name, scopes and rate but never the key; revoke removes it', async () => {
    const created = await runCli(['keys', 'create', '--name', 'billing', '--scopes', 'push,read', '--rate', '100/s', ...store], { cwd });
    expect(created.code, created.stderr).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^nk_[A-Za-z0-9_-]{43}$/);
    expect(lines.slice(0, -1).join('\n')).not.toContain('nk_');
    const key = lines.at(-1)!;

    const listed = await runCli(['keys', 'list', ...store], { cwd });
    expect(listed.stdout).toMatch(/^NAME +SCOPES +RATE +CREATED +LAST USED\nbilling +push,read +100\/s +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +never$/);
    const json = await runCli(['keys', 'list', '--json', ...store], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'billing', scopes: ['push', 'read'], rate: '100/s' });
    for (const out of [listed.stdout, json.stdout]) expect(out).not.toContain(key.slice(3));

    // Only the hash is in the file.
    const bytes = readFileSync(path.join(cwd, 'keys.db'));
    expect(bytes.includes(Buffer.from(hashApiKey(key)))).toBe(true);
    expect(bytes.includes(Buffer.from(key.slice(3)))).toBe(false);

    const taken = await runCli(['keys', 'create', '--name', 'billing', '--scopes', 'push', ...store], { cwd });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('an API key named "billing" exists');

    const revoked = await runCli(['keys', 'revoke', 'billing', ...store], { cwd });
    expect(revoked).toMatchObject({ code: 0, stdout: 'revoked API key "billing"' });
    expect((await runCli(['keys', 'list', ...store], { cwd })).stdout).toMatch(/^no API keys/);
    expect((await runCli(['keys', 'list', '--all', '--json', ...store], { cwd })).stdout).toContain('"revokedAt"');
    const again = await runCli(['keys', 'revoke', 'billing', ...store], { cwd });
    expect(again.code).toBe(1);
  });

  it('refuses unknown scopes, bad rates and bad names with a usage error (exit 2) and stores nothing', async () => {
    for (const args of [['--scopes', 'push,root'], ['--scopes', 'push', '--rate', '10/day'], ['--scopes', 'push', '--name', 'has space']]) {
      const result = await runCli(['keys', 'create', '--name', 'x', ...args, ...store], { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).not.toContain('nk_');
    }
    expect((await runCli(['keys', 'list', '--all', '--json', ...store], { cwd })).stdout).not.toContain('"x"');
  });
});

describe('notify token --user-claim', () => {
  it('puts the user id in the named claim and leaves sub out', async () => {
    const secret = 'k'.repeat(40);
    const result = await runCli(['token', '--user', 'alice@example.com', '--user-claim', 'email', '--jwt-secret', secret], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const claims = decodeJwt(result.stdout.trim());
    expect(claims['email']).toBe('alice@example.com');
    expect(claims.sub).toBeUndefined();
    const plain = decodeJwt((await runCli(['token', '--user', 'bob', '--jwt-secret', secret], { cwd })).stdout.trim());
    expect(plain.sub).toBe('bob');
  });
});

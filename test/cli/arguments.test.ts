// Argument errors of push, tail and token, through commander's exitOverride(): stable codes, exit code 2.
import { CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeJwtTimes } from '../../src/client/jwt-expiry.js';
import { makePushCommand } from '../../cli/commands/push.js';
import { makeTailCommand } from '../../cli/commands/tail.js';
import { makeTokenCommand } from '../../cli/commands/token.js';
import { runCommand } from './run-command.js';

const secret = 'x'.repeat(64);
const validInfo = '{"title":"Hi","message":"Hello","priority":"low"}';

async function usageError(run: ReturnType<typeof runCommand>): Promise<CommanderError> {
  const { error } = await run;
  expect(error).toBeInstanceOf(CommanderError);
  const commanderError = error as CommanderError;
  expect(commanderError.exitCode).not.toBe(0);
  return commanderError;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('notify token', () => {
  it('requires --user', async () => {
    const error = await usageError(runCommand(makeTokenCommand(), ['--jwt-secret', secret]));
    expect(error.code).toBe('commander.missingMandatoryOptionValue');
  });

  it.each([['--ttl', '5x'], ['--ttl', '0'], ['--user', ''], ['--user', 'a/b'], ['--jwt-secret', '']])('rejects %s %j with exit code 2', async (flag, value) => {
    const args = flag === '--user' ? ['--user', value, '--jwt-secret', secret] : ['--user', 'alice', '--jwt-secret', secret, flag, value];
    const error = await usageError(runCommand(makeTokenCommand(), args));
    expect(error.code).toBe('commander.invalidArgument');
    expect(error.exitCode).toBe(2);
  });

  it('mints a token for the user with the ttl and scope', async () => {
    const run = await runCommand(makeTokenCommand(), ['--user', 'alice', '--ttl', '15m', '--scope', 'notify:push', '--jwt-secret', secret]);
    expect(run.error).toBeUndefined();
    const token = run.stdout.trim();
    const times = decodeJwtTimes(token);
    expect((times?.exp ?? 0) - (times?.iat ?? 0)).toBe(900);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ sub: 'alice', scope: 'notify:push' });
  });

  it('takes every option from NOTIFY_* env vars', async () => {
    vi.stubEnv('NOTIFY_USER', 'bob');
    vi.stubEnv('NOTIFY_TOKEN_TTL', '2h');
    vi.stubEnv('NOTIFY_JWT_SECRET', secret);
    const run = await runCommand(makeTokenCommand(), []);
    const times = decodeJwtTimes(run.stdout.trim());
    expect((times?.exp ?? 0) - (times?.iat ?? 0)).toBe(7200);
    vi.stubEnv('NOTIFY_TOKEN_TTL', 'forever');
    expect((await usageError(runCommand(makeTokenCommand(), []))).code).toBe('commander.invalidArgument');
  });
});

describe('notify push', () => {
  const base = ['--type', 'info', '--data', validInfo, '--server', 'http://127.0.0.1:9', '--push-token', 't'];

  it.each([
    [['--user', 'a', '--broadcast', ...base], /use one of --user, --broadcast or --topic/],
    [[...base], /--user ID \(repeatable\), --broadcast or --topic T/],
    [['--user', 'a', '--type', 'info', '--server', 'http://127.0.0.1:9'], /--data JSON or --file F/],
    [['--user', 'a', '--file', 'x.json', ...base], /--data or --file, not both/],
    [['--user', 'a', '--data', validInfo], /--type is required/],
  ])('usage error %#: %s', async (args, message) => {
    const error = await usageError(runCommand(makePushCommand(), args));
    expect(error.code).toBe('notify.usage');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['--server', 'ftp://h'],
    ['--server', 'localhost:8080'],
    ['--category', ''],
    ['--category', 'c'.repeat(65)],
    ['--idempotency-key', ''],
    ['--user', ' alice'],
  ])('rejects %s %j as an invalid argument', async (flag, value) => {
    const error = await usageError(runCommand(makePushCommand(), ['--user', 'a', ...base, flag, value]));
    expect(error.code).toBe('commander.invalidArgument');
    expect(error.exitCode).toBe(2);
  });

  it('lets an explicit --broadcast win over NOTIFY_USER from the environment', async () => {
    vi.stubEnv('NOTIFY_USER', 'alice');
    const run = await runCommand(makePushCommand(), ['--broadcast', ...base]);
    expect(run.error).not.toBeInstanceOf(CommanderError); // got as far as sending (to a closed port)
    expect(String(run.error)).toMatch(/cannot reach the notify server/);
  });
});

describe('notify tail', () => {
  it('needs --user or --token', async () => {
    const error = await usageError(runCommand(makeTailCommand(), ['--server', 'http://127.0.0.1:9']));
    expect(error.code).toBe('notify.usage');
    expect(error.exitCode).toBe(2);
  });

  it.each([['--since', 'not an id!'], ['--server', 'gopher://h'], ['--token', '']])('rejects %s %j', async (flag, value) => {
    const error = await usageError(runCommand(makeTailCommand(), ['--user', 'alice', flag, value]));
    expect(error.code).toBe('commander.invalidArgument');
  });

  it('documents examples in --help', async () => {
    const run = await runCommand(makeTailCommand(), ['--help']);
    expect((run.error as CommanderError).code).toBe('commander.helpDisplayed');
    expect(run.stdout).toMatch(/Examples:\n\s+\$ notify tail --user alice/);
    expect(run.stdout).toMatch(/env: NOTIFY_USER/);
  });
});

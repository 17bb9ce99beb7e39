// The CLI's Web Push parts: `notify vapid`, serve's --web-push-* flags and env vars, dev mode's keys (mode 600).
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyDevMode, makeServeCommand } from '../../cli/commands/serve.js';
import { makeVapidCommand } from '../../cli/commands/vapid.js';
import { configFromFlags, type ServeFlags } from '../../cli/serve/serve-options.js';
import { makeConfig } from '../../src/config.js';
import { checkVapidKeys } from '../../src/web-push/vapid-keys.js';
import { runCommand } from './run-command.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('notify vapid', () => {
  it('prints a new key pair as the JSON --web-push-keys reads, with the subject given', async () => {
    const run = await runCommand(makeVapidCommand(), ['--subject', 'mailto:ops@example.com']);
    expect(run.exitCode).toBeUndefined();
    const keys = checkVapidKeys(JSON.parse(run.stdout), 'stdout');
    expect(keys.subject).toBe('mailto:ops@example.com');
    const other = checkVapidKeys(JSON.parse((await runCommand(makeVapidCommand(), [])).stdout), 'stdout');
    expect(other.privateKey).not.toBe(keys.privateKey);
  });

  it('refuses a subject that is not mailto: or https: (usage, exit 2)', async () => {
    const run = await runCommand(makeVapidCommand(), ['--subject', 'ops@example.com']);
    expect((run.error as { exitCode: number }).exitCode).toBe(2);
    expect(run.stderr).toContain('--subject must be a mailto: or https: URL');
  });
});

describe('serve: Web Push options', () => {
  it('--web-push-keys, --web-push-allow-http and --web-push-max-subscriptions reach the config; env vars too', async () => {
    const command = makeServeCommand();
    command.action(() => undefined);
    await runCommand(command, ['--web-push-keys', 'keys.json', '--web-push-allow-http', '--web-push-max-subscriptions', '3']);
    expect(configFromFlags(command.opts<ServeFlags>()).webPush).toEqual({ keysFile: 'keys.json', allowHttp: true, maxSubscriptionsPerUser: 3, concurrency: 16 });
    process.env['NOTIFY_WEB_PUSH_KEYS'] = 'from-env.json';
    try {
      const fromEnv = makeServeCommand();
      fromEnv.action(() => undefined);
      await runCommand(fromEnv, []);
      expect(configFromFlags(fromEnv.opts<ServeFlags>()).webPush).toMatchObject({ keysFile: 'from-env.json', allowHttp: false, maxSubscriptionsPerUser: 10 });
    } finally {
      delete process.env['NOTIFY_WEB_PUSH_KEYS'];
    }
  });

  it('dev mode makes VAPID keys in the state directory (mode 600) once, and keeps them', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'notify-dev-wp-'));
    dirs.push(stateDir);
    const first = await applyDevMode(makeConfig({ stateDir }));
    const file = path.join(stateDir, 'web-push-keys.json');
    expect(first.config.webPush.keysFile).toBe(file);
    expect(first.warnings.join('\n')).toContain('newly generated VAPID keys');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const keys = checkVapidKeys(JSON.parse(await readFile(file, 'utf8')), file);
    const again = await applyDevMode(makeConfig({ stateDir }));
    expect(checkVapidKeys(JSON.parse(await readFile(again.config.webPush.keysFile!, 'utf8')), file)).toEqual(keys);
    // Keys given explicitly are kept as they are.
    const given = await applyDevMode(makeConfig({ stateDir, webPush: { keysFile: 'mine.json' } }));
    expect(given.config.webPush.keysFile).toBe('mine.json');
  });
});

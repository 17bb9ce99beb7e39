// The listen backlog (--listen-backlog / NOTIFY_LISTEN_BACKLOG) reaches listen(): read back from the kernel with `ss`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { startServer } from '../support/server.js';
import { killAllServeProcesses, makeDeployment, runServeToExit, spawnServe } from '../support/serve-process.js';

/** The accept-queue size the kernel holds for the listening socket on 127.0.0.1:`port` (ss's Send-Q of a LISTEN socket). */
function kernelBacklog(port: number): number {
  const out = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const lines = out.split('\n').filter((line) => line.includes(`127.0.0.1:${port}`));
  expect(lines, `one listening socket on port ${port}:\n${out}`).toHaveLength(1);
  const [state, , sendQ] = lines[0]!.trim().split(/\s+/);
  expect(state).toBe('LISTEN');
  return Number(sendQ);
}

const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
const portOf = (url: string): number => Number(new URL(url).port);

afterAll(() => killAllServeProcesses());

describe('listen backlog', () => {
  it('defaults to 4096, which the kernel caps at net.core.somaxconn', async () => {
    const server = await startServer();
    try {
      expect(defaultConfig.listenBacklog).toBe(4096);
      expect(kernelBacklog(portOf(server.url))).toBe(Math.min(4096, somaxconn));
    } finally {
      await server.close();
    }
  });

  it('passes the configured backlog to listen()', async () => {
    const server = await startServer({ listenBacklog: 321 });
    try {
      expect(kernelBacklog(portOf(server.url))).toBe(321);
    } finally {
      await server.close();
    }
  });

  it('takes NOTIFY_LISTEN_BACKLOG, and the flag over it, also on the shared socket of --workers', async () => {
    const deployment = makeDeployment();
    const fromEnv = await spawnServe(['--store', 'memory', '--workers', '2', ...deployment.secretFlags], { NOTIFY_LISTEN_BACKLOG: '1234' });
    try {
      expect(kernelBacklog(portOf(fromEnv.url))).toBe(1234);
    } finally {
      await fromEnv.stop();
    }
    const fromFlag = await spawnServe(['--store', 'memory', '--listen-backlog', '777', ...deployment.secretFlags], { NOTIFY_LISTEN_BACKLOG: '1234' });
    try {
      expect(kernelBacklog(portOf(fromFlag.url))).toBe(777);
    } finally {
      await fromFlag.stop();
    }
  }, 60_000);

  it('refuses a backlog that is not a positive integer, as a usage error', async () => {
    const { code } = await runServeToExit(['--store', 'memory', '--listen-backlog', '0']);
    expect(code).toBe(2);
  });
});

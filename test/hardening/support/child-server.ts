// Starts test/hardening/fixtures/server-child.mjs (the built server in its own process) and asks it for its memory.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NotifyConfig } from '../../../src/config.js';
import { mintUserToken } from '../../support/server.js';

const fixture = path.resolve('test/hardening/fixtures/server-child.mjs');
const builtServer = path.resolve('dist/src/server.js');

export interface ChildStats {
  rss: number;
  /** Highest RSS sampled (every 20 ms) since start or the last `resetPeak`. */
  peakRss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  hubSize: number;
  userCount: number;
  /** Open TCP sockets of the server process (the listening socket not counted). */
  tcpSockets: number;
}

export interface ChildServer {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  port: number;
  jwtSecret: string;
  pushToken: string;
  mintUserToken(userId: string, ttlSec?: number): Promise<string>;
  /** Memory after a full GC (unless gc: false) and the hub's sizes. */
  stats(options?: { gc?: boolean; resetPeak?: boolean }): Promise<ChildStats>;
  close(): Promise<void>;
}

type Overrides = Partial<Omit<NotifyConfig, 'jwt'>> & { jwt?: Partial<NotifyConfig['jwt']> };

export async function startChildServer(overrides: Overrides = {}): Promise<ChildServer> {
  if (!existsSync(builtServer)) throw new Error(`${builtServer} is missing: run \`npm run build\` before the hardening tests`);
  const jwtSecret = randomBytes(32).toString('hex');
  const pushToken = randomBytes(16).toString('hex');
  const config = { port: 0, host: '127.0.0.1', store: 'memory', logLevel: 'silent', ...overrides, pushToken, jwt: { secret: jwtSecret, ...overrides.jwt } };
  const child = fork(fixture, [JSON.stringify(config)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child server did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`child server exited with ${code}`)));
    child.on('message', (message: { kind: string; url: string; port: number }) => {
      if (message.kind !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
  });
  let nextId = 0;
  return {
    child,
    url: ready.url,
    port: ready.port,
    wsUrl: `${ready.url.replace(/^http/, 'ws')}/api/v1/notifications`,
    jwtSecret,
    pushToken,
    mintUserToken: (userId, ttlSec) => mintUserToken(jwtSecret, userId, ttlSec),
    stats(options = {}) {
      const id = ++nextId;
      return new Promise((resolve) => {
        const onMessage = (message: ChildStats & { kind: string; id: number }): void => {
          if (message.kind !== 'stats' || message.id !== id) return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        child.send({ kind: 'stats', id, ...options });
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ kind: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const MB = 1024 * 1024;

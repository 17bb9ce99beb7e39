// Starts a real notify server on 127.0.0.1:0 for a test, with helpers to mint tokens and push.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { makeConfig, type NotifyConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startNotifyServer, type NotifyServer } from '../../src/server.js';
import type { NotificationStore } from '../../src/store/store.js';

export interface TestServer {
  url: string;
  wsUrl: string;
  config: NotifyConfig;
  server: NotifyServer;
  jwtSecret: string;
  pushToken: string;
  mintUserToken(userId: string, ttlSec?: number, extraClaims?: Record<string, unknown>): Promise<string>;
  push(userId: string, type: string, data: unknown, category?: string): Promise<{ id: string; timestamp: number; delivered: number }>;
  close(): Promise<void>;
}

type Overrides = Partial<Omit<NotifyConfig, 'jwt' | 'webhooks'>> & { jwt?: Partial<NotifyConfig['jwt']>; webhooks?: Partial<NotifyConfig['webhooks']> };

export async function startServer(overrides: Overrides = {}, options: { logger?: Logger; store?: NotificationStore } = {}): Promise<TestServer> {
  const jwtSecret = overrides.jwt?.secret ?? randomBytes(32).toString('hex');
  const pushToken = overrides.pushToken ?? randomBytes(16).toString('hex');
  const config = makeConfig({ port: 0, store: 'memory', logLevel: 'silent', ...overrides, pushToken, jwt: { secret: jwtSecret, ...overrides.jwt } });
  const server = await startNotifyServer(config, { logger: options.logger ?? createLogger('silent'), store: options.store });
  const url = server.url;
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/api/v1/notifications`,
    config,
    server,
    jwtSecret,
    pushToken,
    mintUserToken: (userId, ttlSec = 3600, extraClaims = {}) => mintUserToken(jwtSecret, userId, ttlSec, extraClaims),
    async push(userId, type, data, category) {
      const response = await fetch(`${url}/api/v1/users/${encodeURIComponent(userId)}/notifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(category === undefined ? { type, data } : { type, data, category }),
      });
      const body = (await response.json()) as { id: string; timestamp: number; delivered: number };
      if (response.status !== 201) throw new Error(`push failed: ${response.status} ${JSON.stringify(body)}`);
      return body;
    },
    close: () => server.close(),
  };
}

export async function mintUserToken(secret: string, userId: string, ttlSec = 3600, extraClaims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(extraClaims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSec)
    .sign(new TextEncoder().encode(secret));
}

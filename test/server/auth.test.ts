// Every row of the close-code table that concerns credentials, over a real ws client.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, exportSPKI } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type ConnectOptions, type TestClient } from '../support/ws-client.js';
import { makeConfig } from '../../src/config.js';
import { startNotifyServer } from '../../src/server.js';

let server: TestServer;
const clients: TestClient[] = [];

async function open(options: ConnectOptions): Promise<TestClient> {
  const client = await connect(server.wsUrl, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
});

const hs256 = (secret: string) => new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);

describe('credentials', () => {
  it.each(['query_token', 'query_access_token', 'cookie', 'bearer'] as const)('accepts a token in %s', async (via) => {
    server = await startServer();
    const client = await open({ token: await server.mintUserToken('alice'), via });
    const established = await client.nextOfType('connection_established');
    expect(established.data.userId).toBe('alice');
  });

  it('closes 1008 "Access token required" without a credential', async () => {
    server = await startServer();
    const client = await open({});
    expect(await client.closed).toEqual({ code: 1008, reason: 'Access token required' });
  });

  it('takes the first credential present (cookie over query), never a mix', async () => {
    server = await startServer();
    const client = await open({
      token: await server.mintUserToken('bob'),
      via: 'query_token',
      headers: { cookie: `auth_token=${await server.mintUserToken('alice')}` },
    });
    expect((await client.nextOfType('connection_established')).data.userId).toBe('alice');
  });

  it('does not fall back to a later credential when the first is bad', async () => {
    server = await startServer();
    const client = await open({ token: await server.mintUserToken('bob'), via: 'query_token', headers: { cookie: 'auth_token=garbage' } });
    expect((await client.closed).code).toBe(4001);
  });
});

describe('invalid tokens close 4001 "Invalid or expired token"', () => {
  const cases: [string, (secret: string) => Promise<string>][] = [
    ['bad signature', async () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setExpirationTime(now() + 60).sign(hs256('x'.repeat(40)))],
    ['malformed', async () => 'not.a.jwt'],
    ['expired', async (s) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setExpirationTime(now() - 60).sign(hs256(s))],
    ['without exp', async (s) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('a').sign(hs256(s))],
    ['without sub', async (s) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(now() + 60).sign(hs256(s))],
    ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'a', exp: now() + 60 })).toString('base64url')}.`],
  ];
  it.each(cases)('%s', async (_name, make) => {
    server = await startServer();
    const client = await open({ token: await make(server.jwtSecret) });
    expect(await client.closed).toEqual({ code: 4001, reason: 'Invalid or expired token' });
  });

  it('wrong issuer or audience', async () => {
    server = await startServer({ jwt: { issuer: 'https://auth.example', audience: 'notify' } });
    const right = await server.mintUserToken('a', 60, { iss: 'https://auth.example', aud: 'notify' });
    const ok = await open({ token: right });
    await ok.nextOfType('connection_established');
    for (const claims of [{ iss: 'https://evil.example', aud: 'notify' }, { iss: 'https://auth.example', aud: 'other' }]) {
      const client = await open({ token: await server.mintUserToken('a', 60, claims) });
      expect((await client.closed).code).toBe(4001);
    }
  });
});

describe('authorization and origin', () => {
  it('closes 4003 "Forbidden" when a required scope is missing', async () => {
    server = await startServer({ jwt: { requiredScopes: ['notifications:read'] } });
    const denied = await open({ token: await server.mintUserToken('a') });
    expect(await denied.closed).toEqual({ code: 4003, reason: 'Forbidden' });
    const allowed = await open({ token: await server.mintUserToken('a', 60, { scope: 'profile notifications:read' }) });
    await allowed.nextOfType('connection_established');
  });

  it('refuses a cookie credential from a foreign Origin, accepts same-origin and allow-listed ones', async () => {
    server = await startServer();
    const token = await server.mintUserToken('alice');
    for (const origin of ['https://evil.example', 'null', `${server.url}.evil.com`]) {
      const client = await open({ token, via: 'cookie', origin });
      expect((await client.closed).code, origin).toBe(4003);
    }
    const same = await open({ token, via: 'cookie', origin: server.url });
    await same.nextOfType('connection_established');
    // Query and header tokens are not cookie-bound: a foreign page can only send what it already holds.
    const query = await open({ token, via: 'query_token', origin: 'https://evil.example' });
    await query.nextOfType('connection_established');
  });

  it('honours --allowed-origins for cookies', async () => {
    server = await startServer({ allowedOrigins: ['https://app.example.com'] });
    const token = await server.mintUserToken('alice');
    const allowed = await open({ token, via: 'cookie', origin: 'https://app.example.com' });
    await allowed.nextOfType('connection_established');
    for (const origin of ['http://app.example.com', 'https://app.example.com.evil.com', server.url]) {
      const client = await open({ token, via: 'cookie', origin });
      expect((await client.closed).code, origin).toBe(4003);
    }
  });
});

describe('expiry and refresh', () => {
  it('closes 4001 "Token expired" at exp while connected', async () => {
    server = await startServer();
    const client = await open({ token: await server.mintUserToken('alice', 2) });
    await client.nextOfType('connection_established');
    const started = Date.now();
    expect(await client.closed).toEqual({ code: 4001, reason: 'Token expired' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('keeps a 40-day token open (no 32-bit timer overflow)', async () => {
    server = await startServer();
    const client = await open({ token: await server.mintUserToken('alice', 40 * 86_400) });
    await client.nextOfType('connection_established');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    client.send('PING');
    await client.nextOfType('pong');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('refresh_token extends the connection past the old exp', async () => {
    server = await startServer();
    const client = await open({ token: await server.mintUserToken('alice', 2) });
    await client.nextOfType('connection_established');
    client.send({ action: 'refresh_token', token: await server.mintUserToken('alice', 3600) });
    const refreshed = await client.nextOfType('token_refreshed');
    expect(Date.parse(refreshed.data.expiresAt)).toBeGreaterThan(Date.now() + 3000_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    client.send('PING');
    await client.nextOfType('pong');
  });

  it('refresh_token for another user closes 4001', async () => {
    server = await startServer();
    const client = await open({ token: await server.mintUserToken('alice') });
    await client.nextOfType('connection_established');
    client.send({ action: 'refresh_token', token: await server.mintUserToken('mallory') });
    expect((await client.closed).code).toBe(4001);
  });
});

describe('key configuration', () => {
  it('refuses to start with an HS256 secret shorter than 32 bytes', async () => {
    await expect(startNotifyServer(makeConfig({ port: 0, store: 'memory', jwt: { secret: 'short-secret' } }))).rejects.toThrow(/at least 32/);
    server = await startServer();
  });

  it('verifies RS256 tokens with a public key file and ES256 with a JWKS file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'notify-keys-'));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'rsa.pem');
    writeFileSync(keyFile, await exportSPKI(rsa.publicKey));
    server = await startServer({ jwt: { secret: undefined, publicKeyFile: keyFile } });
    const good = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('rsa-user').setExpirationTime(now() + 60).sign(rsa.privateKey);
    const client = await open({ token: good });
    expect((await client.nextOfType('connection_established')).data.userId).toBe('rsa-user');
    // Algorithm confusion: HS256 signed with the public key text must not pass.
    const confused = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime(now() + 60).sign(new TextEncoder().encode(await exportSPKI(rsa.publicKey)));
    expect((await (await open({ token: confused })).closed).code).toBe(4001);
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256' };
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    server = await startServer({ jwt: { secret: undefined, jwksFile } });
    const es = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('ec-user').setExpirationTime(now() + 60).sign(ec.privateKey);
    expect((await (await open({ token: es })).nextOfType('connection_established')).data.userId).toBe('ec-user');
    const unknownKid = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'nope' }).setSubject('ec-user').setExpirationTime(now() + 60).sign(ec.privateKey);
    expect((await (await open({ token: unknownKid })).closed).code).toBe(4001);
  });
});

// Users from an identity provider by URL: OIDC discovery or a JWKS URL, key rotation without a restart, a flood of
// unknown kids, the provider down, claim mapping (user claim, Keycloak-shaped roles) and several HS256 secrets.
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { mintUserToken, startServer, type TestServer } from '../support/server.js';
import { connect, type TestClient } from '../support/ws-client.js';

let provider: IdentityProvider | undefined;
let server: TestServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  await provider?.close();
  server = undefined;
  provider = undefined;
});

type JwtOverrides = NonNullable<Parameters<typeof startServer>[0]>['jwt'];

/** A server that knows only the provider (no HS256 secret), with `jwt` on top. */
async function serverFor(idp: IdentityProvider, jwt: JwtOverrides, logs?: string[]): Promise<TestServer> {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => logs?.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return startServer({ jwt: { secret: undefined, issuer: idp.issuer, ...jwt } }, { logger: createLogger(logs ? 'info' : 'silent', stream) });
}

/** Connects with `token`: the user id it was established as, or the close code it got. */
async function outcome(token: string): Promise<string | number> {
  const client = await connect(server!.wsUrl, { token });
  clients.push(client);
  const first = await Promise.race([client.nextOfType('connection_established', 5000).then((f) => f.data.userId as string), client.closed.then((c) => c.code)]);
  return first;
}

describe('keys by URL', () => {
  it('--jwt-issuer alone: discovers jwks_uri, and accepts RS256 and ES256 tokens of that issuer', async () => {
    provider = await startIdentityProvider();
    server = await serverFor(provider, {});
    expect(await outcome(await provider.sign({ sub: 'alice' }, { alg: 'RS256' }))).toBe('alice');
    expect(await outcome(await provider.sign({ sub: 'bob' }, { alg: 'ES256' }))).toBe('bob');
    expect(provider.discoveryFetches).toBe(1);
    expect(provider.jwksFetches).toBe(1);
    // iss is always checked: the same key, another issuer, is refused.
    expect(await outcome(await provider.sign({ sub: 'mallory', iss: 'https://elsewhere.example' }))).toBe(4001);
  });

  it('--jwt-jwks-url with --jwt-issuer: that URL is used (no discovery) and iss still checked', async () => {
    provider = await startIdentityProvider();
    server = await serverFor(provider, { jwksUrl: provider.jwksUrl });
    expect(await outcome(await provider.sign({ sub: 'alice' }))).toBe('alice');
    expect(await outcome(await provider.sign({ sub: 'alice', iss: `${provider.issuer}/other` }))).toBe(4001);
    expect(provider.discoveryFetches).toBe(0);
  });

  it('survives key rotation: a token of a key published after start is accepted without a restart, a retired key refused', async () => {
    provider = await startIdentityProvider({ algs: ['RS256'] });
    server = await serverFor(provider, { jwksCooldownMs: 200 });
    const oldToken = await provider.sign({ sub: 'alice' });
    expect(await outcome(oldToken)).toBe('alice');
    const newKid = await provider.rotate('ES256', { retireOld: true });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await outcome(await provider.sign({ sub: 'bob' }, { kid: newKid }))).toBe('bob');
    expect(provider.jwksFetches).toBe(2);
    // The refetched set no longer holds the retired key: a token it signed is refused from now on.
    expect(await outcome(oldToken)).toBe(4001);
  });

  it('1,000 connections with made-up kids make at most a handful of JWKS fetches, and every one is refused 4001', async () => {
    provider = await startIdentityProvider({ algs: ['RS256'] });
    server = await serverFor(provider, { jwksCooldownMs: 30_000 });
    expect(await outcome(await provider.sign({ sub: 'warm' }))).toBe('warm');
    const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => provider!.sign({ sub: `u${i}` }, { headerKid: randomBytes(8).toString('hex') })));
    const codes: (string | number)[] = [];
    for (let i = 0; i < tokens.length; i += 100) {
      const batch = await Promise.all(tokens.slice(i, i + 100).map(async (token) => {
        const client = await connect(server!.wsUrl, { token });
        return (await client.closed).code;
      }));
      codes.push(...batch);
    }
    expect(codes.filter((c) => c !== 4001)).toEqual([]);
    expect(provider.jwksFetches).toBeLessThanOrEqual(3);
  }, 60_000);

  it('provider down: tokens of cached keys are still accepted (also past the cache age), new kids refused; back up, new kids work', async () => {
    provider = await startIdentityProvider({ algs: ['RS256'] });
    server = await serverFor(provider, { jwksCooldownMs: 100, jwksMaxAgeMs: 100, jwksTimeoutMs: 1000 });
    expect(await outcome(await provider.sign({ sub: 'alice' }))).toBe('alice');
    const newKid = await provider.rotate('RS256');
    provider.setDown(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fetchesBefore = provider.jwksFetches;
    expect(await outcome(await provider.sign({ sub: 'alice' }, { kid: provider.kids()[1] }))).toBe('alice');
    expect(await outcome(await provider.sign({ sub: 'bob' }, { kid: newKid }))).toBe(4001);
    expect(await outcome(await provider.sign({ sub: 'carol' }, { kid: newKid }))).toBe(4001);
    // Tried, failed, and then left alone for the cooldown: no fetch per connection.
    expect(provider.jwksFetches - fetchesBefore).toBeGreaterThanOrEqual(1);
    expect(provider.jwksFetches - fetchesBefore).toBeLessThanOrEqual(2);
    provider.setDown(false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await outcome(await provider.sign({ sub: 'bob' }, { kid: newKid }))).toBe('bob');
  });
});

describe('claim mapping', () => {
  it('a Keycloak-shaped realm_access.roles claim gives the scopes a connection requires', async () => {
    provider = await startIdentityProvider({ algs: ['RS256'] });
    server = await serverFor(provider, { scopesClaim: 'realm_access.roles', requiredScopes: ['notify-user'] });
    expect(await outcome(await provider.sign({ sub: 'alice', realm_access: { roles: ['offline_access', 'notify-user'] } }))).toBe('alice');
    expect(await outcome(await provider.sign({ sub: 'bob', realm_access: { roles: ['offline_access'] } }))).toBe(4003);
    // The default claims are not read once a claim is named.
    expect(await outcome(await provider.sign({ sub: 'carol', roles: ['notify-user'] }))).toBe(4003);
  });

  it('--jwt-user-claim: the user is that claim (a namespaced one too); missing or not a string is 4001, logged without the token', async () => {
    const logs: string[] = [];
    provider = await startIdentityProvider({ algs: ['RS256'] });
    server = await serverFor(provider, { userClaim: 'email' }, logs);
    expect(await outcome(await provider.sign({ sub: 'auth0|123', email: 'alice@example.com' }))).toBe('alice@example.com');
    const missing = await provider.sign({ sub: 'auth0|456' });
    expect(await outcome(missing)).toBe(4001);
    const notString = await provider.sign({ sub: 'auth0|789', email: ['x'] });
    expect(await outcome(notString)).toBe(4001);
    const refusals = logs.filter((l) => l.includes('token refused'));
    expect(refusals.map((l) => JSON.parse(l).reason)).toEqual(['user claim "email" is missing', 'user claim "email" is not a string']);
    for (const token of [missing, notString]) expect(logs.join('\n')).not.toContain(token.split('.')[2]);
    await server.close();
    server = await serverFor(provider, { userClaim: 'https://app.example.com/user_id' });
    expect(await outcome(await provider.sign({ sub: 'x', 'https://app.example.com/user_id': 'u-42' }))).toBe('u-42');
  });
});

describe('several HS256 secrets', () => {
  it('accepts a token of any configured secret (rotation without downtime) and refuses others', async () => {
    const [current, previous, unknown] = [0, 1, 2].map(() => randomBytes(32).toString('hex')) as [string, string, string];
    server = await startServer({ jwt: { secret: current, additionalSecrets: [previous] } });
    expect(await outcome(await mintUserToken(current, 'alice'))).toBe('alice');
    expect(await outcome(await mintUserToken(previous, 'bob'))).toBe('bob');
    expect(await outcome(await mintUserToken(unknown, 'mallory'))).toBe(4001);
  });

  it('beside a JWKS URL: HS256 tokens go to the secrets, the provider\'s to its keys', async () => {
    provider = await startIdentityProvider({ algs: ['RS256'] });
    const secret = randomBytes(32).toString('hex');
    server = await serverFor(provider, { secret, jwksUrl: provider.jwksUrl });
    expect(await outcome(await mintUserToken(secret, 'service-user', 3600, { iss: provider.issuer }))).toBe('service-user');
    expect(await outcome(await provider.sign({ sub: 'alice' }))).toBe('alice');
  });
});

// A small OpenID provider for tests, made with jose on 127.0.0.1: discovery, a JWKS it can rotate, a switch to go down.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

type Alg = 'RS256' | 'ES256';
interface SigningKey {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  jwk: JWK;
}

export interface IdentityProvider {
  /** The issuer (`iss`), also the base URL of discovery. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** GET requests the JWKS endpoint answered (or refused while down). */
  readonly jwksFetches: number;
  readonly discoveryFetches: number;
  /** The kids it publishes, newest first. */
  kids(): string[];
  /** Publishes a new key (first in the set), optionally retiring every older one. */
  rotate(alg?: Alg, options?: { retireOld?: boolean }): Promise<string>;
  /** A token signed with the newest key of `alg` (or the key `kid`), with `exp` one hour ahead unless the claims say. */
  sign(claims: JWTPayload, options?: { kid?: string; alg?: Alg; headerKid?: string }): Promise<string>;
  /** While down, every connection is dropped before an answer (what a crashed provider looks like). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

async function newKey(alg: Alg, n: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${n}-${Math.random().toString(36).slice(2, 8)}`;
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function startIdentityProvider(options: { algs?: Alg[] } = {}): Promise<IdentityProvider> {
  const keys: SigningKey[] = [];
  let count = 0;
  for (const alg of options.algs ?? ['RS256', 'ES256']) keys.unshift(await newKey(alg, ++count));
  let down = false;
  let jwksFetches = 0;
  let discoveryFetches = 0;
  let issuer = '';
  const server: Server = createServer((request, response) => {
    if (request.url === '/jwks') jwksFetches++;
    if (request.url === '/.well-known/openid-configuration') discoveryFetches++;
    if (down) return void request.socket.destroy();
    const json = (body: unknown): void => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/.well-known/openid-configuration') return json({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] });
    if (request.url === '/jwks') return json({ keys: keys.map((k) => k.jwk) });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    get jwksFetches() {
      return jwksFetches;
    },
    get discoveryFetches() {
      return discoveryFetches;
    },
    kids: () => keys.map((k) => k.kid),
    async rotate(alg = 'RS256', { retireOld = false } = {}) {
      const key = await newKey(alg, ++count);
      if (retireOld) keys.splice(0);
      keys.unshift(key);
      return key.kid;
    },
    async sign(claims, { kid, alg, headerKid } = {}) {
      const key = keys.find((k) => (kid ? k.kid === kid : alg ? k.alg === alg : true));
      if (!key) throw new Error(`no key ${kid ?? alg ?? ''}`);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, exp: now + 3600, ...claims }).setProtectedHeader({ alg: key.alg, kid: headerKid ?? key.kid, typ: 'JWT' }).sign(key.privateKey);
    },
    setDown(value) {
      down = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

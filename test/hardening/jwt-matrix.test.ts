// The JWT matrix: every malformed, mis-signed or out-of-policy token is refused (4001) through every door —
// each credential source, SSE, refresh_token and the push API; an oversized token is refused with 431.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, exportSPKI } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connect, type ConnectOptions } from '../support/ws-client.js';
import { rawHttpStatus } from './support/raw-http.js';
import { b64url, forge, hmac, nowSec, signWith, toStandardBase64 } from './support/jwt-forge.js';

const issuer = 'https://auth.example';
const audience = 'notify';
const sources = ['query_token', 'query_access_token', 'cookie', 'bearer'] as const;
type Source = (typeof sources)[number];

/** Claims added to every forged payload (the push-API pass adds the push scope). */
let commonClaims: Record<string, unknown> = {};
const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ sub: 'alice', iss: issuer, aud: audience, exp: nowSec() + 600, ...commonClaims, ...extra });
const without = (name: string): Record<string, unknown> => {
  const all = claims();
  delete all[name];
  return all;
};

/** The claims as JSON whose byte length is not a multiple of 3, so that standard base64 pads it. */
function needsPadding(payload: Record<string, unknown>): string {
  let json = JSON.stringify(payload);
  for (let pad = ''; Buffer.byteLength(json) % 3 === 0; pad += 'x') json = JSON.stringify({ ...payload, pad });
  return json;
}

/** Opens a socket with `token` in `via` and resolves with how it ended: 'open' or the close code. */
async function outcome(wsUrl: string, token: string, via: Source, extra: ConnectOptions = {}): Promise<string | number | 'open'> {
  const client = await connect(wsUrl, { token, via, ...extra });
  const result = await Promise.race([
    client.closed.then((c) => (c.code === 4001 ? `4001 ${c.reason}` : c.code)),
    client.nextOfType('connection_established', 5000).then(() => 'open' as const),
  ]);
  await client.close();
  return result;
}

/** [case, token factory (secret → token), sources it can travel in] */
type Case = [name: string, make: (secret: string) => string, only?: Source[]];

const hsCases: Case[] = [
  ['alg none, unsigned', () => forge({ header: { alg: 'none', typ: 'JWT' }, payload: claims() })],
  ['alg "None", unsigned', () => forge({ header: { alg: 'None' }, payload: claims() })],
  ['alg "NONE", unsigned', () => forge({ header: { alg: 'NONE' }, payload: claims() })],
  ['alg none carrying a valid HS256 signature', (s) => forge({ header: { alg: 'none' }, payload: claims(), sign: s })],
  ['HS512 with the right secret (algorithm not pinned)', (s) => forge({ header: { alg: 'HS512' }, payload: claims(), sign: (i) => hmac(i, s, 512) })],
  ['HS256 with another secret', () => forge({ payload: claims(), sign: 'y'.repeat(40) })],
  ['no signature', () => forge({ payload: claims() })],
  ['missing exp', (s) => forge({ payload: without('exp'), sign: s })],
  ['exp as a string', (s) => forge({ payload: claims({ exp: String(nowSec() + 600) }), sign: s })],
  ['expired beyond the 5 s tolerance', (s) => forge({ payload: claims({ exp: nowSec() - 30 }), sign: s })],
  ['nbf in the future', (s) => forge({ payload: claims({ nbf: nowSec() + 120 }), sign: s })],
  ['wrong iss', (s) => forge({ payload: claims({ iss: 'https://evil.example' }), sign: s })],
  ['missing iss', (s) => forge({ payload: without('iss'), sign: s })],
  ['wrong aud', (s) => forge({ payload: claims({ aud: 'other' }), sign: s })],
  ['aud list without ours', (s) => forge({ payload: claims({ aud: ['a', 'b'] }), sign: s })],
  ['missing sub', (s) => forge({ payload: without('sub'), sign: s })],
  ['sub is a number', (s) => forge({ payload: claims({ sub: 42 }), sign: s })],
  ['empty sub', (s) => forge({ payload: claims({ sub: '' }), sign: s })],
  ['sub of 257 characters', (s) => forge({ payload: claims({ sub: 'u'.repeat(257) }), sign: s })],
  ['unknown crit header', (s) => forge({ header: { alg: 'HS256', crit: ['x-notify-unknown'], 'x-notify-unknown': true }, payload: claims(), sign: s })],
  ['empty crit header', (s) => forge({ header: { alg: 'HS256', crit: [] }, payload: claims(), sign: s })],
  ['payload that is not JSON', (s) => forge({ rawPayload: b64url('hello'), sign: s })],
  ['payload that is a JSON array', (s) => forge({ rawPayload: b64url('["alice"]'), sign: s })],
  ['header that is not JSON', (s) => forge({ rawHeader: b64url('HS256'), payload: claims(), sign: s })],
  // Bad base64: RFC 7515 compact form is unpadded base64url; nothing else may verify.
  ['padding after the signature', (s) => `${forge({ payload: claims(), sign: s })}=`],
  ['padded header and payload segments (signed as sent)', (s) => forge({ rawHeader: toStandardBase64(b64url('{"alg":"HS256","typ":"JWT"}')), rawPayload: toStandardBase64(b64url(needsPadding(claims()))), sign: s })],
  ['standard base64 (+ /) in the payload (signed as sent)', (s) => forge({ rawPayload: toStandardBase64(b64url(JSON.stringify(claims({ blob: '\u00fb\u00ff\u00fe>>>???' })))).replace(/=+$/, ''), sign: s })],
  ['a character outside base64url in the signature', (s) => forge({ payload: claims(), sign: (i) => `${hmac(i, s).slice(0, 20)}*${hmac(i, s).slice(21)}` })],
  ['whitespace inside the signature', (s) => forge({ payload: claims(), sign: (i) => `${hmac(i, s).slice(0, 20)} ${hmac(i, s).slice(20)}` }), ['query_token', 'query_access_token']],
  ['two segments', (s) => forge({ payload: claims(), sign: s }).split('.').slice(0, 2).join('.')],
  ['four segments', (s) => `${forge({ payload: claims(), sign: s })}.x`],
  ['five segments (JWE shape)', () => `${b64url('{"alg":"dir","enc":"A256GCM"}')}..${b64url('iv')}.${b64url('ct')}.${b64url('tag')}`],
  ['15 KB of base64url junk', () => `${'A'.repeat(5000)}.${'B'.repeat(5000)}.${'C'.repeat(5000)}`],
];

let server: TestServer;
let goodToken: string;

beforeAll(async () => {
  server = await startServer({ jwt: { issuer, audience } });
  goodToken = forge({ payload: claims(), sign: server.jwtSecret });
});

afterAll(async () => {
  await server.close();
});

describe('HS256: refused with 4001 through every credential source', () => {
  it.each(sources)('the control: a good token is accepted via %s', async (via) => {
    expect(await outcome(server.wsUrl, goodToken, via)).toBe('open');
  });

  it.each(hsCases)('%s', async (_name, make, only) => {
    const token = make(server.jwtSecret);
    for (const via of only ?? sources) expect(await outcome(server.wsUrl, token, via), via).toBe('4001 Invalid or expired token');
  });

  it('every bad token is refused on SSE (401 {code 4001}), by refresh_token (close 4001) and as a push service token (401)', async () => {
    const stream = `${server.url}/api/v1/notifications/stream`;
    const pushUrl = `${server.url}/api/v1/users/alice/notifications`;
    const body = JSON.stringify({ type: 'info', data: { title: 't', message: 'm', priority: 'low' } });
    const serviceGood = forge({ payload: claims({ sub: 'backend', scope: 'notify:push' }), sign: server.jwtSecret });
    expect((await fetch(pushUrl, { method: 'POST', headers: { authorization: `Bearer ${serviceGood}`, 'content-type': 'application/json' }, body })).status).toBe(201);
    for (const [name, make] of hsCases) {
      const token = make(server.jwtSecret);
      const sse = await fetch(`${stream}?token=${encodeURIComponent(token)}`);
      expect(sse.status, name).toBe(401);
      expect(await sse.json(), name).toEqual({ code: 4001, reason: 'Invalid or expired token' });

      const live = await connect(server.wsUrl, { token: goodToken });
      await live.nextOfType('connection_established');
      live.send({ action: 'refresh_token', token });
      const refreshed = await Promise.race([
        live.closed.then((c) => c.code),
        live.nextOfType('token_refreshed', 3000).then(() => 'refreshed'),
        live.nextOfType('request_error', 3000).then((f) => `request_error ${f.data.code}`),
      ]);
      await live.close();
      // Off-contract tokens (e.g. past the field's maxLength) are refused before verification.
      expect([4001, 'request_error invalid_message'], name).toContain(refreshed);

      // The same defect in a token that claims the push scope.
      commonClaims = { scope: 'notify:push' };
      const service = make(server.jwtSecret);
      commonClaims = {};
      const push = await fetch(pushUrl, { method: 'POST', headers: { 'x-auth-token': service, 'content-type': 'application/json' }, body });
      expect(push.status, name).toBe(401);
    }
    // Nothing a refused request sent was stored: only the control push is there.
    const page = await fetch(`${pushUrl}?limit=100`, { headers: { authorization: `Bearer ${server.pushToken}` } });
    expect(((await page.json()) as { notifications: unknown[] }).notifications).toHaveLength(1);
  });
});

describe('oversized tokens', () => {
  it('a 20 KB token is refused with 431 in the query, a cookie, a bearer header, on SSE and the push API; the server carries on', async () => {
    const huge = `${b64url('{"alg":"HS256"}')}.${'A'.repeat(20 * 1024)}.sig`;
    const port = server.server.port;
    const upgrade = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };
    expect(await rawHttpStatus(port, `/api/v1/notifications?token=${huge}`, upgrade)).toBe(431);
    expect(await rawHttpStatus(port, '/api/v1/notifications', { ...upgrade, Cookie: `auth_token=${huge}` })).toBe(431);
    expect(await rawHttpStatus(port, '/api/v1/notifications', { ...upgrade, Authorization: `Bearer ${huge}` })).toBe(431);
    expect(await rawHttpStatus(port, `/api/v1/notifications/stream?access_token=${huge}`)).toBe(431);
    expect(await rawHttpStatus(port, '/api/v1/users/alice/notifications', { 'X-Auth-Token': huge }, 'POST')).toBe(431);
    expect(await outcome(server.wsUrl, goodToken, 'query_token')).toBe('open');
  });
});

describe('public keys (JWKS with an RSA key, kid k1)', () => {
  let dir: string;
  let rsaServer: TestServer;
  let rsa: { privateKey: KeyObject; publicKey: KeyObject };
  let attacker: { privateKey: KeyObject; publicKey: KeyObject };
  let jku: Server;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'notify-jwt-matrix-'));
    rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    rsaServer = await startServer({ jwt: { secret: undefined, jwksFile } });
    // A key set an attacker controls, for the `jku` header: it must never be fetched.
    const attackerSet = JSON.stringify({ keys: [{ ...(await exportJWK(attacker.publicKey)), kid: 'k1', alg: 'RS256' }] });
    jku = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(attackerSet));
    await new Promise<void>((resolve) => jku.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await rsaServer?.close();
    await new Promise((resolve) => jku?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts RS256 by kid k1 and refuses every confusion and substitution with 4001', async () => {
    const payload = { sub: 'rsa-user', exp: nowSec() + 600 };
    const good = forge({ header: { alg: 'RS256', kid: 'k1' }, payload, sign: signWith(rsa.privateKey, 'RS256') });
    expect(await outcome(rsaServer.wsUrl, good, 'query_token')).toBe('open');

    const pem = await exportSPKI(rsa.publicKey);
    const jwkText = JSON.stringify(await exportJWK(rsa.publicKey));
    const { port } = jku.address() as { port: number };
    const bad: [string, string][] = [
      ['unknown kid', forge({ header: { alg: 'RS256', kid: 'k2' }, payload, sign: signWith(rsa.privateKey, 'RS256') })],
      ['alg confusion: HS256 keyed with the PEM public key', forge({ header: { alg: 'HS256', kid: 'k1' }, payload, sign: pem })],
      ['alg confusion: HS256 keyed with the JWK text', forge({ header: { alg: 'HS256', kid: 'k1' }, payload, sign: jwkText })],
      ['alg none with kid k1', forge({ header: { alg: 'none', kid: 'k1' }, payload })],
      ['an attacker key under kid k1', forge({ header: { alg: 'RS256', kid: 'k1' }, payload, sign: signWith(attacker.privateKey, 'RS256') })],
      ['an attacker key embedded as the jwk header', forge({ header: { alg: 'RS256', kid: 'k1', jwk: { ...(JSON.parse(JSON.stringify(attacker.publicKey.export({ format: 'jwk' }))) as object), kid: 'k1' } }, payload, sign: signWith(attacker.privateKey, 'RS256') })],
      ['an attacker key set named by jku', forge({ header: { alg: 'RS256', kid: 'k1', jku: `http://127.0.0.1:${port}/jwks.json` }, payload, sign: signWith(attacker.privateKey, 'RS256') })],
      ['an attacker certificate chain in x5c', forge({ header: { alg: 'RS256', kid: 'k1', x5c: ['MIIB'] }, payload, sign: signWith(attacker.privateKey, 'RS256') })],
      ['RS256 signature bytes flipped', good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA')],
    ];
    for (const [name, token] of bad) expect(await outcome(rsaServer.wsUrl, token, 'bearer'), name).toBe('4001 Invalid or expired token');
  });
});

// The HS256 fast path (node:crypto HMAC + jose's own header and claim checks) decides every token exactly as jose's jwtVerify does.
import fc from 'fast-check';
import { errors as joseErrors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, type VerifyResult } from '../../src/auth/verifier.js';
import { defaultConfig } from '../../src/config.js';
import { b64url, forge, hmac, nowSec } from '../hardening/support/jwt-forge.js';

const secret = 's'.repeat(40);
const issuer = 'https://auth.example';
const audience = 'notify';
const clockToleranceSec = 5;
const verifier = createTokenVerifier({ ...defaultConfig.jwt, secret, issuer, audience, clockToleranceSec });

/** What jose alone says, mapped the way the verifier maps it. */
async function joseSays(token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'], issuer, audience, clockTolerance: clockToleranceSec });
    if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 256) return 'invalid';
    return `ok ${payload.sub} ${payload.exp! * 1000}`;
  } catch (error) {
    return error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid';
  }
}

const verdict = (r: VerifyResult): string => (r.ok ? `ok ${r.principal.userId} ${r.principal.expiresAtMs}` : r.reason);
/** The verifier refuses non-canonical base64url up front (jwt-matrix covers those); compare only tokens it lets through. */
const compact = (token: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

describe('HS256 fast path against jose jwtVerify', () => {
  it('agrees on hand-picked tokens: good, expired, tampered, other algorithms, crit and b64 headers', async () => {
    const good = { sub: 'alice', iss: issuer, aud: audience, exp: nowSec() + 600 };
    const tokens = [
      forge({ payload: good, sign: secret }),
      forge({ payload: { ...good, exp: nowSec() - 3 }, sign: secret }),
      forge({ payload: { ...good, exp: nowSec() - 30 }, sign: secret }),
      forge({ payload: { ...good, nbf: nowSec() + 60 }, sign: secret }),
      forge({ payload: { ...good, iat: 'yesterday' }, sign: secret }),
      forge({ payload: { ...good, aud: [audience, 'other'] }, sign: secret }),
      forge({ payload: good, sign: 'x'.repeat(40) }),
      forge({ header: { alg: 'HS512' }, payload: good, sign: (i) => hmac(i, secret, 512) }),
      forge({ header: { alg: 'HS256', crit: ['b64'], b64: true }, payload: good, sign: secret }),
      forge({ header: { alg: 'HS256', crit: ['b64'], b64: false }, payload: good, sign: secret }),
      forge({ header: { alg: 'HS256', b64: false }, payload: good, sign: secret }),
      forge({ header: { alg: 'HS256', crit: 'b64' }, payload: good, sign: secret }),
      forge({ header: { alg: 'HS256', typ: 'at+jwt' }, payload: good, sign: secret }),
      forge({ rawHeader: b64url('[]'), payload: good, sign: secret }),
      forge({ rawHeader: b64url('null'), payload: good, sign: secret }),
      forge({ rawPayload: b64url('null'), sign: secret }),
      forge({ payload: good, sign: (i) => hmac(i, secret).slice(0, -1) }),
    ];
    for (const token of tokens) expect(verdict(await verifier.verify(token)), token).toBe(await joseSays(token));
  });

  it('agrees on generated headers and claims (property)', async () => {
    const header = fc.record(
      { alg: fc.constantFrom('HS256', 'HS256', 'HS256', 'HS512', 'none', 'hs256'), typ: fc.constantFrom('JWT', 'at+jwt'), b64: fc.boolean(), crit: fc.constantFrom(['b64'], [], ['x'], 'b64') },
      { requiredKeys: ['alg'] },
    );
    const claims = fc.record(
      {
        // Mostly good values, so that a wrong signature or header is often the only fault.
        sub: fc.oneof({ arbitrary: fc.constant('alice'), weight: 4 }, fc.constantFrom('', 'u'.repeat(257)), fc.integer()),
        iss: fc.oneof({ arbitrary: fc.constant(issuer), weight: 4 }, fc.constant('https://evil.example')),
        aud: fc.oneof({ arbitrary: fc.constant(audience), weight: 3 }, fc.constantFrom('other', [audience, 'x'], ['x'])),
        exp: fc.oneof({ arbitrary: fc.integer({ min: -120, max: 600 }).map((d) => nowSec() + d), weight: 5 }, fc.constant('soon')),
        nbf: fc.integer({ min: -60, max: 60 }).map((d) => nowSec() + d),
        iat: fc.oneof(fc.integer({ min: -60, max: 60 }).map((d) => nowSec() + d), fc.constant(null)),
      },
      { requiredKeys: ['sub', 'iss', 'aud', 'exp'] },
    );
    await fc.assert(
      fc.asyncProperty(header, claims, fc.constantFrom(secret, 'y'.repeat(40)), async (h, c, key) => {
        const token = forge({ header: h, payload: c, sign: key });
        if (!compact(token)) return;
        expect(verdict(await verifier.verify(token))).toBe(await joseSays(token));
      }),
      { numRuns: 400 },
    );
  });
});

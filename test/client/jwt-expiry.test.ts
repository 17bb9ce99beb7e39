// Reading exp/iat from a JWT without verifying it, and when to refresh.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeJwtTimes, refreshDelayMs } from '../../src/client/jwt-expiry.js';
import { fakeJwt } from './fake-web-socket.js';

describe('decodeJwtTimes', () => {
  it('reads exp and iat of a real HS256 token', async () => {
    const token = await new SignJWT({ scope: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(1_700_000_000).setExpirationTime(1_700_003_600).sign(new TextEncoder().encode('s'.repeat(32)));
    expect(decodeJwtTimes(token)).toEqual({ iat: 1_700_000_000, exp: 1_700_003_600 });
  });

  it('decodes base64url payloads with non-ASCII claims', () => {
    expect(decodeJwtTimes(fakeJwt({ sub: 'zoë', name: '日本', exp: 10 }))).toEqual({ exp: 10 });
  });

  it('returns undefined for anything that is not a JWT', () => {
    for (const bad of ['', 'abc', 'a.b', 'a.!!!.c', `x.${Buffer.from('"str"').toString('base64url')}.y`]) expect(decodeJwtTimes(bad)).toBeUndefined();
    expect(decodeJwtTimes(fakeJwt({ exp: 'soon' }))).toEqual({});
  });
});

describe('refreshDelayMs', () => {
  const now = 1_700_000_000_000;
  const s = now / 1000;

  it('is 30 s before exp for long tokens', () => {
    expect(refreshDelayMs(fakeJwt({ iat: s, exp: s + 3600 }), now)).toBe(3_570_000);
  });

  it('is 10% of the lifetime before exp when that is shorter than 30 s', () => {
    expect(refreshDelayMs(fakeJwt({ iat: s, exp: s + 100 }), now)).toBe(90_000);
  });

  it('measures the lifetime from now when there is no iat', () => {
    expect(refreshDelayMs(fakeJwt({ exp: s + 20 }), now)).toBe(18_000);
  });

  it('waits at least the minimum for tokens that are (nearly) expired, and nothing without exp', () => {
    expect(refreshDelayMs(fakeJwt({ iat: s - 100, exp: s - 1 }), now)).toBe(1000);
    expect(refreshDelayMs(fakeJwt({ sub: 'a' }), now)).toBeUndefined();
  });
});

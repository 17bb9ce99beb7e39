// Verifies JWTs with jose's checks: pinned algorithms, exp required, issuer/audience when configured; HS256 signatures with node:crypto.
import { createHmac, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, UnsecuredJWT, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { JwtConfig } from '../config.js';

/** Who a verified token speaks for. */
export interface Principal {
  userId: string;
  /** Epoch milliseconds of the token's `exp`. */
  expiresAtMs: number;
  scopes: ReadonlySet<string>;
}

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: 'expired' | 'invalid' };

export interface TokenVerifier {
  verify(token: string): Promise<VerifyResult>;
}

/**
 * RFC 7515 compact serialization: three unpadded base64url segments. jose's decoder also takes padding,
 * whitespace and other non-canonical spellings, which would let one signed token travel as many strings.
 */
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size). */
export const minSecretBytes = 32;

type Key = Uint8Array | KeyObject | JWTVerifyGetKey;

function algorithmFor(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
      if (curve === 'secp384r1') return 'ES384';
      throw new Error(`unsupported EC curve ${curve ?? 'unknown'} in the JWT public key`);
    }
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new Error(`unsupported JWT public key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

function loadKey(config: JwtConfig): { key: Key; algorithms: string[] } {
  const configured = [config.secret, config.publicKeyFile, config.jwksFile].filter((v) => v !== undefined);
  if (configured.length !== 1) throw new Error('configure exactly one of a JWT secret, a public key file or a JWKS file');
  if (config.secret !== undefined) {
    const key = new TextEncoder().encode(config.secret);
    if (key.byteLength < minSecretBytes) {
      throw new Error(`the JWT secret is ${key.byteLength} bytes; HS256 needs at least ${minSecretBytes} (generate one with: openssl rand -hex 32)`);
    }
    return { key, algorithms: ['HS256'] };
  }
  if (config.publicKeyFile !== undefined) {
    const key = createPublicKey(readFileSync(config.publicKeyFile, 'utf8'));
    return { key, algorithms: [algorithmFor(key)] };
  }
  const jwks = JSON.parse(readFileSync(config.jwksFile!, 'utf8')) as Parameters<typeof createLocalJWKSet>[0];
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`${config.jwksFile} holds no keys`);
  return { key: createLocalJWKSet(jwks), algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] };
}

/** Scopes from `scope` (space separated), `scp` or `roles` (arrays). */
export function scopesOf(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  if (typeof payload['scope'] === 'string') for (const s of payload['scope'].split(/\s+/)) if (s) scopes.add(s);
  for (const claim of ['scp', 'roles']) {
    const value = payload[claim];
    if (Array.isArray(value)) for (const s of value) if (typeof s === 'string') scopes.add(s);
  }
  return scopes;
}

/**
 * HS256 without WebCrypto: the signature is checked with node:crypto's HMAC (synchronous, a few µs, where
 * jose's `crypto.subtle.verify` costs ~70 µs per connect through the thread pool), then the very same header
 * and payload go through jose's own checks (`crit`, `b64`, and every claim: exp, nbf, iss, aud, required
 * claims, clock tolerance) by handing them to `UnsecuredJWT.decode` with the verified `alg` set to "none".
 * Throws jose's errors (JWTExpired, JWTInvalid, JWSSignatureVerificationFailed…) like `jwtVerify`.
 */
function verifyHs256(token: string, secret: Uint8Array, options: JWTVerifyOptions): JWTPayload {
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  } catch {
    throw new joseErrors.JWSInvalid('JWS Protected Header is invalid');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new joseErrors.JWSInvalid('JWS Protected Header is invalid');
  if ((header as { alg?: unknown }).alg !== 'HS256') throw new joseErrors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  const expected = createHmac('sha256', secret).update(`${encodedHeader}.${encodedPayload}`).digest();
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new joseErrors.JWSSignatureVerificationFailed();
  const unsecured = `${Buffer.from(JSON.stringify({ ...header, alg: 'none' })).toString('base64url')}.${encodedPayload}.`;
  return UnsecuredJWT.decode(unsecured, options).payload;
}

/** Builds the verifier once at start; throws (refusing to start) on a weak secret or an unreadable key. */
export function createTokenVerifier(config: JwtConfig): TokenVerifier {
  const { key, algorithms } = loadKey(config);
  const options = {
    algorithms,
    requiredClaims: ['exp', 'sub'],
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSec,
  };
  const principalOf = (payload: JWTPayload): VerifyResult => {
    if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 256) return { ok: false, reason: 'invalid' };
    return { ok: true, principal: { userId: payload.sub, expiresAtMs: payload.exp! * 1000, scopes: scopesOf(payload) } };
  };
  const failure = (error: unknown): VerifyResult => ({ ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' });
  return {
    async verify(token) {
      if (!compactJws.test(token)) return { ok: false, reason: 'invalid' };
      try {
        if (key instanceof Uint8Array) return principalOf(verifyHs256(token, key, options));
        const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
        return principalOf(payload);
      } catch (error) {
        return failure(error);
      }
    },
  };
}

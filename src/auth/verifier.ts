// Verifies JWTs with jose's checks: pinned algorithms, exp required, issuer/audience when configured; HS256 signatures with node:crypto.
import { createHmac, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, UnsecuredJWT, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { discoversKeys, type JwtConfig } from '../config.js';
import { scopesAt, userIdAt } from './claims.js';
import { createRemoteKeys } from './remote-jwks.js';


/** Who a verified token speaks for. */
export interface Principal {
  userId: string;
  /** Epoch milliseconds of the token's `exp`. */
  expiresAtMs: number;
  scopes: ReadonlySet<string>;
}

/** A refusal: `expired`, or `invalid` for everything else; `detail` says why, for the log (never the token). */
export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: 'expired' | 'invalid'; detail: string };

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

/** Algorithms of a JWKS (file or URL): asymmetric only, so a public key can never be used as an HMAC secret. */
const jwksAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

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

/** Public keys: one key, or a resolver by `kid`, with the algorithms they verify. */
interface PublicKeys {
  key: KeyObject | JWTVerifyGetKey;
  algorithms: string[];
}

function hmacSecrets(config: JwtConfig): Uint8Array[] {
  const secrets = [...(config.secret === undefined ? [] : [config.secret]), ...(config.additionalSecrets ?? [])];
  return secrets.map((secret, i) => {
    const key = new TextEncoder().encode(secret);
    if (key.byteLength < minSecretBytes) {
      const which = secrets.length > 1 ? `JWT secret #${i + 1}` : 'the JWT secret';
      throw new Error(`${which} is ${key.byteLength} bytes; HS256 needs at least ${minSecretBytes} (generate one with: openssl rand -hex 32)`);
    }
    return key;
  });
}

function publicKeys(config: JwtConfig, onProviderFailure?: (error: Error) => void): PublicKeys | undefined {
  const sources = [config.publicKeyFile, config.jwksFile, config.jwksUrl].filter((v) => v !== undefined);
  if (sources.length > 1) throw new Error('configure at most one of a JWT public key file, a JWKS file and a JWKS URL');
  if (config.publicKeyFile !== undefined) {
    const key = createPublicKey(readFileSync(config.publicKeyFile, 'utf8'));
    return { key, algorithms: [algorithmFor(key)] };
  }
  if (config.jwksFile !== undefined) {
    const jwks = JSON.parse(readFileSync(config.jwksFile, 'utf8')) as Parameters<typeof createLocalJWKSet>[0];
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`${config.jwksFile} holds no keys`);
    return { key: createLocalJWKSet(jwks), algorithms: jwksAlgorithms };
  }
  if (config.jwksUrl !== undefined || discoversKeys(config)) {
    if (config.jwksUrl !== undefined && !/^https?:\/\//.test(config.jwksUrl)) throw new Error(`the JWKS URL must be http(s)://, got ${JSON.stringify(config.jwksUrl)}`);
    const key = createRemoteKeys({
      ...(config.jwksUrl === undefined ? { issuer: config.issuer! } : { jwksUrl: config.jwksUrl }),
      timeoutMs: config.jwksTimeoutMs,
      cooldownMs: config.jwksCooldownMs,
      maxAgeMs: config.jwksMaxAgeMs,
      onFailure: onProviderFailure,
    });
    return { key, algorithms: jwksAlgorithms };
  }
  return undefined;
}

function protectedHeaderOf(encodedHeader: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  } catch {
    throw new joseErrors.JWSInvalid('JWS Protected Header is invalid');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new joseErrors.JWSInvalid('JWS Protected Header is invalid');
  return header as Record<string, unknown>;
}

/**
 * HS256 without WebCrypto: the signature is checked with node:crypto's HMAC against each secret in turn (synchronous,
 * a few µs each, where jose's `crypto.subtle.verify` costs ~70 µs per connect through the thread pool), then the very
 * same header and payload go through jose's own checks (`crit`, `b64`, and every claim: exp, nbf, iss, aud, required
 * claims, clock tolerance) by handing them to `UnsecuredJWT.decode` with the verified `alg` set to "none".
 * Throws jose's errors (JWTExpired, JWTInvalid, JWSSignatureVerificationFailed…) like `jwtVerify`.
 */
function verifyHs256(token: string, header: Record<string, unknown>, secrets: readonly Uint8Array[], options: JWTVerifyOptions): JWTPayload {
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string];
  const signature = Buffer.from(encodedSignature, 'base64url');
  const signed = `${encodedHeader}.${encodedPayload}`;
  const matches = secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(signed).digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  });
  if (!matches) throw new joseErrors.JWSSignatureVerificationFailed();
  const unsecured = `${Buffer.from(JSON.stringify({ ...header, alg: 'none' })).toString('base64url')}.${encodedPayload}.`;
  return UnsecuredJWT.decode(unsecured, options).payload;
}

export interface VerifierOptions {
  /** Told when the identity provider's keys could not be fetched (the last good ones keep serving). */
  onProviderFailure?: (error: Error) => void;
}

/** Builds the verifier once at start; throws (refusing to start) on a weak secret, an unreadable key or no key at all. */
export function createTokenVerifier(config: JwtConfig, verifierOptions: VerifierOptions = {}): TokenVerifier {
  const secrets = hmacSecrets(config);
  const asymmetric = publicKeys(config, verifierOptions.onProviderFailure);
  if (secrets.length === 0 && !asymmetric) throw new Error('configure a JWT secret, a public key file, a JWKS file or URL, or an issuer URL to discover keys from');
  const options = {
    // The user claim is checked below (it need not be `sub`).
    requiredClaims: ['exp'],
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSec,
  };
  const principalOf = (payload: JWTPayload): VerifyResult => {
    const user = userIdAt(payload, config.userClaim);
    if ('problem' in user) return { ok: false, reason: 'invalid', detail: user.problem };
    return { ok: true, principal: { userId: user.userId, expiresAtMs: payload.exp! * 1000, scopes: scopesAt(payload, config.scopesClaim) } };
  };
  const failure = (error: unknown): VerifyResult => ({
    ok: false,
    reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid',
    detail: error instanceof Error ? error.message : String(error),
  });
  return {
    async verify(token) {
      if (!compactJws.test(token)) return { ok: false, reason: 'invalid', detail: 'not a compact JWS' };
      try {
        const header = protectedHeaderOf(token.slice(0, token.indexOf('.')));
        if (header['alg'] === 'HS256' && secrets.length > 0) return principalOf(verifyHs256(token, header, secrets, options));
        if (!asymmetric) throw new joseErrors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
        const verifyOptions = { ...options, algorithms: asymmetric.algorithms };
        const { key } = asymmetric;
        const { payload } = typeof key === 'function' ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
        return principalOf(payload);
      } catch (error) {
        return failure(error);
      }
    },
  };
}

// An identity provider's signing keys by URL: jose's remote JWK set, plus discovery and the last good keys kept through an outage.
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { discoverJwksUri } from './oidc-discovery.js';

export interface RemoteKeysOptions {
  /** The JWKS URL; without it, `issuer`'s discovery document names it. */
  jwksUrl?: string;
  issuer?: string;
  /** Longest wait for the provider (discovery or JWKS), in ms. */
  timeoutMs: number;
  /**
   * Least time between two fetches, in ms: a token with an unknown `kid` refetches the set only when the last fetch
   * is older than this, and a failed fetch is not retried sooner. A flood of made-up `kid`s costs at most one fetch per cooldown.
   */
  cooldownMs: number;
  /** Keys older than this are refetched before use (the old ones still serve if that fails), in ms. */
  maxAgeMs: number;
  /** Told when the provider could not be reached or answered badly (the last good keys keep serving). */
  onFailure?: (error: Error) => void;
}

/** An error of the provider (unreachable, timeout, not a JWKS), as opposed to one of the token (unknown `kid`). */
function isProviderFailure(error: unknown): boolean {
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) return false;
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return true;
  if (error instanceof joseErrors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  return error instanceof TypeError || (error instanceof Error && error.message.startsWith('OIDC discovery'));
}

/**
 * A key resolver for `jwtVerify`: the provider's JWKS, fetched on first use (after discovery when only the issuer
 * is known), cached for `maxAgeMs`, refetched on an unknown `kid` at most once per `cooldownMs` (concurrent
 * misses share one fetch), each fetch bounded by `timeoutMs`. While the provider fails, tokens signed with the
 * keys last fetched are still verified and new `kid`s are refused, until it answers again.
 */
export function createRemoteKeys(options: RemoteKeysOptions): JWTVerifyGetKey {
  if (options.jwksUrl === undefined && options.issuer === undefined) throw new Error('remote keys need a JWKS URL or an issuer to discover it from');
  let remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  let discovering: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  let failedAtMs = -Infinity;

  const remoteSet = (url: string) =>
    createRemoteJWKSet(new URL(url), { timeoutDuration: options.timeoutMs, cooldownDuration: options.cooldownMs, cacheMaxAge: options.maxAgeMs });
  if (options.jwksUrl !== undefined) remote = remoteSet(options.jwksUrl);

  const failed = (error: unknown): void => {
    failedAtMs = Date.now();
    options.onFailure?.(error instanceof Error ? error : new Error(String(error)));
  };
  const coolingAfterFailure = (): boolean => Date.now() < failedAtMs + options.cooldownMs;
  const unavailable = (): Error => new joseErrors.JOSEError('the identity provider\'s keys are not available yet');

  let lastLocal: { jwks: object; keys: JWTVerifyGetKey } | undefined;
  /** The keys last fetched, as a local set; throws when none were ever fetched. */
  const lastGood: JWTVerifyGetKey = (header, token) => {
    const jwks = remote?.jwks();
    if (!jwks) throw unavailable();
    if (lastLocal?.jwks !== jwks) lastLocal = { jwks, keys: createLocalJWKSet(jwks) };
    return lastLocal.keys(header, token);
  };

  const resolveRemote = async (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    if (remote) return remote;
    discovering ??= discoverJwksUri(options.issuer!, options.timeoutMs).then(
      (uri) => (remote = remoteSet(uri)),
      (error: unknown) => {
        discovering = undefined;
        throw error;
      },
    );
    return discovering;
  };

  return async (header, token) => {
    if (coolingAfterFailure()) return lastGood(header, token);
    try {
      return await (await resolveRemote())(header, token);
    } catch (error) {
      if (!isProviderFailure(error)) throw error;
      failed(error);
      return lastGood(header, token);
    }
  };
}

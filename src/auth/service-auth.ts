// Authorizes backends on the HTTP API by scope: an API key (nk_…), the static push token, or a service JWT.
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { ApiKeyScope } from '../store/api-keys.js';
import { bucketOf, type RateLimiter } from '../limits/rate-limiter.js';
import type { ApiKeyCache } from './api-key-cache.js';
import { apiKeyPrefix, hashApiKey } from './api-key.js';
import type { TokenVerifier } from './verifier.js';

/** What a route may require: `push` (writes), `read` (GET routes), `admin` (keys); `admin` holds the other two. */
export type ServiceScope = ApiKeyScope;

/** Who called a service route. */
export interface ServiceCaller {
  kind: 'api-key' | 'push-token' | 'service-jwt';
  /** The key's name, the JWT's user claim, or "push-token". */
  name: string;
  scopes: ReadonlySet<ServiceScope>;
}

/**
 * The one way a service route requires a scope: `const caller = await authorize(request, response, 'push')` first
 * thing in the handler. Throws 401 (no or unknown credential), 403 (a credential without the scope) or 429 (the
 * API key's rate passed, with `Retry-After`); sets the `RateLimit-Policy` / `RateLimit` headers for rate-limited keys.
 */
export type AuthorizeService = (request: IncomingMessage, response: ServerResponse, scope: ServiceScope) => Promise<ServiceCaller>;

/** JWT scopes that make a token a service credential, and what each grants (`notify:push` keeps what it always could). */
export const jwtServiceScopes: Readonly<Record<string, readonly ServiceScope[]>> = {
  'notify:push': ['push', 'read'],
  'notify:read': ['read'],
  'notify:admin': ['admin'],
};

function digest(value: string): Buffer {
  // One-shot hash: no Hash object per request (createHash().update().digest() was ~2.5 % of a push's CPU).
  return hash('sha256', value, 'buffer');
}

/** The service token of a request: `Authorization: Bearer` or `X-Auth-Token`. */
export function serviceTokenOf(request: IncomingMessage): string | undefined {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header !== '') return header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** True when `scopes` grant `needed` (admin grants everything). */
export function grants(scopes: ReadonlySet<ServiceScope>, needed: ServiceScope): boolean {
  return scopes.has(needed) || scopes.has('admin');
}

const everyScope: ReadonlySet<ServiceScope> = new Set(['push', 'read', 'admin']);

export interface ServiceAuthDeps {
  pushToken: string | undefined;
  verifier: TokenVerifier;
  keys: ApiKeyCache;
  limiter: RateLimiter;
  metrics: Pick<Metrics, 'rateLimited'>;
}

function forbidden(scope: ServiceScope): HttpError {
  return new HttpError('forbidden', `This credential lacks the "${scope}" scope`);
}

export function createServiceAuthorizer(deps: ServiceAuthDeps): AuthorizeService {
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  const expected = deps.pushToken === undefined ? undefined : digest(deps.pushToken);
  const pushTokenCaller: ServiceCaller = Object.freeze({ kind: 'push-token', name: 'push-token', scopes: everyScope });

  const byApiKey = async (token: string, response: ServerResponse, scope: ServiceScope): Promise<ServiceCaller | undefined> => {
    const key = deps.keys.lookup(hashApiKey(token));
    if (!key) return undefined;
    deps.keys.noteUse(key.id, Date.now());
    const scopes = new Set(key.scopes);
    if (!grants(scopes, scope)) throw forbidden(scope);
    if (key.rate) {
      const decision = await deps.limiter.take(`key:${key.id}`, bucketOf(key.rate));
      // draft-ietf-httpapi-ratelimit-headers: the policy (quota q per window w seconds) and what is left of it.
      response.setHeader('RateLimit-Policy', `"api-key";q=${key.rate.count};w=${Math.max(1, Math.round(key.rate.periodMs / 1000))}`);
      response.setHeader('RateLimit', `"api-key";r=${decision.remaining};t=${Math.ceil(decision.resetMs / 1000)}`);
      if (!decision.allowed) {
        deps.metrics.rateLimited.labels(key.name).inc();
        response.setHeader('Retry-After', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
        throw new HttpError('rate_limited', `API key "${key.name}" passed its rate of ${key.rate.count} per ${key.rate.periodMs / 1000} s; retry after the Retry-After seconds`);
      }
    }
    return { kind: 'api-key', name: key.name, scopes };
  };

  return async (request, response, scope) => {
    const token = serviceTokenOf(request);
    if (!token) throw new HttpError('unauthorized', 'Service credential required: Authorization: Bearer <API key or token>, or X-Auth-Token');
    // An API key is told apart by its prefix, so the push token's path below costs one string test more.
    if (token.startsWith(apiKeyPrefix)) {
      const caller = await byApiKey(token, response, scope);
      if (caller) return caller;
    }
    if (expected && timingSafeEqual(digest(token), expected)) return pushTokenCaller;
    // Only a JWT with a notify service scope is a service; a user's token is not.
    if (token.split('.').length === 3) {
      const result = await deps.verifier.verify(token);
      if (result.ok) {
        const scopes = new Set([...result.principal.scopes].flatMap((s) => jwtServiceScopes[s] ?? []));
        if (scopes.size > 0) {
          if (!grants(scopes, scope)) throw forbidden(scope);
          return { kind: 'service-jwt', name: result.principal.userId, scopes };
        }
      }
    }
    throw new HttpError('unauthorized', 'Invalid service credential (an unknown or revoked API key, a wrong push token, or a token without a notify scope)');
  };
}

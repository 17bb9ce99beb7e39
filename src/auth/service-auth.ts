// Authenticates backends on the HTTP API: a static push token (constant-time) or a JWT with scope notify:push.
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../errors.js';
import type { TokenVerifier } from './verifier.js';

export const pushScope = 'notify:push';

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

export function createServiceAuthenticator(pushToken: string | undefined, verifier: TokenVerifier): (request: IncomingMessage) => Promise<void> {
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  const expected = pushToken === undefined ? undefined : digest(pushToken);
  return async (request) => {
    const token = serviceTokenOf(request);
    if (!token) throw new HttpError('unauthorized', 'Service token required: Authorization: Bearer <token> or X-Auth-Token');
    if (expected && timingSafeEqual(digest(token), expected)) return;
    // Only a JWT with the push scope is a service; a user's token is not.
    if (token.split('.').length === 3) {
      const result = await verifier.verify(token);
      if (result.ok && result.principal.scopes.has(pushScope)) return;
    }
    throw new HttpError('unauthorized', 'Invalid service token');
  };
}

// The one check of the admin scope (webhook endpoints and dead letters): routes that manage notify itself call only this.
import type { IncomingMessage } from 'node:http';
import { createServiceAuthenticator } from './service-auth.js';
import type { TokenVerifier } from './verifier.js';

/**
 * Admits a caller with the admin scope. Until API keys with scopes exist, the service credential (the static push token,
 * or a JWT with `notify:push`) is what admits one; when scoped keys land, this is the one line that changes.
 */
export function createAdminAuthenticator(pushToken: string | undefined, verifier: TokenVerifier): (request: IncomingMessage) => Promise<void> {
  return createServiceAuthenticator(pushToken, verifier);
}

// Admission of a WebSocket upgrade or an SSE request: credential, cookie origin, token, scopes → principal or a close code.
import type { IncomingMessage } from 'node:http';
import { findCredential } from '../auth/credentials.js';
import { cookieOriginAllowed } from '../auth/origin.js';
import type { Principal } from '../auth/verifier.js';
import { principalOf } from '../auth/user-principal.js';
import type { ConnectionErrorCode } from '../errors.js';
import type { ServerContext } from '../server-context.js';

/** A principal, or the registry error the request is refused with (its close code, or its status for SSE). */
export type Admission = { ok: true; principal: Principal } | { ok: false; error: ConnectionErrorCode };

/** Decides, before any user state exists, whether a request becomes a session or a refusal with a contract code. */
export async function admit(request: IncomingMessage, url: URL, context: Pick<ServerContext, 'config' | 'verifier' | 'logger'>): Promise<Admission> {
  const credential = findCredential(request, url);
  if (!credential) return { ok: false, error: 'access_token_required' };
  if (credential.source === 'cookie' && !cookieOriginAllowed(request, context.config.allowedOrigins)) {
    return { ok: false, error: 'forbidden' };
  }
  return principalOf(credential.token, credential.source, context);
}

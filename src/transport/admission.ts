// Admission of a WebSocket upgrade or an SSE request: credential, cookie origin, token, scopes → principal or a close code.
import type { IncomingMessage } from 'node:http';
import { findCredential } from '../auth/credentials.js';
import { cookieOriginAllowed } from '../auth/origin.js';
import type { Principal } from '../auth/verifier.js';
import { closeCodes, type CloseCode } from '../errors.js';
import type { ServerContext } from '../server-context.js';

export type Admission = { ok: true; principal: Principal } | ({ ok: false } & CloseCode);

/** Decides, before any user state exists, whether a request becomes a session or a refusal with a contract code. */
export async function admit(request: IncomingMessage, url: URL, context: Pick<ServerContext, 'config' | 'verifier'>): Promise<Admission> {
  const credential = findCredential(request, url);
  if (!credential) return { ok: false, ...closeCodes.accessTokenRequired };
  if (credential.source === 'cookie' && !cookieOriginAllowed(request, context.config.allowedOrigins)) {
    return { ok: false, ...closeCodes.forbidden };
  }
  const result = await context.verifier.verify(credential.token);
  if (!result.ok) return { ok: false, ...closeCodes.invalidToken };
  const required = context.config.jwt.requiredScopes;
  if (required.length > 0 && !required.some((scope) => result.principal.scopes.has(scope))) {
    return { ok: false, ...closeCodes.forbidden };
  }
  return { ok: true, principal: result.principal };
}

// A user's token checked as every user route checks it: verified, then the scopes --jwt-required-scope asks for.
import type { Logger } from '../logger.js';
import type { Principal, TokenVerifier } from './verifier.js';

export type UserAdmission = { ok: true; principal: Principal } | { ok: false; error: 'invalid_token' | 'forbidden' };

export interface UserPrincipalDeps {
  config: { jwt: { requiredScopes: readonly string[] } };
  verifier: TokenVerifier;
  logger: Logger;
}

/** The token's principal, or why it is refused; the reason is logged with where the token came from (`source`), never the token. */
export async function principalOf(token: string, source: string, { config, verifier, logger }: UserPrincipalDeps): Promise<UserAdmission> {
  const result = await verifier.verify(token);
  if (!result.ok) {
    logger.info({ source, reason: result.detail }, 'token refused');
    return { ok: false, error: 'invalid_token' };
  }
  const required = config.jwt.requiredScopes;
  if (required.length > 0 && !required.some((scope) => result.principal.scopes.has(scope))) return { ok: false, error: 'forbidden' };
  return { ok: true, principal: result.principal };
}

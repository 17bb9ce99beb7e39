// Mints HS256 JWTs for users and services (dev mode, `notify token`, `notify tail`, tests).
import { SignJWT } from 'jose';

export interface MintOptions {
  secret: string;
  /** The user id (or service name). */
  sub: string;
  /** Lifetime in seconds. */
  ttlSec: number;
  /** Space-separated scopes, e.g. "notify:push". */
  scope?: string;
  issuer?: string;
  audience?: string;
}

export async function mintToken(options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(options.scope ? { scope: options.scope } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + options.ttlSec);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

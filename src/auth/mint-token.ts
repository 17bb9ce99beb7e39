// Mints HS256 JWTs for users and services (dev mode, `notify token`, `notify tail`, tests).
import { SignJWT } from 'jose';

export interface MintOptions {
  secret: string;
  /** The user id (or service name). */
  sub: string;
  /** The claim holding the user id (default `sub`); another name puts the id there and leaves `sub` out. */
  userClaim?: string;
  /** Lifetime in seconds. */
  ttlSec: number;
  /** Space-separated scopes, e.g. "notify:push". */
  scope?: string;
  issuer?: string;
  audience?: string;
}

export async function mintToken(options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claim = options.userClaim ?? 'sub';
  let jwt = new SignJWT({ ...(options.scope ? { scope: options.scope } : {}), ...(claim === 'sub' ? {} : { [claim]: options.sub }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + options.ttlSec);
  if (claim === 'sub') jwt = jwt.setSubject(options.sub);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

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

/** `1h`, `30m`, `45s`, `2d` or plain seconds → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration "${text}"; use e.g. 30s, 15m, 1h, 7d`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

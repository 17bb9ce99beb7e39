// What the reference servers (raw ws, Socket.IO) do to authenticate a connect: verify an HS256 JWT with jose, as notify does.
import { jwtVerify } from 'jose';

/** Verifies `token` against the HS256 secret; answers its `sub`, or undefined when it does not verify. */
export type ReferenceVerifier = (token: string) => Promise<string | undefined>;

export function createReferenceVerifier(secret: string): ReferenceVerifier {
  // The key is imported once, as notify's verifier does: both pay the same per-token cost.
  const key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  };
}

/** The JWT secret a reference server reads from its environment (never its command line). */
export function referenceSecretFromEnv(): string {
  const secret = process.env['BENCH_JWT_SECRET'];
  if (!secret) throw new Error('BENCH_JWT_SECRET is not set');
  return secret;
}

/** The value of query parameter `name` in a request URL, or undefined. */
export function queryParam(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get(name) ?? undefined;
}

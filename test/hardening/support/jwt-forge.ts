// Hand-built JWTs, well-formed or not, signed with node:crypto so that nothing in the way normalizes them.
import { createHmac, createSign, type KeyObject } from 'node:crypto';

export const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');
export const nowSec = (): number => Math.floor(Date.now() / 1000);

/** HMAC-SHA-`bits` of the signing input, base64url. */
export function hmac(signingInput: string, secret: string, bits: 256 | 384 | 512 = 256): string {
  return createHmac(`sha${bits}`, secret).update(signingInput).digest('base64url');
}

export interface ForgeOptions {
  header?: Record<string, unknown>;
  /** Encoded header segment as is (overrides `header`). */
  rawHeader?: string;
  payload?: unknown;
  /** Encoded payload segment as is (overrides `payload`). */
  rawPayload?: string;
  /** HS256 secret, or a function of the signing input; absent = empty signature. */
  sign?: string | ((signingInput: string) => string);
}

/** header.payload.signature with every part under the caller's control. */
export function forge(options: ForgeOptions): string {
  const header = options.rawHeader ?? b64url(JSON.stringify(options.header ?? { alg: 'HS256', typ: 'JWT' }));
  const payload = options.rawPayload ?? b64url(JSON.stringify(options.payload ?? {}));
  const input = `${header}.${payload}`;
  const signature = options.sign === undefined ? '' : typeof options.sign === 'string' ? hmac(input, options.sign) : options.sign(input);
  return `${input}.${signature}`;
}

/** RS256 / ES256 signature of the signing input with a private key, base64url (JOSE form for EC). */
export function signWith(key: KeyObject, algorithm: 'RS256' | 'ES256'): (input: string) => string {
  return (input) => {
    const signer = createSign('SHA256').update(input);
    return algorithm === 'ES256' ? signer.sign({ key, dsaEncoding: 'ieee-p1363' }, 'base64url') : signer.sign(key, 'base64url');
  };
}

/** Standard (non-url) base64 of the same bytes: `+` and `/` instead of `-` and `_`, with padding. */
export function toStandardBase64(segment: string): string {
  return Buffer.from(segment, 'base64url').toString('base64');
}

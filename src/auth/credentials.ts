// Finds the credential of a request: cookie auth_token, query token, query access_token, Authorization Bearer — first present wins.
import type { IncomingMessage } from 'node:http';

export type CredentialSource = 'cookie' | 'query_token' | 'query_access_token' | 'bearer';

export interface Credential {
  source: CredentialSource;
  token: string;
}

/** Value of cookie `name`, or undefined. Cookie values are not decoded beyond %XX (JWTs need none). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value ? safeDecode(value) : undefined;
    }
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The first credential present, in the contract's precedence order; never a mix of two. */
export function findCredential(request: IncomingMessage, url: URL): Credential | undefined {
  const cookie = readCookie(request.headers.cookie, 'auth_token');
  if (cookie) return { source: 'cookie', token: cookie };
  const token = url.searchParams.get('token');
  if (token) return { source: 'query_token', token };
  const accessToken = url.searchParams.get('access_token');
  if (accessToken) return { source: 'query_access_token', token: accessToken };
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return { source: 'bearer', token: match[1]! };
  }
  return undefined;
}

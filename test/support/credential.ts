// Puts a test token where a client of the given kind sends it (query, cookie or Authorization header).
export type CredentialVia = 'query_token' | 'query_access_token' | 'cookie' | 'bearer';

export function applyCredential(url: URL, headers: Record<string, string>, token: string | undefined, via: CredentialVia = 'query_token'): void {
  if (token === undefined) return;
  if (via === 'query_token') url.searchParams.set('token', token);
  if (via === 'query_access_token') url.searchParams.set('access_token', token);
  if (via === 'cookie') headers['cookie'] = `auth_token=${token}`;
  if (via === 'bearer') headers['authorization'] = `Bearer ${token}`;
}

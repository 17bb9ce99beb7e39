// OpenID Connect discovery: an issuer URL → its `jwks_uri`, read from `/.well-known/openid-configuration`.

/** The discovery document's URL for `issuer` (OpenID Connect Discovery 1.0 §4: the issuer, a slash, the well-known path). */
function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Fetches the issuer's discovery document and answers its `jwks_uri`. Rejects, with a message naming the URL,
 * when the fetch fails or times out, the answer is not 200 JSON, its `issuer` is not exactly `issuer` (§4.3:
 * a document for another issuer must not be used), or `jwks_uri` is not an http(s) URL.
 */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const url = discoveryUrl(issuer);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Error(`OIDC discovery at ${url} failed: ${(error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message}`);
  }
  if (response.status !== 200) throw new Error(`OIDC discovery at ${url} answered ${response.status}`);
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    document = (await response.json()) as typeof document;
  } catch {
    throw new Error(`OIDC discovery at ${url} did not answer JSON`);
  }
  if (document.issuer !== issuer) throw new Error(`OIDC discovery at ${url} names issuer ${JSON.stringify(document.issuer)}, not ${JSON.stringify(issuer)}`);
  const jwksUri = document.jwks_uri;
  if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw new Error(`OIDC discovery at ${url} has no http(s) jwks_uri`);
  return jwksUri;
}

// GET /api/v1/display-templates: the catalog's display templates, for pages without generated code; public, cached by ETag.
import type { ServerContext } from '../server-context.js';
import { displayTemplatesPath } from '../client/display-fetch.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import type { Router } from './router.js';

/** True when `If-None-Match` names `etag` (weak comparison, as GET allows) or is `*`. */
function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * The templates are the contract's, not user data: no credential. They change only with the contract, whose hash
 * (which covers notify's generator too) is the ETag; `no-cache` makes caches revalidate, answered 304 while current.
 */
export function addDisplayTemplatesRoute(router: Router, context: ServerContext): void {
  const body = Buffer.from(JSON.stringify(context.catalog.displayTemplates));
  const etag = `"${context.catalog.contractHash}"`;
  const { allowedOrigins } = context.config;
  router.on('GET', displayTemplatesPath, ({ request, response }) => {
    const headers = { etag, 'cache-control': 'no-cache', ...corsHeaders(request, allowedOrigins) };
    if (etagMatches(request.headers['if-none-match'], etag)) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, ...headers }).end(body);
  });
  router.on('OPTIONS', displayTemplatesPath, ({ request, response }) => {
    response.writeHead(204, preflightHeaders(request, allowedOrigins, ['GET', 'HEAD'], ['If-None-Match'])).end();
  });
}

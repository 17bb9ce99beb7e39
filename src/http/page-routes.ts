// The notification-center page at `/` (built into dist/web/), and in dev/demo mode a demo user signed in by cookie.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { readCookie } from '../auth/credentials.js';
import { mintToken } from '../auth/mint-token.js';
import { cookieOriginAllowed } from '../auth/origin.js';
import { demoIntervalBoundsSec } from '../demo/demo-mode.js';
import { HttpError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { ServerContext } from '../server-context.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { sendJson, type Router } from './router.js';

/** The user the page signs in as in dev and demo mode. */
export const demoUserId = 'demo';
/** Lifetime of the demo user's token and cookie, in seconds; the page signs in again when it expires. */
export const demoTokenTtlSec = 12 * 60 * 60;
/** Where `npm run build` puts the bundled page and the elements' browser bundle. */
export const pageDir = path.join(packageRoot, 'dist', 'web');
/** The browser bundle of notify/elements (the client included), served at {@link elementsBundlePath}. */
export const elementsBundleFile = 'notify-elements.js';
/** The stable path of the elements' bundle, for an app's `<script type="module" src="https://notify.example.com/assets/notify-elements.js">`. */
export const elementsBundlePath = `/assets/${elementsBundleFile}`;

/** What the page learns from the server, embedded in its HTML. */
export interface PageConfig {
  /** Demo mode: the default pace and the bounds of the frequency control; null when off. */
  demo: { intervalSec: number; minSec: number; maxSec: number } | null;
  /** True when POST /demo/sign-in can (re)issue the demo user's cookie. */
  signIn: boolean;
  /** Every notification type of the contract, for the per-type counters. */
  types: readonly string[];
}

const configMarker = '__NOTIFY_PAGE_CONFIG__';
const assets: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  [elementsBundleFile]: 'text/javascript; charset=utf-8',
  [`${elementsBundleFile}.map`]: 'application/json; charset=utf-8',
};
/** Assets an app's page on another origin loads (a module script is fetched with CORS). */
const crossOriginAssets = new Set([elementsBundleFile, `${elementsBundleFile}.map`]);
const pageHeaders = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const htmlHeaders = {
  ...pageHeaders,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

/** True when the page may sign a demo user in: dev or demo mode, with an HS256 secret to mint with. */
export function demoSignInEnabled(context: ServerContext): boolean {
  const { config } = context;
  return (config.devMode || config.demoIntervalSec !== undefined) && config.jwt.secret !== undefined;
}

/** A `Set-Cookie` value carrying a fresh token for the demo user. */
async function demoCookie(context: ServerContext): Promise<{ cookie: string; expiresAt: string }> {
  const { jwt } = context.config;
  const token = await mintToken({
    secret: jwt.secret as string,
    sub: demoUserId,
    ttlSec: demoTokenTtlSec,
    ...(jwt.requiredScopes[0] === undefined ? {} : { scope: jwt.requiredScopes[0] }),
    ...(jwt.issuer === undefined ? {} : { issuer: jwt.issuer }),
    ...(jwt.audience === undefined ? {} : { audience: jwt.audience }),
  });
  return {
    cookie: `auth_token=${token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${demoTokenTtlSec}`,
    expiresAt: new Date(Date.now() + demoTokenTtlSec * 1000).toISOString(),
  };
}

async function hasValidCookie(request: IncomingMessage, context: ServerContext): Promise<boolean> {
  const token = readCookie(request.headers.cookie, 'auth_token');
  return token !== undefined && (await context.verifier.verify(token)).ok;
}

async function readPageFile(name: string): Promise<string> {
  try {
    return await readFile(path.join(pageDir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError('not_ready', `The page is not built (no ${path.join('dist', 'web', name)}); run npm run build`);
    throw error;
  }
}

function pageConfig(context: ServerContext): PageConfig {
  const interval = context.config.demoIntervalSec;
  return {
    demo: interval === undefined ? null : { intervalSec: interval, minSec: demoIntervalBoundsSec.min, maxSec: demoIntervalBoundsSec.max },
    signIn: demoSignInEnabled(context),
    types: context.catalog.notificationTypes,
  };
}

async function sendPage(request: IncomingMessage, response: ServerResponse, context: ServerContext): Promise<void> {
  const template = await readPageFile('index.html');
  // `<` escaped so no value can close the <script> element the JSON sits in.
  const json = JSON.stringify(pageConfig(context)).replace(/</g, '\\u003c');
  const html = template.replace(configMarker, json);
  const headers: Record<string, string> = { ...htmlHeaders };
  if (demoSignInEnabled(context) && !(await hasValidCookie(request, context))) headers['set-cookie'] = (await demoCookie(context)).cookie;
  response.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(html)) });
  response.end(request.method === 'HEAD' ? undefined : html);
}

/**
 * `GET /` serves the page with its {@link PageConfig}; `GET /assets/app.js|app.css` its bundle; `GET /assets/notify-elements.js`
 * the elements' bundle, readable from the origins `--allowed-origins` lists (CORS, preflight included).
 * In dev or demo mode `GET /` sets the `auth_token` cookie (HttpOnly, SameSite=Lax, Path=/) for the
 * user {@link demoUserId} when the request has no valid one, and `POST /demo/sign-in` renews it, so
 * the page connects over the same-origin cookie credential. Elsewhere the page relies on the cookie
 * the host application sets, and /demo/sign-in is 404.
 */
export function addPageRoutes(router: Router, context: ServerContext): void {
  router.on('GET', '/', ({ request, response }) => sendPage(request, response, context));
  router.on('GET', '/index.html', ({ request, response }) => sendPage(request, response, context));
  router.on('GET', '/assets/:file', async ({ request, response, params }) => {
    const file = params['file'] ?? '';
    const type = assets[file];
    if (type === undefined) throw new HttpError('not_found', `No asset ${file}`);
    const body = await readPageFile(file);
    const cors = crossOriginAssets.has(file) ? corsHeaders(request, context.config.allowedOrigins) : {};
    response.writeHead(200, { ...pageHeaders, ...cors, 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  router.on('OPTIONS', '/assets/:file', ({ request, response, params }) => {
    if (!crossOriginAssets.has(params['file'] ?? '')) throw new HttpError('not_found', `No asset ${params['file'] ?? ''} for other origins`);
    response.writeHead(204, preflightHeaders(request, context.config.allowedOrigins, ['GET', 'HEAD'], [])).end();
  });
  router.on('POST', '/demo/sign-in', async ({ request, response }) => {
    if (!demoSignInEnabled(context)) throw new HttpError('not_found', 'Demo sign-in is only available in dev or demo mode with an HS256 secret');
    if (!cookieOriginAllowed(request, context.config.allowedOrigins, false)) throw new HttpError('forbidden', 'Sign-in is only accepted from the page\'s own origin');
    const { cookie, expiresAt } = await demoCookie(context);
    sendJson(response, 200, { userId: demoUserId, expiresAt }, { 'set-cookie': cookie, 'cache-control': 'no-store' });
  });
}

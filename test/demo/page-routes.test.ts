// The page routes over HTTP: the page and its assets, and the demo user's cookie (set only in dev/demo mode, usable on the WebSocket).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId } from '../../src/http/page-routes.js';
import { ensurePageBuilt } from '../browser/support.js';
import { startServer, type TestServer } from '../support/server.js';
import { connect } from '../support/ws-client.js';

let server: TestServer | undefined;

beforeAll(() => ensurePageBuilt());

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function embeddedConfig(html: string): { demo: { intervalSec: number } | null; signIn: boolean; types: string[] } {
  const match = /<script id="notify-page-config" type="application\/json">(.*?)<\/script>/s.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

function authCookie(response: Response): string | undefined {
  const header = response.headers.get('set-cookie');
  return header?.startsWith('auth_token=') ? header : undefined;
}

describe('the page in demo mode', () => {
  it('serves / with its config and signs the demo user in with an HttpOnly, SameSite=Lax cookie', async () => {
    server = await startServer({ demoIntervalSec: 2 });
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const config = embeddedConfig(await response.text());
    expect(config).toMatchObject({ demo: { intervalSec: 2, minSec: 1, maxSec: 30 }, signIn: true });
    expect(config.types).toContain('product_expiry');
    const cookie = authCookie(response);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);

    // The cookie is a real credential on the same-origin WebSocket path.
    const token = /^auth_token=([^;]+)/.exec(cookie!)![1]!;
    const client = await connect(server.wsUrl, { token, via: 'cookie', origin: server.url });
    const established = await client.nextOfType('connection_established');
    expect(established.data.userId).toBe(demoUserId);
    await client.close();

    // A request that already has a valid cookie keeps it.
    const again = await fetch(`${server.url}/`, { headers: { cookie: `auth_token=${token}` } });
    expect(authCookie(again)).toBeUndefined();
  });

  it('renews the cookie on POST /demo/sign-in from its own origin only', async () => {
    server = await startServer({ demoIntervalSec: 3 });
    const ok = await fetch(`${server.url}/demo/sign-in`, { method: 'POST', headers: { origin: server.url } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ userId: demoUserId });
    expect(authCookie(ok)).toMatch(/HttpOnly/);
    const foreign = await fetch(`${server.url}/demo/sign-in`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(authCookie(foreign)).toBeUndefined();
  });

  it('serves the bundle and nothing else under /assets/', async () => {
    server = await startServer({ demoIntervalSec: 3 });
    const js = await fetch(`${server.url}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const css = await fetch(`${server.url}/assets/app.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${server.url}/assets/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/index.html`)).status).toBe(404);
  });

  it('serves the elements bundle at /assets/notify-elements.js, readable (CORS, preflight) from the allowed origins only', async () => {
    const app = 'https://app.example.com';
    server = await startServer({ allowedOrigins: [app] });
    const bundle = await fetch(`${server.url}/assets/notify-elements.js`, { headers: { origin: app } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.headers.get('access-control-allow-origin')).toBe(app);
    expect(bundle.headers.get('vary')).toBe('Origin');
    expect(await bundle.text()).toContain('notify-inbox');
    const foreign = await fetch(`${server.url}/assets/notify-elements.js`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/assets/notify-elements.js`, { method: 'OPTIONS', headers: { origin: app, 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(app);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    // The page's own assets stay same-origin.
    expect((await fetch(`${server.url}/assets/app.js`, { headers: { origin: app } })).headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(`${server.url}/assets/app.js`, { method: 'OPTIONS', headers: { origin: app } })).status).toBe(404);
  });
});

describe('the page outside demo mode', () => {
  it('signs in in dev mode (generated secrets) without the demo controls', async () => {
    server = await startServer({ devMode: true });
    const response = await fetch(`${server.url}/`);
    expect(embeddedConfig(await response.text())).toMatchObject({ demo: null, signIn: true });
    expect(authCookie(response)).toBeDefined();
  });

  it('never mints a cookie with configured secrets: the host application signs users in', async () => {
    server = await startServer();
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(embeddedConfig(await response.text())).toMatchObject({ demo: null, signIn: false });
    expect(authCookie(response)).toBeUndefined();
    const signIn = await fetch(`${server.url}/demo/sign-in`, { method: 'POST' });
    expect(signIn.status).toBe(404);
    expect(authCookie(signIn)).toBeUndefined();
  });
});

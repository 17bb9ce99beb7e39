// GET /api/v1/display-templates over real HTTP: the catalog's templates without a credential, ETag / 304, CORS for
// --allowed-origins (preflight included); every answer checked against generated/openapi.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInCatalog } from '../../src/catalog/catalog.js';
import { fetchDisplayTemplates, renderDisplay } from '../../src/client/index.js';
import { OpenApiResponseChecker } from '../support/openapi-responses.js';
import { startServer, type TestServer } from '../support/server.js';

const openApi = new OpenApiResponseChecker();
const fetch = openApi.fetch;
const allowed = 'https://app.example.com';
let server: TestServer;
let url: string;

beforeAll(async () => {
  server = await startServer({ allowedOrigins: [allowed] });
  url = `${server.url}/api/v1/display-templates`;
});

afterAll(async () => {
  await server.close();
  // Every answer openapi.json documents for this route was seen (and validated) here.
  expect(openApi.documentedAnswers().filter((a) => a.includes('/api/v1/display-templates') && !openApi.seen.has(a))).toEqual([]);
});

describe('GET /api/v1/display-templates', () => {
  it("answers every type's templates with no credential, ETag from the contract hash, revalidated on every use", async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('etag')).toBe(`"${builtInCatalog.contractHash}"`);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual(builtInCatalog.displayTemplates);
    expect(Object.keys(body)).toEqual([...builtInCatalog.notificationTypes]);
  });

  it('answers 304 with no body to a client holding the current copy, 200 to one holding another', async () => {
    const etag = `"${builtInCatalog.contractHash}"`;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"sha256:old", ${etag}`, '*']) {
      const response = await fetch(url, { headers: { 'if-none-match': ifNoneMatch } });
      expect(response.status, ifNoneMatch).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect(await response.text()).toBe('');
    }
    const stale = await fetch(url, { headers: { 'if-none-match': '"sha256:old"' } });
    expect(stale.status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await globalThis.fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${builtInCatalog.contractHash}"`);
    expect(await response.text()).toBe('');
  });

  it('lets an allowed origin read it (CORS), and no other', async () => {
    const fromApp = await fetch(url, { headers: { origin: allowed } });
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(fromApp.headers.get('vary')).toBe('Origin');
    const fromElsewhere = await fetch(url, { headers: { origin: 'https://evil.example.com' } });
    expect(fromElsewhere.status).toBe(200);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(fromElsewhere.headers.get('vary')).toBe('Origin');
    // The 304 carries it too, or a cross-origin revalidation would be unreadable.
    const revalidated = await fetch(url, { headers: { origin: allowed, 'if-none-match': `"${builtInCatalog.contractHash}"` } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('access-control-allow-origin')).toBe(allowed);
  });

  it('answers a preflight for an allowed origin, and gives another nothing to go on', async () => {
    const preflight = { 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' };
    const ok = await fetch(url, { method: 'OPTIONS', headers: { origin: allowed, ...preflight } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    expect(ok.headers.get('access-control-allow-headers')).toBe('If-None-Match');
    const refused = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', ...preflight } });
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('is what fetchDisplayTemplates of notify/client reads and renderDisplay renders, with the server URL in any form', async () => {
    for (const base of [server.url, `${server.url}/`, server.wsUrl]) {
      const templates = await fetchDisplayTemplates(base);
      expect(templates).toEqual(builtInCatalog.displayTemplates);
    }
    const templates = await fetchDisplayTemplates(server.url);
    const shown = renderDisplay(templates, { type: 'error', data: { title: 'Export failed', message: 'No CSV.', errorCode: 503, retryAllowed: true } }, 'de');
    expect(shown).toEqual({ title: 'Export failed', body: 'No CSV. (Fehler 503)', lang: 'de' });
    await expect(fetchDisplayTemplates(`${server.url}/nowhere`)).rejects.toThrow(/answered 404/);
  });
});

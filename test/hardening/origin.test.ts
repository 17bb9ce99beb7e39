// Origin policy and credential precedence: a cookie is honoured only from allowed Origins; query and header
// tokens are not cookie-bound; when several credentials come, the first in precedence order decides alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { connect } from '../support/ws-client.js';
import { rawConnect, textFrames } from './support/raw-ws.js';

type Via = 'cookie' | 'query_token' | 'query_access_token' | 'bearer';

/** 'open:<userId>' when admitted, else the close code. */
async function outcome(server: TestServer, headers: Record<string, string>, query = ''): Promise<string | number> {
  const client = await connect(`${server.wsUrl}${query}`, { headers });
  const result = await Promise.race([
    client.closed.then((c) => c.code),
    client.nextOfType('connection_established', 5000).then((f) => `open:${f.data.userId as string}`),
  ]);
  await client.close();
  return result;
}

/** Headers and query string carrying `token` in `via`. */
function carry(via: Via, token: string): { headers: Record<string, string>; query: string } {
  switch (via) {
    case 'cookie':
      return { headers: { cookie: `auth_token=${token}` }, query: '' };
    case 'bearer':
      return { headers: { authorization: `Bearer ${token}` }, query: '' };
    case 'query_token':
      return { headers: {}, query: `?token=${token}` };
    case 'query_access_token':
      return { headers: {}, query: `?access_token=${token}` };
  }
}

/** SSE status for a cookie credential with these headers. */
async function sseStatus(server: TestServer, headers: Record<string, string>, query = ''): Promise<number> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/notifications/stream${query}`, { headers, signal: controller.signal });
  controller.abort();
  return response.status;
}

describe('cookie credential, default policy (same origin only)', () => {
  let server: TestServer;
  let cookie: Record<string, string>;
  let own: string;

  beforeAll(async () => {
    server = await startServer();
    cookie = { cookie: `auth_token=${await server.mintUserToken('alice')}` };
    own = server.url; // http://127.0.0.1:PORT
  });
  afterAll(() => server.close());

  it('accepts the server\'s own origin, and no Origin at all (non-browser clients)', async () => {
    expect(await outcome(server, { ...cookie, origin: own })).toBe('open:alice');
    expect(await outcome(server, cookie)).toBe('open:alice');
  });

  it.each([
    ['a foreign site', 'https://evil.example'],
    ['the opaque origin "null"', 'null'],
    ['the own host as a prefix of another domain', () => `${own}.evil.com`],
    ['the own host over https', () => own.replace('http:', 'https:')],
    ['the own host on another port', () => own.replace(/:\d+$/, ':1')],
    ['an upper-case scheme', () => own.replace('http:', 'HTTP:')],
    ['a trailing slash', () => `${own}/`],
    ['localhost for 127.0.0.1', () => own.replace('127.0.0.1', 'localhost')],
    ['two Origin values', () => `${own}, https://evil.example`],
  ] as [string, string | (() => string)][])('refuses %s with 4003', async (_name, origin) => {
    expect(await outcome(server, { ...cookie, origin: typeof origin === 'string' ? origin : origin() })).toBe(4003);
  });

  it('behind a TLS-terminating proxy (X-Forwarded-Proto: https), the own origin is https: the same host over http is refused', async () => {
    const behindTls = { ...cookie, 'x-forwarded-proto': 'https' };
    expect(await outcome(server, { ...behindTls, origin: own.replace('http:', 'https:') })).toBe('open:alice');
    expect(await outcome(server, { ...behindTls, origin: own })).toBe(4003);
  });

  it('refuses a cookie sent by a browser from another site without an Origin (Sec-Fetch-Site), on the socket and the stream', async () => {
    expect(await outcome(server, { ...cookie, 'sec-fetch-site': 'cross-site' })).toBe(4003);
    expect(await outcome(server, { ...cookie, 'sec-fetch-site': 'same-site' })).toBe(4003);
    expect(await outcome(server, { ...cookie, 'sec-fetch-site': 'same-origin' })).toBe('open:alice');
    // An <img> or <script> pointing at the stream carries cookies but no Origin.
    expect(await sseStatus(server, { ...cookie, 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await sseStatus(server, { ...cookie, 'sec-fetch-site': 'same-origin' })).toBe(200);
  });

  it('the SSE stream applies the same Origin policy to cookies', async () => {
    expect(await sseStatus(server, { ...cookie, origin: 'https://evil.example' })).toBe(403);
    expect(await sseStatus(server, { ...cookie, origin: own })).toBe(200);
  });
});

describe('cookie credential with --allowed-origins https://app.example.com', () => {
  let server: TestServer;
  let cookie: Record<string, string>;

  beforeAll(async () => {
    server = await startServer({ allowedOrigins: ['https://app.example.com'] });
    cookie = { cookie: `auth_token=${await server.mintUserToken('alice')}` };
  });
  afterAll(() => server.close());

  it('accepts the listed origin', async () => {
    expect(await outcome(server, { ...cookie, origin: 'https://app.example.com' })).toBe('open:alice');
  });

  it.each([
    'https://evil.example',
    'null',
    'https://app.example.com.evil.com',
    'http://app.example.com',
    'https://APP.example.com',
    'https://evil.app.example.com',
    'https://app.example.com:8443',
    'https://app.example.co',
  ])('refuses %s with 4003', async (origin) => {
    expect(await outcome(server, { ...cookie, origin })).toBe(4003);
  });

  it('the server\'s own origin is not implicitly allowed once a list is given', async () => {
    expect(await outcome(server, { ...cookie, origin: server.url })).toBe(4003);
  });
});

describe('query and header tokens are not cookie-bound', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ allowedOrigins: ['https://app.example.com'] });
  });
  afterAll(() => server.close());

  it.each(['query_token', 'query_access_token', 'bearer'] as const)('%s is accepted from any Origin (a page can only send a token it already holds)', async (via) => {
    const { headers, query } = carry(via, await server.mintUserToken('alice'));
    for (const origin of ['https://evil.example', 'null']) expect(await outcome(server, { ...headers, origin }, query)).toBe('open:alice');
  });

  it('a foreign page that adds a query token still cannot ride the victim\'s cookie: the cookie decides, and is refused', async () => {
    const victim = await server.mintUserToken('victim');
    const attacker = await server.mintUserToken('attacker');
    expect(await outcome(server, { cookie: `auth_token=${victim}`, origin: 'https://evil.example' }, `?token=${attacker}`)).toBe(4003);
    expect(await sseStatus(server, { cookie: `auth_token=${victim}`, origin: 'https://evil.example' }, `?token=${attacker}`)).toBe(403);
  });
});

describe('conflicting credentials: the first present in precedence order decides, never a mix', () => {
  const order: Via[] = ['cookie', 'query_token', 'query_access_token', 'bearer'];
  const pairs = order.flatMap((first, i) => order.slice(i + 1).map((second) => [first, second] as const));
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  function combine(a: ReturnType<typeof carry>, b: ReturnType<typeof carry>): { headers: Record<string, string>; query: string } {
    const query = [a.query, b.query].filter(Boolean).map((q, i) => (i === 0 ? q : q.replace('?', '&'))).join('');
    return { headers: { ...a.headers, ...b.headers }, query };
  }

  it.each(pairs)('%s for A beats %s for B', async (first, second) => {
    const { headers, query } = combine(carry(first, await server.mintUserToken('A')), carry(second, await server.mintUserToken('B')));
    expect(await outcome(server, headers, query)).toBe('open:A');
  });

  it.each(pairs)('a bad %s is not rescued by a good %s (4001)', async (first, second) => {
    const { headers, query } = combine(carry(first, 'garbage.token.value'), carry(second, await server.mintUserToken('B')));
    expect(await outcome(server, headers, query)).toBe(4001);
  });

  it('repeated values: the first ?token=, the first auth_token cookie, the first Authorization header', async () => {
    const [a, b] = [await server.mintUserToken('A'), await server.mintUserToken('B')];
    expect(await outcome(server, {}, `?token=${a}&token=${b}`)).toBe('open:A');
    expect(await outcome(server, { cookie: `theme=dark; auth_token=${a}; auth_token=${b}` })).toBe('open:A');
    // Two Authorization headers on the wire (a fetch API would merge them; this is raw HTTP).
    const raw = await rawConnect({ port: server.server.port, path: '/api/v1/notifications', headers: { Authorization: `Bearer ${a}\r\nAuthorization: Bearer ${b}` } });
    await raw.waitFor((f) => f.opcode === 1);
    expect(textFrames(raw)[0]).toMatchObject({ type: 'connection_established', data: { userId: 'A' } });
    raw.destroy();
  });

  it('an empty cookie or an empty query value counts as absent; a non-Bearer Authorization is no credential', async () => {
    const b = await server.mintUserToken('B');
    expect(await outcome(server, { cookie: 'auth_token=' }, `?token=${b}`)).toBe('open:B');
    expect(await outcome(server, {}, `?token=&access_token=${b}`)).toBe('open:B');
    expect(await outcome(server, { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })).toBe(1008);
    expect(await outcome(server, { authorization: `Bearer ${b} extra` })).toBe(1008);
  });
});

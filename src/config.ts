// The one typed configuration of a notify server; units are in the names.

/** Where notifications are kept: `sqlite:PATH`, `memory`, or a `postgres://` URL. */
export type StoreUrl = string;
/** How nodes share pushes: `local` (this process only), a `redis://` URL, `redis+sentinel://…?name=…` or `redis+cluster://…`. */
export type BusUrl = string;

export interface JwtConfig {
  /**
   * HS256 secret, at least 32 bytes: accepted, and what notify itself signs with (dev mode, the demo page).
   * Any number of HS256 secrets may sit beside at most one source of public keys (publicKeyFile, jwksFile,
   * jwksUrl, or the issuer's discovery); a token's `alg` decides which verifies it.
   */
  secret?: string;
  /** More HS256 secrets accepted (at least 32 bytes each), e.g. the previous one while a secret is rotated. */
  additionalSecrets?: string[];
  /** PEM (SPKI) public key for RS256 / ES256 / EdDSA. */
  publicKeyFile?: string;
  /** A JSON Web Key Set file; the token's `kid` selects the key. */
  jwksFile?: string;
  /** The identity provider's JWKS URL, fetched and cached (see jwksCooldownMs, jwksTimeoutMs, jwksMaxAgeMs). */
  jwksUrl?: string;
  /**
   * Required `iss`. With no key configured at all and an http(s) URL here, the keys are found by OpenID Connect
   * discovery (`<issuer>/.well-known/openid-configuration` → `jwks_uri`).
   */
  issuer?: string;
  audience?: string;
  /** The claim (a name, or a dotted path) holding the user id; default `sub`. */
  userClaim: string;
  /** The claim (a name, or a dotted path such as `realm_access.roles`) holding roles or scopes; default: `scope`, `scp` and `roles`. */
  scopesClaim?: string;
  /** Least time between two fetches of remote keys, in ms: an unknown `kid` refetches at most this often. */
  jwksCooldownMs: number;
  /** Longest wait for the identity provider per fetch, in ms. */
  jwksTimeoutMs: number;
  /** Remote keys older than this are refetched before use, in ms. */
  jwksMaxAgeMs: number;
  /** Accepted clock skew for exp / nbf, in seconds. */
  clockToleranceSec: number;
  /** Roles or scopes a user token must carry (any one of them) to connect; empty = none required. */
  requiredScopes: string[];
}

/** Webhook delivery (see docs/webhooks.md). */
export interface WebhookConfig {
  /** Also allow `http:` URLs and loopback, private and link-local addresses (tests, local use); off in production. */
  allowLocal: boolean;
  /** One attempt's limit: connect, send and the answer's status. */
  timeoutMs: number;
  /** The first retry comes after about this long; each next one after twice as long (with jitter), at most `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** An event still failing this long after it happened (or was replayed) is dead-lettered. */
  retryWindowMs: number;
  /** An endpoint that has failed every attempt for this long is disabled (logged with the reason). */
  disableAfterMs: number;
  /** How often each node looks for due events (a change on this node wakes it at once). */
  pollIntervalMs: number;
}

export interface NotifyConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  store: StoreUrl;
  bus: BusUrl;
  /** PostgreSQL store only: the schema holding the tables (default 'public'). */
  pgSchema?: string;
  /** Redis bus only: the pub/sub channel every node of one deployment shares (default 'notify:bus'). */
  redisChannel?: string;
  jwt: JwtConfig;
  /** Static service token for the HTTP push API (compared in constant time); it holds every scope, admin included. */
  pushToken?: string;
  /** How often each server polls the store for created or revoked API keys, in ms (revocation is seen within it). */
  apiKeyRefreshMs: number;
  /** How often the last use of API keys is written to the store, in ms (one batched write, not one per request). */
  apiKeyUseFlushMs: number;
  /** Most notifications one user may be pushed per minute (direct and multi-user pushes); undefined = no cap. */
  userCapPerMinute?: number;
  /** Origins allowed to use the cookie credential; empty = same origin as the server only. */
  allowedOrigins: string[];
  maxConnectionsPerUser: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  writeTimeoutMs: number;
  maxPayloadBytes: number;
  /** A socket whose unsent bytes pass this is closed with 1013. */
  maxBufferedBytes: number;
  /** Client frames allowed per second per socket before close 1008. */
  clientMessagesPerSecond: number;
  /** Largest REST body accepted, in bytes (413 past it). */
  maxBodyBytes: number;
  /**
   * Connections the kernel queues for accept() on the listening socket (listen(2) backlog); Linux caps it at
   * net.core.somaxconn. A restart makes every client reconnect at once: past the queue, SYNs are dropped and wait
   * for TCP's 1–3 s retransmit.
   */
  listenBacklog: number;
  /** On shutdown, how long readiness answers 503 (so a load balancer stops routing) before sockets get 1001. */
  shutdownDrainMs: number;
  /** Page size of the unread snapshot and the default load_more page. */
  pageSize: number;
  /** Notifications older than this are pruned; resume past them answers resumed=false. */
  retentionDays: number;
  /**
   * The contract whose catalog the server runs on (default: the built-in catalog). Its precompiled output must be
   * in `generatedDir` (default: `generated/` beside it) and match it; the server refuses to start otherwise.
   */
  contract?: string;
  generatedDir?: string;
  /** Demo mode: seconds between sample notifications, or undefined when off. */
  demoIntervalSec?: number;
  logLevel: string;
  /** Dev mode: secrets were generated under ./.notify/ (no configuration given). */
  devMode: boolean;
  /** Directory of dev-mode files (secret, push token, SQLite). */
  stateDir: string;
  webhooks: WebhookConfig;
}

export const defaultConfig: Readonly<NotifyConfig> = {
  host: '127.0.0.1',
  port: 8080,
  store: 'sqlite:./.notify/notify.db',
  bus: 'local',
  jwt: { clockToleranceSec: 5, requiredScopes: [], userClaim: 'sub', jwksCooldownMs: 30_000, jwksTimeoutMs: 5000, jwksMaxAgeMs: 600_000 },
  apiKeyRefreshMs: 500,
  apiKeyUseFlushMs: 1000,
  allowedOrigins: [],
  maxConnectionsPerUser: 10,
  pingIntervalMs: 54_000,
  pongTimeoutMs: 60_000,
  writeTimeoutMs: 10_000,
  maxPayloadBytes: 64 * 1024,
  maxBufferedBytes: 1024 * 1024,
  clientMessagesPerSecond: 50,
  maxBodyBytes: 64 * 1024,
  listenBacklog: 4096,
  shutdownDrainMs: 0,
  pageSize: 20,
  retentionDays: 30,
  logLevel: 'info',
  devMode: false,
  stateDir: './.notify',
  webhooks: {
    allowLocal: false,
    timeoutMs: 10_000,
    retryBaseMs: 5_000,
    retryMaxMs: 60 * 60 * 1000,
    retryWindowMs: 24 * 60 * 60 * 1000,
    disableAfterMs: 5 * 24 * 60 * 60 * 1000,
    pollIntervalMs: 250,
  },
};

/** True when no key is configured but the issuer is an http(s) URL: its keys come from OpenID Connect discovery. */
export function discoversKeys(jwt: JwtConfig): boolean {
  const keyed = jwt.secret !== undefined || (jwt.additionalSecrets?.length ?? 0) > 0 || jwt.publicKeyFile !== undefined || jwt.jwksFile !== undefined || jwt.jwksUrl !== undefined;
  return !keyed && jwt.issuer !== undefined && /^https?:\/\//.test(jwt.issuer);
}

/** True when some way to verify user tokens is configured (else dev mode generates a secret). */
export function hasJwtKeys(jwt: JwtConfig): boolean {
  return jwt.secret !== undefined || (jwt.additionalSecrets?.length ?? 0) > 0 || jwt.publicKeyFile !== undefined || jwt.jwksFile !== undefined || jwt.jwksUrl !== undefined || discoversKeys(jwt);
}

/** A full config from defaults and overrides (tests pass only what they care about). */
export function makeConfig(overrides: Partial<Omit<NotifyConfig, 'jwt' | 'webhooks'>> & { jwt?: Partial<JwtConfig>; webhooks?: Partial<WebhookConfig> } = {}): NotifyConfig {
  return { ...defaultConfig, ...overrides, jwt: { ...defaultConfig.jwt, ...overrides.jwt }, webhooks: { ...defaultConfig.webhooks, ...overrides.webhooks } };
}

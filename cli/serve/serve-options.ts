// `notify serve` options: flags backed by NOTIFY_* env vars (flags win over env, env over defaults) → NotifyConfig.
import { contractOption } from '../support/contract-option.js';
import { Command, Option } from 'commander';
import { defaultConfig, makeConfig, type NotifyConfig } from '../../src/config.js';
import { integer } from '../support/parsers.js';
import { pgSchemaOption, storeOption, storeUrl } from '../support/store-options.js';
import { usageError } from '../support/usage.js';

export interface ServeFlags {
  port: number;
  host: string;
  store?: string;
  bus: string;
  pgSchema?: string;
  redisChannel?: string;
  workers: number;
  jwtSecret?: string[];
  jwtPublicKey?: string;
  jwks?: string;
  jwtJwksUrl?: string;
  jwtJwksCooldownMs: number;
  jwtUserClaim: string;
  jwtScopesClaim?: string;
  userCapPerMinute?: number;
  apiKeyRefreshMs: number;
  jwtIssuer?: string;
  jwtAudience?: string;
  requiredScopes?: string[];
  pushToken?: string;
  allowedOrigins?: string[];
  maxConnectionsPerUser: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  writeTimeoutMs: number;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  retentionDays: number;
  shutdownDrainMs: number;
  listenBacklog: number;
  demo?: number | true;
  webPushKeys?: string;
  webPushAllowHttp?: boolean;
  webPushMaxSubscriptions: number;
  contract: string;
  logLevel: string;
  stateDir: string;
  webhooksAllowLocal?: boolean;
  webhookTimeoutMs: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  webhookRetryWindowMs: number;
  webhookDisableAfterMs: number;
  webhookPollMs: number;
}

function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** Repeatable, and each value may be a comma list: every secret given is accepted (the first one signs). */
function collectSecrets(value: string, previous: string[] | undefined): string[] {
  const secrets = list(value);
  if (secrets.length === 0) throw usageError('--jwt-secret must not be empty');
  return [...(previous ?? []), ...secrets];
}

function httpUrl(value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw usageError(`expected an http(s):// URL, got ${JSON.stringify(value)}`);
  return value;
}

function demoSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 30) throw usageError(`--demo takes seconds between sample notifications, 1 to 30, got ${JSON.stringify(value)}`);
  return n;
}

const d = defaultConfig;

/** Adds every serve option to `command`. */
export function addServeOptions(command: Command): Command {
  const options = [
    new Option('--port <port>', 'port to listen on (0 picks a free one)').env('NOTIFY_PORT').argParser(integer(0, 65535)).default(d.port),
    new Option('--host <host>', 'address to listen on').env('NOTIFY_HOST').default(d.host),
    storeOption(),
    new Option('--bus <url>', 'local | redis://… | redis+sentinel://host:port[,…]?name=PRIMARY | redis+cluster://host:port[,…]').env('NOTIFY_BUS').default(d.bus),
    pgSchemaOption(),
    new Option('--redis-channel <name>', 'Redis bus: pub/sub channel shared by the nodes of one deployment (default notify:bus)').env('NOTIFY_REDIS_CHANNEL'),
    new Option('--workers <n>', 'processes sharing the port (node:cluster); fan-out between them goes through the primary, or Redis with --bus redis://…').env('NOTIFY_WORKERS').argParser(integer(1, 256)).default(1),
    new Option('--jwt-secret <secret>', 'HS256 secret, at least 32 bytes; repeat it or give a comma list to accept several (rotation: the first one signs)').env('NOTIFY_JWT_SECRET').argParser(collectSecrets),
    new Option('--jwt-public-key <file>', 'PEM public key for RS256 / ES256 / EdDSA tokens').env('NOTIFY_JWT_PUBLIC_KEY'),
    new Option('--jwks <file>', 'JSON Web Key Set file').env('NOTIFY_JWKS_FILE'),
    new Option('--jwt-jwks-url <url>', "the identity provider's JWKS URL (fetched, cached, refetched on an unknown kid)").env('NOTIFY_JWT_JWKS_URL').argParser(httpUrl),
    new Option('--jwt-jwks-cooldown-ms <ms>', 'least time between two fetches of the JWKS (an unknown kid refetches at most this often)').env('NOTIFY_JWT_JWKS_COOLDOWN_MS').argParser(integer(0)).default(d.jwt.jwksCooldownMs),
    new Option('--jwt-issuer <iss>', 'required token issuer; an http(s) URL with no key configured finds the keys by OpenID Connect discovery').env('NOTIFY_JWT_ISSUER'),
    new Option('--jwt-user-claim <claim>', 'claim holding the user id (a name, or a dotted path)').env('NOTIFY_JWT_USER_CLAIM').default(d.jwt.userClaim),
    new Option('--jwt-scopes-claim <claim>', 'claim holding roles or scopes, e.g. realm_access.roles (default: scope, scp and roles)').env('NOTIFY_JWT_SCOPES_CLAIM'),
    new Option('--jwt-audience <aud>', 'required token audience').env('NOTIFY_JWT_AUDIENCE'),
    new Option('--required-scopes <list>', 'comma list; a user token needs one of these scopes/roles to connect (4003 otherwise)').env('NOTIFY_REQUIRED_SCOPES').argParser(list),
    new Option('--push-token <token>', 'static service token for the push API (every scope, admin included)').env('NOTIFY_PUSH_TOKEN'),
    new Option('--api-key-refresh-ms <ms>', 'how often the store is polled for created or revoked API keys').env('NOTIFY_API_KEY_REFRESH_MS').argParser(integer(50, 60_000)).default(d.apiKeyRefreshMs),
    new Option('--user-cap-per-minute <n>', 'most notifications one user may be pushed per minute (default: no cap)').env('NOTIFY_USER_CAP_PER_MINUTE').argParser(integer(1)),
    new Option('--allowed-origins <list>', 'comma list of Origins allowed to use the cookie credential (default: same origin)').env('NOTIFY_ALLOWED_ORIGINS').argParser(list),
    new Option('--max-connections-per-user <n>', 'open connections per user').env('NOTIFY_MAX_CONNECTIONS_PER_USER').argParser(integer(1)).default(d.maxConnectionsPerUser),
    new Option('--ping-interval-ms <ms>', 'protocol ping interval').env('NOTIFY_PING_INTERVAL_MS').argParser(integer(10)).default(d.pingIntervalMs),
    new Option('--pong-timeout-ms <ms>', 'terminate when nothing is heard for this long').env('NOTIFY_PONG_TIMEOUT_MS').argParser(integer(10)).default(d.pongTimeoutMs),
    new Option('--write-timeout-ms <ms>', 'terminate when a send does not drain for this long').env('NOTIFY_WRITE_TIMEOUT_MS').argParser(integer(10)).default(d.writeTimeoutMs),
    new Option('--max-payload-bytes <n>', 'largest client frame (close 1009 past it)').env('NOTIFY_MAX_PAYLOAD_BYTES').argParser(integer(128)).default(d.maxPayloadBytes),
    new Option('--max-buffered-bytes <n>', 'unsent bytes per socket before close 1013').env('NOTIFY_MAX_BUFFERED_BYTES').argParser(integer(1024)).default(d.maxBufferedBytes),
    new Option('--shutdown-drain-ms <ms>', 'on SIGTERM, answer /readyz 503 this long before closing sockets').env('NOTIFY_SHUTDOWN_DRAIN_MS').argParser(integer(0)).default(d.shutdownDrainMs),
    new Option('--listen-backlog <n>', 'connections queued for accept() (the kernel caps it at net.core.somaxconn)').env('NOTIFY_LISTEN_BACKLOG').argParser(integer(1, 2_147_483_647)).default(d.listenBacklog),
    new Option('--retention-days <days>', 'notifications older than this are pruned').env('NOTIFY_RETENTION_DAYS').argParser(integer(1)).default(d.retentionDays),
    new Option('--web-push-keys <file>', 'VAPID keys for Web Push: {"publicKey","privateKey","subject"} as `notify vapid` prints them (dev mode makes some)').env('NOTIFY_WEB_PUSH_KEYS'),
    new Option('--web-push-allow-http', 'accept http: push endpoints too (a local push service in tests)').env('NOTIFY_WEB_PUSH_ALLOW_HTTP'),
    new Option('--web-push-max-subscriptions <n>', 'Web Push subscriptions one user keeps at most (the oldest is dropped)').env('NOTIFY_WEB_PUSH_MAX_SUBSCRIPTIONS').argParser(integer(1, 1000)).default(d.webPush.maxSubscriptionsPerUser),
    new Option('--demo [seconds]', 'demo mode: sample notifications every SECONDS (default 3) and a self-signing page').env('NOTIFY_DEMO').argParser(demoSeconds),
    contractOption('built-in'),
    new Option('--log-level <level>', 'fatal | error | warn | info | debug | trace | silent').env('NOTIFY_LOG_LEVEL').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(d.logLevel),
    new Option('--webhooks-allow-local', 'webhook endpoints may use http: and loopback, private or link-local addresses (tests, local use)').env('NOTIFY_WEBHOOKS_ALLOW_LOCAL'),
    new Option('--webhook-timeout-ms <ms>', 'time limit of one webhook attempt').env('NOTIFY_WEBHOOK_TIMEOUT_MS').argParser(integer(100)).default(d.webhooks.timeoutMs),
    new Option('--webhook-retry-base-ms <ms>', 'first webhook retry after about this long, doubling per attempt').env('NOTIFY_WEBHOOK_RETRY_BASE_MS').argParser(integer(1)).default(d.webhooks.retryBaseMs),
    new Option('--webhook-retry-max-ms <ms>', 'longest wait between two webhook attempts').env('NOTIFY_WEBHOOK_RETRY_MAX_MS').argParser(integer(1)).default(d.webhooks.retryMaxMs),
    new Option('--webhook-retry-window-ms <ms>', 'a webhook event still failing this long after it happened is dead-lettered').env('NOTIFY_WEBHOOK_RETRY_WINDOW_MS').argParser(integer(1)).default(d.webhooks.retryWindowMs),
    new Option('--webhook-disable-after-ms <ms>', 'a webhook endpoint failing every attempt for this long is disabled').env('NOTIFY_WEBHOOK_DISABLE_AFTER_MS').argParser(integer(1)).default(d.webhooks.disableAfterMs),
    new Option('--webhook-poll-ms <ms>', 'how often each node looks for due webhook events').env('NOTIFY_WEBHOOK_POLL_MS').argParser(integer(10)).default(d.webhooks.pollIntervalMs),
    new Option('--state-dir <dir>', 'where dev mode keeps its SQLite file and generated secrets').env('NOTIFY_STATE_DIR').default(d.stateDir),
  ];
  for (const option of options) command.addOption(option);
  return command;
}

/** Config from parsed flags; secrets not given explicitly are filled in by dev mode. */
export function configFromFlags(flags: ServeFlags): NotifyConfig {
  return makeConfig({
    host: flags.host,
    port: flags.port,
    store: storeUrl(flags),
    bus: flags.bus,
    pgSchema: flags.pgSchema,
    redisChannel: flags.redisChannel,
    jwt: {
      secret: flags.jwtSecret?.[0],
      additionalSecrets: flags.jwtSecret?.slice(1) ?? [],
      publicKeyFile: flags.jwtPublicKey,
      jwksFile: flags.jwks,
      jwksUrl: flags.jwtJwksUrl,
      jwksCooldownMs: flags.jwtJwksCooldownMs,
      issuer: flags.jwtIssuer,
      audience: flags.jwtAudience,
      userClaim: flags.jwtUserClaim,
      scopesClaim: flags.jwtScopesClaim,
      requiredScopes: flags.requiredScopes ?? [],
    },
    pushToken: flags.pushToken,
    apiKeyRefreshMs: flags.apiKeyRefreshMs,
    userCapPerMinute: flags.userCapPerMinute,
    allowedOrigins: flags.allowedOrigins ?? [],
    maxConnectionsPerUser: flags.maxConnectionsPerUser,
    pingIntervalMs: flags.pingIntervalMs,
    pongTimeoutMs: flags.pongTimeoutMs,
    writeTimeoutMs: flags.writeTimeoutMs,
    maxPayloadBytes: flags.maxPayloadBytes,
    maxBufferedBytes: flags.maxBufferedBytes,
    retentionDays: flags.retentionDays,
    shutdownDrainMs: flags.shutdownDrainMs,
    listenBacklog: flags.listenBacklog,
    demoIntervalSec: flags.demo === undefined ? undefined : flags.demo === true ? 3 : flags.demo,
    webPush: {
      ...(flags.webPushKeys === undefined ? {} : { keysFile: flags.webPushKeys }),
      allowHttp: flags.webPushAllowHttp === true,
      maxSubscriptionsPerUser: flags.webPushMaxSubscriptions,
    },
    contract: flags.contract,
    logLevel: flags.logLevel,
    stateDir: flags.stateDir,
    webhooks: {
      allowLocal: flags.webhooksAllowLocal === true,
      timeoutMs: flags.webhookTimeoutMs,
      retryBaseMs: flags.webhookRetryBaseMs,
      retryMaxMs: flags.webhookRetryMaxMs,
      retryWindowMs: flags.webhookRetryWindowMs,
      disableAfterMs: flags.webhookDisableAfterMs,
      pollIntervalMs: flags.webhookPollMs,
    },
  });
}

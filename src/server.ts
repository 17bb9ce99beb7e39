// Composition root: wires config, store, bus, hub, HTTP and WebSocket; start() listens, close() tears down in reverse.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTokenVerifier } from './auth/verifier.js';
import { createServiceAuthorizer } from './auth/service-auth.js';
import { ApiKeyCache } from './auth/api-key-cache.js';
import { createMemoryRateLimiter, type RateLimiter } from './limits/rate-limiter.js';
import { createUserCaps, noUserCaps } from './limits/user-caps.js';
import { addKeyRoutes } from './http/key-routes.js';
import { openBus } from './bus/index.js';
import type { Bus } from './bus/bus.js';
import type { BusStatus } from './bus/redis.js';
import type { NotifyConfig } from './config.js';
import { DemoMode, demoWiring } from './demo/demo-mode.js';
import { NotifyError, closeCodes, statusLine } from './errors.js';
import { FanOut } from './hub/fan-out.js';
import { Hub } from './hub/hub.js';
import { Preferences } from './hub/preferences.js';
import { startSweeper } from './hub/sweeper.js';
import { startTimingLoop } from './hub/timing-loop.js';
import { Router, sendError } from './http/router.js';
import { addNotificationRoutes } from './http/notification-routes.js';
import { addBatchRoute } from './http/batch-route.js';
import { addOpenApiRoute } from './http/openapi-route.js';
import { addDisplayTemplatesRoute } from './http/display-route.js';
import { addPageRoutes } from './http/page-routes.js';
import { addPreferenceRoutes } from './http/preference-routes.js';
import { addRemovalRoutes } from './http/removal-routes.js';
import { addStatusRoutes } from './http/status-routes.js';
import { addTopicRoutes } from './http/topic-routes.js';
import { addWebhookRoutes } from './http/webhook-routes.js';
import { DeliveredRecorder } from './webhooks/delivered-recorder.js';
import { WebhookDeliveryLoop } from './webhooks/delivery-loop.js';
import { webPushFailureReporter } from './web-push/failure-events.js';
import { addWebPushRoutes } from './http/web-push-routes.js';
import { createLogger, loggableUrl, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { builtInContractPath, packageRoot } from './paths.js';
import type { Catalog } from './catalog/catalog.js';
import { loadCatalog } from './catalog/load-catalog.js';
import { SampleGenerator, catalogSampleSource } from './demo/sample-generator.js';
import { createOutboundEncoder } from './protocol/outbound.js';
import { buildServerContext, type ServerContext } from './server-context.js';
import { openStore } from './store/index.js';
import type { NotificationStore } from './store/store.js';
import { addSseRoute } from './transport/sse.js';
import { attachWebSocketEndpoint } from './transport/websocket.js';

export interface NotifyServer {
  /** http://host:port of the listening server. */
  readonly url: string;
  readonly port: number;
  readonly context: ServerContext;
  /** Where start-up time went, in ms: opening the store, the bus, and listen() until the port took connections. */
  readonly startupMs: { store: number; bus: number; listen: number };
  /** Every HTTP route served, as `METHOD /path/:param` (a test keeps openapi.json in step with it). */
  readonly routes: readonly string[];
  /** Graceful shutdown: readiness 503, 1001 to every socket, in-flight requests finish, bus and store closed. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Use this store instead of opening `config.store` (it is still closed by close()). */
  store?: NotificationStore;
  bus?: Bus;
  /** Use this catalog instead of loading `config.contract`'s. */
  catalog?: Catalog;
}

const packageInfo = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
/** How long sockets get to finish the closing handshake on shutdown before they are destroyed. */
const shutdownCloseGraceMs = 1000;
const pruneIntervalMs = 60 * 60 * 1000;

export async function startNotifyServer(config: NotifyConfig, options: StartOptions = {}): Promise<NotifyServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // First: a missing or stale catalog refuses to start before any port or file is opened.
  const catalog = options.catalog ?? (await loadCatalog(config.contract ?? builtInContractPath, config.generatedDir));
  const verifier = createTokenVerifier(config.jwt, {
    onProviderFailure: throttled(30_000, (error) => logger.warn({ reason: error.message }, "identity provider's keys could not be fetched; the last good keys keep serving")),
  });
  const metrics = createMetrics();
  const since = (startMs: number): number => Math.round(performance.now() - startMs);
  let phaseStartMs = performance.now();
  const store = options.store ?? (await openStore(config.store, config.pgSchema === undefined ? {} : { schema: config.pgSchema }));
  const storeMs = since(phaseStartMs);
  phaseStartMs = performance.now();
  // Bound once the fan-out exists (the bus reports its first 'up' before that, which needs no catch-up).
  let onBusStatus: ((status: BusStatus) => void) | undefined;
  const bus =
    options.bus ??
    (await openBus(config.bus, {
      channel: config.redisChannel,
      // At most once: while the bus is down other nodes miss this node's pushes; once back, live devices are caught up from the store.
      onStatus: (status) => {
        if (status === 'down') logger.warn({ bus: status }, 'bus down');
        else logger.info({ bus: status }, 'bus up');
        onBusStatus?.(status);
      },
    }));
  const busMs = since(phaseStartMs);
  const keys = new ApiKeyCache(store.apiKeys, {
    refreshMs: config.apiKeyRefreshMs,
    useFlushMs: config.apiKeyUseFlushMs,
    onError: throttled(10_000, (error: unknown, what: string) => logger.warn({ err: error }, `API keys: ${what} failed; the keys in memory keep serving`)),
  });
  await keys.start();
  const limiter = await openRateLimiter(config, (error) => logger.warn({ err: error }, 'rate limits: Redis failed; this node counts alone until it is back'));
  const hub = new Hub(config.maxConnectionsPerUser);
  const encoder = createOutboundEncoder(logger, metrics, catalog);
  const deliveredRecorder = new DeliveredRecorder(store.webhooks, logger);
  const fanOut = new FanOut(store, bus, hub, encoder, metrics, logger, config.maxBufferedBytes, deliveredRecorder);
  // Loaded only with keys: a server without Web Push never holds the web-push library.
  const webPush =
    config.webPush.keys || config.webPush.keysFile !== undefined
      ? await import('./web-push/index.js').then(async ({ createWebPush, webPushKeysOf }) => {
          const keys = (await webPushKeysOf(config.webPush))!;
          return createWebPush(keys, { config: config.webPush, store, bus, hub, fanOut, catalog, metrics, logger });
        })
      : undefined;
  onBusStatus = (status) => {
    fanOut.onBusStatus(status);
    webPush?.onBusStatus(status);
  };
  webPush?.onOutcome(webPushFailureReporter(store.webhooks, logger));
  await fanOut.start();
  await webPush?.start();
  const preferences = new Preferences(store, fanOut, catalog);
  let shuttingDown = false;
  const demo = config.demoIntervalSec === undefined ? undefined : new DemoMode({ store, encoder, metrics, logger }, { intervalSec: config.demoIntervalSec, generator: new SampleGenerator(catalogSampleSource(catalog)) });
  const context = buildServerContext(
    {
      config, store, bus, catalog, hub, fanOut, preferences, verifier, encoder, metrics, logger, webPush,
      userCaps: config.userCapPerMinute === undefined ? noUserCaps : createUserCaps(limiter, config.userCapPerMinute, metrics),
      shuttingDown: () => shuttingDown,
    },
    demo && demoWiring(demo),
  );

  const router = new Router();
  addStatusRoutes(router, context, { name: packageInfo.name, version: packageInfo.version });
  // Every service route names its scope: authorize(request, response, 'push' | 'read' | 'admin') (docs/security.md).
  const authorize = createServiceAuthorizer({ pushToken: config.pushToken, verifier, keys, limiter, metrics });
  addNotificationRoutes(router, context, authorize);
  addBatchRoute(router, context, authorize);
  addTopicRoutes(router, context, authorize);
  addPreferenceRoutes(router, context, authorize);
  addRemovalRoutes(router, context, authorize);
  addKeyRoutes(router, context, authorize, keys);
  const webhookLoop = new WebhookDeliveryLoop({ store: store.webhooks, bus, catalog, metrics, logger, config: config.webhooks, userAgent: `${packageInfo.name}/${packageInfo.version}` });
  addWebhookRoutes(router, context, webhookLoop, authorize);
  addWebPushRoutes(router, context, authorize);
  addPageRoutes(router, context);
  addSseRoute(router, context);
  addOpenApiRoute(router);
  addDisplayTemplatesRoute(router, context);

  // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by default), so a
  // slow-header client could hold its socket for 40 s; checking every second closes it at the 10 s timeout.
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1000 }, (request, response) => {
    router
      .handle(request, response, logger)
      .then((handled) => {
        if (!handled) sendError(response, new NotifyError('not_found', `No route for ${loggableUrl(request.url)}`), logger, request);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'unhandled request error');
        response.destroy();
      });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = statusLine(error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'bad_request');
    // Destroyed once the answer is written: end() alone half-closes, and a peer that never closes its side
    // (a slow-header client) would keep the socket open for good.
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  const websocket = attachWebSocketEndpoint(server, context);
  const stopSweeper = startSweeper(hub, config, {
    onReap: (connection, why) => logger.info({ connectionId: connection.id, why }, 'connection reaped'),
  });
  const stopTimingLoop = startTimingLoop(store, fanOut, logger);
  await webhookLoop.start();
  const pruneTimer = setInterval(() => {
    store.prune(Date.now() - config.retentionDays * 86_400_000).catch((error: unknown) => logger.warn({ err: error }, 'prune failed'));
  }, pruneIntervalMs);
  pruneTimer.unref();

  phaseStartMs = performance.now();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const listenMs = since(phaseStartMs);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    shuttingDown = true;
    const closeStartMs = performance.now();
    demo?.close();
    if (config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    const drainedAtMs = since(closeStartMs);
    stopSweeper();
    clearInterval(pruneTimer);
    // No claims once shutting down: what falls due now is delivered by another node or after the restart.
    await stopTimingLoop();
    // Sends in flight are cut; each is claimed again after its lease (by another node, or by this one after the restart).
    await webhookLoop.stop();
    // Stop listening first: the port is free at once for a replacement process, and clients that come back
    // before it listens are refused by the kernel instead of queueing on a process that is closing 10,000 sockets.
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    const open = [...hub.all()];
    for (const connection of open) connection.close(closeCodes.shuttingDown.code, closeCodes.shuttingDown.reason);
    const socketsToldAtMs = since(closeStartMs);
    server.closeIdleConnections();
    const deadline = Date.now() + shutdownCloseGraceMs;
    while (hub.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const socketsLeft = hub.size;
    for (const connection of hub.all()) connection.terminate();
    const socketsClosedAtMs = since(closeStartMs);
    websocket.close();
    // Keep-alive connections become idle as their in-flight requests finish; close each as it does.
    const idleCloser = setInterval(() => server.closeIdleConnections(), 20);
    await httpClosed;
    clearInterval(idleCloser);
    const httpClosedAtMs = since(closeStartMs);
    // In-flight Web Push sends end (aborted, counted as failed); a shared push half done resumes on another node or the next start.
    await webPush?.close();
    await fanOut.stop();
    await keys.close();
    await limiter.close();
    await bus.close();
    await store.close();
    // Milestones since shutdown began, so a rolling restart can be tuned from the log.
    logger.info(
      { shutdownMs: { drained: drainedAtMs, socketsTold: socketsToldAtMs, socketsClosed: socketsClosedAtMs, httpClosed: httpClosedAtMs, total: since(closeStartMs) }, socketsTerminated: socketsLeft, connections: open.length },
      'shutdown complete',
    );
  }

  return {
    url,
    port: address.port,
    context,
    startupMs: { store: storeMs, bus: busMs, listen: listenMs },
    routes: router.registered,
    close: () => (closing ??= close()),
  };
}

/** Rate limits shared by every node on a Redis bus; in this process's memory otherwise. */
async function openRateLimiter(config: NotifyConfig, onError: (error: unknown) => void): Promise<RateLimiter> {
  if (!/^(rediss?|redis\+sentinel|redis\+cluster):\/\//i.test(config.bus)) return createMemoryRateLimiter();
  const { createRedisRateLimiter } = await import('./limits/redis-rate-limiter.js');
  return createRedisRateLimiter(config.bus, { prefix: `${config.redisChannel ?? 'notify:bus'}:rl:`, onError: throttled(10_000, onError) });
}

/** `report`, at most once per `intervalMs` (a provider or Redis outage would otherwise log once per request). */
function throttled<A extends unknown[]>(intervalMs: number, report: (...args: A) => void): (...args: A) => void {
  let lastMs = -Infinity;
  return (...args) => {
    const now = Date.now();
    if (now - lastMs < intervalMs) return;
    lastMs = now;
    report(...args);
  };
}

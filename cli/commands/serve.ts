// `notify serve`: runs the server; with no configuration, dev mode (SQLite and generated secrets under ./.notify/).
import cluster from 'node:cluster';
import { Command } from 'commander';
import { loadOrCreateDevSecrets, writeDevServerUrl } from '../support/dev-state.js';
import { createLogger, maskUrlPassword, type Logger } from '../../src/logger.js';
import type { NotifyServer } from '../../src/server.js';
import { CatalogError, loadCatalog } from '../../src/catalog/load-catalog.js';
import { builtInContractPath } from '../../src/paths.js';
import { hasJwtKeys, type NotifyConfig } from '../../src/config.js';
import { addServeOptions, configFromFlags, type ServeFlags } from '../serve/serve-options.js';
import { exitWithUsageCode } from '../support/usage.js';
import { reportWorkerReady, startWorkerPool } from '../serve/workers.js';

/** Fills in dev secrets where no JWT key or push token was configured; says so in `warnings`. */
export async function applyDevMode(config: NotifyConfig): Promise<{ config: NotifyConfig; warnings: string[] }> {
  const hasJwtKey = hasJwtKeys(config.jwt);
  if (hasJwtKey && config.pushToken !== undefined) return { config, warnings: [] };
  const { secrets, created } = await loadOrCreateDevSecrets(config.stateDir);
  const warnings = [
    `dev mode: using ${created ? 'newly generated' : 'the'} dev ${hasJwtKey ? '' : 'JWT secret and '}push token in ${config.stateDir}/dev-secrets.json (mode 600); configure --jwt-secret and --push-token for production`,
  ];
  return {
    config: {
      ...config,
      devMode: true,
      jwt: hasJwtKey ? config.jwt : { ...config.jwt, secret: secrets.jwtSecret },
      pushToken: config.pushToken ?? secrets.pushToken,
    },
    warnings,
  };
}

export function makeServeCommand(): Command {
  const command = new Command('serve')
    .description('Run the notification server (WebSocket, SSE and the push API)')
    .addHelpText(
      'after',
      `
Examples:
  $ notify serve                                   # dev mode: SQLite and secrets in ./.notify/
  $ notify serve --demo                            # plus sample notifications and a live page at /
  $ NOTIFY_JWT_SECRET=$(openssl rand -hex 32) NOTIFY_PUSH_TOKEN=… notify serve --port 8080
  $ notify serve --store postgres://localhost/notify --bus redis://localhost:6379`,
    );
  addServeOptions(command);
  exitWithUsageCode(command);
  return command.action(async (flags: ServeFlags) => {
    // Time since the process started until here: Node's boot and loading the modules.
    const loadedAtMs = Math.round(performance.now());
    const { config, warnings } = await applyDevMode(configFromFlags(flags));
    const logger = createLogger(config.logLevel);
    // Workers re-run this command; the primary has said it already.
    if (!cluster.isWorker) for (const warning of warnings) logger.warn(warning);
    let server: NotifyServer;
    try {
      // The primary of --workers checks the catalog too, so a stale one fails once, with its command, not per worker.
      if (flags.workers > 1 && cluster.isPrimary) {
        await loadCatalog(config.contract ?? builtInContractPath);
        return await serveWithWorkers(flags.workers, config, logger);
      }
      // Imported here, not at load: the primary of --workers serves nothing itself, and what the server loads
      // (store driver, ws, jose, prom-client, the validators) would sit in its memory unused (~20 MB).
      const { startNotifyServer } = await import('../../src/server.js');
      server = await startNotifyServer(config, { logger });
    } catch (error) {
      if (error instanceof CatalogError) {
        // Not a crash: the app's generated output needs refreshing. Say what to run, plainly.
        if (!cluster.isWorker) process.stderr.write(`notify serve: ${error.message}\n`);
        logger.fatal({ command: error.command }, 'could not start: the catalog is missing or stale');
      } else {
        logger.fatal({ err: error }, `could not start: ${(error as Error).message}`);
      }
      process.exitCode = 1;
      // A worker's IPC channel would keep it alive; exiting tells the primary the start failed.
      if (cluster.isWorker) process.exit(1);
      return;
    }
    if (cluster.isWorker) {
      // The primary logs the one URL once every worker is up (this line goes out first).
      logger.info({ worker: cluster.worker?.id, pid: process.pid, startupMs: startupOf(server, loadedAtMs) }, 'worker listening');
      reportWorkerReady(server.url);
    } else {
      await announce(server.url, config, logger, { startupMs: startupOf(server, loadedAtMs) });
    }
    const shutdown = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      server
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

/** Where the time from process start to listening went, in ms (`total` is the process's age when it listened). */
function startupOf(server: { startupMs: { store: number; bus: number; listen: number } }, loadedAtMs: number): Record<string, number> {
  return { load: loadedAtMs, ...server.startupMs, total: Math.round(performance.now()) };
}

/** The startup lines: the one URL a user (or a test) waits for. */
async function announce(url: string, config: NotifyConfig, logger: Logger, extra: Record<string, unknown> = {}): Promise<void> {
  if (config.devMode) await writeDevServerUrl(url, config.stateDir);
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/v1/notifications`;
  logger.info({ url, websocket: wsUrl, store: maskUrlPassword(config.store), bus: maskUrlPassword(config.bus), ...extra }, `notify listening on ${url}`);
  if (config.demoIntervalSec !== undefined) logger.info(`demo mode: open ${url}/ in a browser`);
}

/** `--workers N`: this process becomes the cluster primary; each worker runs this command's single-process path. */
async function serveWithWorkers(workers: number, config: NotifyConfig, logger: Logger): Promise<void> {
  let pool;
  try {
    // Workers drain readiness first, then close their sockets: give them both before killing them.
    pool = await startWorkerPool({ workers, bus: config.bus, logger, stopTimeoutMs: config.shutdownDrainMs + 10_000 });
  } catch (error) {
    logger.fatal({ err: error }, `could not start: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  await announce(pool.url, config, logger, { workers, pids: pool.pids() });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down workers');
    pool.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

// `notify serve`: runs the server; with no configuration, dev mode (SQLite and generated secrets under ./.notify/).
import { Command } from 'commander';
import { loadOrCreateDevSecrets, writeDevServerUrl } from '../../src/dev-state.js';
import { createLogger } from '../../src/logger.js';
import { startNotifyServer } from '../../src/server.js';
import type { NotifyConfig } from '../../src/config.js';
import { addServeOptions, configFromFlags, type ServeFlags } from '../serve/serve-options.js';
import { exitWithUsageCode } from '../support/usage.js';

/** Fills in dev secrets where no JWT key or push token was configured; says so in `warnings`. */
export async function applyDevMode(config: NotifyConfig): Promise<{ config: NotifyConfig; warnings: string[] }> {
  const hasJwtKey = config.jwt.secret !== undefined || config.jwt.publicKeyFile !== undefined || config.jwt.jwksFile !== undefined;
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
    const { config, warnings } = await applyDevMode(configFromFlags(flags));
    const logger = createLogger(config.logLevel);
    for (const warning of warnings) logger.warn(warning);
    let server;
    try {
      server = await startNotifyServer(config, { logger });
    } catch (error) {
      logger.fatal({ err: error }, `could not start: ${(error as Error).message}`);
      process.exitCode = 1;
      return;
    }
    if (config.devMode) await writeDevServerUrl(server.url, config.stateDir);
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/api/v1/notifications`;
    logger.info({ url: server.url, websocket: wsUrl, store: config.store.replace(/\/\/[^@/]*@/, '//***@'), bus: config.bus.replace(/\/\/[^@/]*@/, '//***@') }, `notify listening on ${server.url}`);
    if (config.demoIntervalSec !== undefined) logger.info(`demo mode: open ${server.url}/ in a browser`);
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

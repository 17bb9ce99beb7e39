// `notify tail`: follows a user's stream with the client library (reconnects, resumes), readable or as JSON lines.
import { Command, Option } from 'commander';
import type { Notification, ServerMessage } from '../../generated/index.js';
import type { NotifyClient } from '../../src/client/index.js';
import { resolveJwtSecret } from '../support/credentials.js';
import { addOptions, serverOption, stateDirOption, tokenSigningOptions } from '../support/options.js';
import { parseNonEmpty, parseNotificationId, parseUserId } from '../support/parsers.js';
import { resolveServer } from '../support/server-url.js';
import { formatDelay, formatNotification, formatPreferences, formatRead, formatRemoved, formatState, makeStyle, type Style } from '../support/tail-format.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { contractOption } from '../support/contract-option.js';
import { exitWithUsageCode, failUsage } from '../support/usage.js';

interface TailOptions {
  contract: string;
  user?: string;
  token?: string;
  server?: string;
  json?: boolean;
  ack?: boolean;
  since?: string;
  jwtSecret?: string;
  stateDir: string;
  jwtIssuer?: string;
  jwtAudience?: string;
}

/** Lifetime of the tokens tail mints for --user; the client refreshes them before they expire. */
const mintedTokenTtlSec = 3600;

/** Builds `notify tail`. */
export function makeTailCommand(): Command {
  const command = addOptions(
    new Command('tail')
    .description("Follow a user's notifications live: reconnects with backoff and resumes without gaps")
    .addOption(new Option('--user <id>', 'whose stream (a token is minted with --jwt-secret or the dev secret)').env('NOTIFY_USER').argParser(parseUserId))
    .addOption(new Option('--token <jwt>', 'connect with this token instead of minting one').env('NOTIFY_TOKEN').argParser(parseNonEmpty))
    .addOption(serverOption())
    .addOption(new Option('--json', 'print every server frame as one JSON object a line, nothing else on stdout').env('NOTIFY_JSON'))
    .addOption(new Option('--ack', 'mark each notification read as it is shown').env('NOTIFY_ACK'))
    .addOption(new Option('--since <id>', 'start after this notification id (resume)').env('NOTIFY_SINCE').argParser(parseNotificationId))
    .addOption(contractOption('built-in'))
    .addOption(stateDirOption()),
    tokenSigningOptions(),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ notify tail --user alice
  $ notify tail --user alice --json | jq .type
  $ notify tail --user alice --ack --since 0000000000000042
  $ notify tail --token "$(notify token --user alice --ttl 15m)" --server https://notify.example.com

Connection notices go to stderr; on exit the last one names the --since that resumes without a gap. Ctrl-C exits 0; a refused credential (1008, 4003, or 4001 with --token) exits 1.`,
    )
    .action(async (options: TailOptions, cmd: Command) => {
      if (options.user === undefined && options.token === undefined) failUsage(cmd, "say whose stream: --user ID or --token JWT");
      const server = await resolveServer(options.server, options.stateDir);
      // On use: every notify process (a serve worker too) loads this module to build the command line.
      const [{ WebSocket }, { mintToken }, { NotifyClient }] = await Promise.all([import('ws'), import('../../src/auth/mint-token.js'), import('../../src/client/index.js')]);
      const staticToken = options.token;
      let getToken: () => string | Promise<string>;
      if (staticToken !== undefined) {
        getToken = () => staticToken;
      } else {
        const secret = await resolveJwtSecret(options.jwtSecret, options.stateDir);
        const sub = options.user as string;
        getToken = () =>
          mintToken({
            secret,
            sub,
            ttlSec: mintedTokenTtlSec,
            ...(options.jwtIssuer !== undefined && { issuer: options.jwtIssuer }),
            ...(options.jwtAudience !== undefined && { audience: options.jwtAudience }),
          });
      }
      const client = new NotifyClient({ url: server.ws, getToken, WebSocket, ...(options.since !== undefined && { since: options.since }) });
      await follow(client, options, server.ws, staticToken !== undefined, await loadCatalog(options.contract));
    });
  return exitWithUsageCode(command.showHelpAfterError('(run with --help for usage and examples)'));
}

/** Prints the stream until Ctrl-C / SIGTERM (exit 0) or a refused credential (exit 1). */
async function follow(client: NotifyClient, options: TailOptions, endpoint: string, staticToken: boolean, catalog: Catalog): Promise<void> {
  const style = makeStyle(process.stdout.isTTY === true && !process.env['NO_COLOR']);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const note = (line: string) => process.stderr.write(`${style.dim(line)}\n`);
  const ack = (n: Notification) => {
    if (!options.ack || n.read === true) return;
    client.markRead(n.id).catch((error: Error) => note(`could not mark ${n.id} read: ${error.message}`));
  };

  client.on('message', (message) => (options.json ? out(JSON.stringify(message)) : printReadable(message, style, out, note)));
  // The server and this contract disagree (another --contract?): say so rather than print it as if known.
  client.on('notification', (n) => {
    if (!catalog.notificationTypes.includes(n.type)) note(`${n.type} is not a type of ${options.contract}; pass the server's --contract`);
  });
  client.on('notification', ack);
  client.on('unread_notifications', (m) => m.data.notifications.forEach(ack));
  client.on('connection_established', (m) =>
    note(`connected to ${endpoint} as ${m.data.userId} (${m.data.unreadCount} unread, ${m.data.unseenCount} unseen${m.data.resumed ? ', resumed' : `, resume point ${m.data.resumeFrom}`})`),
  );
  client.on('disconnect', ({ code, reason, retryInMs }) => {
    if (code === 4001 && staticToken) {
      note(`the server refused the token (4001 ${reason}); mint a new one with \`notify token\``);
      process.exitCode = 1;
      void client.close();
    } else if (retryInMs !== undefined) {
      // The state is still 'open' when an established connection dropped; otherwise an attempt failed.
      const what = client.state === 'open' ? 'disconnected' : 'could not connect';
      note(`${what} (${code}${reason ? ` ${reason}` : ''}); retrying in ${formatDelay(retryInMs)}`);
    }
  });
  client.on('client_error', (error) => {
    note(`notify tail: ${error.message}`);
    if (client.state === 'closed') process.exitCode = 1;
  });

  const stop = () => void client.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((resolve) => {
    client.on('state', (state) => state === 'closed' && resolve());
    client.connect().catch(() => {}); // failures arrive as client_error / disconnect
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await client.close();
  // Where a later `tail --since` picks up without a gap, even when nothing arrived (the server's resume point).
  if (client.lastNotificationId !== undefined) note(`stopped; resume with --since ${client.lastNotificationId}`);
}

function printReadable(message: ServerMessage, style: Style, out: (line: string) => void, note: (line: string) => void): void {
  if ('id' in message) return out(formatNotification(message, style));
  switch (message.type) {
    case 'unread_notifications': {
      // Newest first on the wire; oldest first on a terminal, like the live ones that follow.
      for (const n of [...message.data.notifications].reverse()) out(formatNotification(n, style, '(unread)'));
      if (message.data.hasMore) note(`… more unread: ${message.data.unreadCount} in total`);
      return;
    }
    case 'notifications_page':
      for (const n of message.data.notifications) out(formatNotification(n, style));
      return;
    case 'notification_read':
      return out(formatRead(message, style));
    case 'notification_state':
      return out(formatState(message, style));
    case 'notifications_removed':
      return out(formatRemoved(message, style));
    case 'preferences':
      return out(formatPreferences(message, style));
    case 'token_refreshed':
      return note(`token refreshed; expires at ${message.data.expiresAt}`);
    case 'request_error':
      return note(`request_error ${message.data.code}: ${message.data.message}`);
    case 'connection_established':
    case 'pong':
      return;
  }
}

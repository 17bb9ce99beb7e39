// `notify token --user ID [--ttl 1h] [--scope S] [--user-claim C]`: mints a user JWT with the configured or dev secret.
import { Command, Option } from 'commander';
import { resolveJwtSecret } from '../support/credentials.js';
import { addOptions, stateDirOption, tokenSigningOptions } from '../support/options.js';
import { parseNonEmpty, parseTtl, parseUserId } from '../support/parsers.js';
import { exitWithUsageCode } from '../support/usage.js';

interface TokenOptions {
  user: string;
  ttl: number;
  scope?: string;
  userClaim: string;
  jwtSecret?: string;
  stateDir: string;
  jwtIssuer?: string;
  jwtAudience?: string;
}

/** Builds `notify token`. */
export function makeTokenCommand(): Command {
  const command = addOptions(
    new Command('token')
    .description('Mint a JWT for a user (HS256, signed with --jwt-secret or the dev secret) and print it')
    .addOption(new Option('--user <id>', "the user id (the token's sub)").env('NOTIFY_USER').argParser(parseUserId).makeOptionMandatory())
    .addOption(new Option('--ttl <duration>', 'lifetime: 30s, 15m, 1h, 7d or seconds').env('NOTIFY_TOKEN_TTL').argParser(parseTtl).default(3600, '1h'))
    .addOption(new Option('--user-claim <claim>', 'the claim that holds the user id, as the server reads it (--jwt-user-claim); `sub` is left out when it is another').env('NOTIFY_JWT_USER_CLAIM').argParser(parseNonEmpty).default('sub'))
    .addOption(new Option('--scope <scopes>', 'space-separated scopes, e.g. "notify:push" for the push API').env('NOTIFY_TOKEN_SCOPE').argParser(parseNonEmpty))
    .addOption(stateDirOption()),
    tokenSigningOptions(),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ notify token --user alice
  $ notify token --user alice --ttl 15m
  $ notify token --user billing-service --scope notify:push --ttl 7d
  $ notify token --user alice@example.com --user-claim email     # for a server run with --jwt-user-claim email
  $ NOTIFY_JWT_SECRET=... notify token --user alice
  $ wscat -c "ws://127.0.0.1:8080/api/v1/notifications?token=$(notify token --user alice)"`,
    )
    .action(async (options: TokenOptions) => {
      const secret = await resolveJwtSecret(options.jwtSecret, options.stateDir);
      // On use: every notify process (a serve worker too) loads this module to build the command line.
      const { mintToken } = await import('../../src/auth/mint-token.js');
      const token = await mintToken({
        secret,
        sub: options.user,
        userClaim: options.userClaim,
        ttlSec: options.ttl,
        ...(options.scope !== undefined && { scope: options.scope }),
        ...(options.jwtIssuer !== undefined && { issuer: options.jwtIssuer }),
        ...(options.jwtAudience !== undefined && { audience: options.jwtAudience }),
      });
      process.stdout.write(`${token}\n`);
    });
  return exitWithUsageCode(command.showHelpAfterError('(run with --help for usage and examples)'));
}

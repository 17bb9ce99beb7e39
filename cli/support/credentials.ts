// Secrets for the client commands: flags and NOTIFY_* env first (commander fills both), then the dev files.
import { Option } from 'commander';
import { readDevSecrets } from './dev-state.js';
import { parseNonEmpty } from './parsers.js';

/** The HS256 secret that signs user tokens: --jwt-secret / NOTIFY_JWT_SECRET, else the dev secret. */
export async function resolveJwtSecret(flag: string | undefined, stateDir?: string): Promise<string> {
  if (flag) return flag;
  const dev = await readDevSecrets(stateDir);
  if (dev) return dev.jwtSecret;
  throw new Error('no JWT secret: pass --jwt-secret or set NOTIFY_JWT_SECRET, or run `notify serve` here once to create the dev secret in ./.notify/');
}

/** The push API's service token: --push-token / NOTIFY_PUSH_TOKEN, else the dev push token. */
export async function resolvePushToken(flag: string | undefined, stateDir?: string): Promise<string> {
  if (flag) return flag;
  const dev = await readDevSecrets(stateDir);
  if (dev) return dev.pushToken;
  throw new Error('no push token: pass --push-token or set NOTIFY_PUSH_TOKEN, or run `notify serve` here once to create the dev token in ./.notify/');
}

/** `Authorization: Bearer` with the push API's service token (see resolvePushToken). */
export async function serviceHeaders(options: { pushToken?: string; stateDir?: string }): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await resolvePushToken(options.pushToken, options.stateDir)}` };
}

/** `--push-token` / NOTIFY_PUSH_TOKEN, described for the command that sends it. */
export function pushTokenOption(description: string): Option {
  return new Option('--push-token <token>', description).env('NOTIFY_PUSH_TOKEN').argParser(parseNonEmpty);
}

// Options the client commands share, defined once: which server, where the dev files are, how minted tokens are signed.
import { Option } from 'commander';
import { defaultStateDir } from './dev-state.js';
import { parseNonEmpty } from './parsers.js';
import { parseServerUrl } from './server-url.js';

/** --server: the server a client command talks to (push, tail). */
export function serverOption(): Option {
  return new Option('--server <url>', 'server base URL, http(s):// or ws(s):// (default: the dev server here, else http://127.0.0.1:8080)').env('NOTIFY_SERVER').argParser(parseServerUrl);
}

/** --state-dir: where `notify serve` keeps its dev files (secrets, server URL); shared with serve's flag. */
export function stateDirOption(): Option {
  return new Option('--state-dir <dir>', 'where the dev server keeps its secrets and URL').env('NOTIFY_STATE_DIR').default(`./${defaultStateDir}`);
}

/** --jwt-secret, --jwt-issuer, --jwt-audience: how a command that mints user tokens (token, tail) signs and addresses them. */
export function tokenSigningOptions(): Option[] {
  return [
    new Option('--jwt-secret <secret>', 'HS256 secret that signs minted tokens (default: the dev secret in ./.notify/)').env('NOTIFY_JWT_SECRET').argParser(parseNonEmpty),
    new Option('--jwt-issuer <iss>', 'iss claim of minted tokens, when the server checks it').env('NOTIFY_JWT_ISSUER'),
    new Option('--jwt-audience <aud>', 'aud claim of minted tokens, when the server checks it').env('NOTIFY_JWT_AUDIENCE'),
  ];
}

/** Adds each option to `command` (commander has no addOptions). */
export function addOptions<C extends { addOption(option: Option): C }>(command: C, options: readonly Option[]): C {
  for (const option of options) command.addOption(option);
  return command;
}

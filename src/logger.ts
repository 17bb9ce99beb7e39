// pino logger: one JSON object a line when stdout is not a terminal, readable when it is; never a token.
import { pino, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/** Header and field paths that may hold credentials; pino replaces them before anything is written. */
const redactPaths = ['token', '*.token', 'headers.authorization', 'headers.cookie', 'headers["x-auth-token"]', 'req.headers.authorization', 'req.headers.cookie'];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stdout): Logger {
  const options = { level, base: { service: 'notify' }, redact: { paths: redactPaths, censor: '[redacted]' } };
  const isTerminal = (destination as NodeJS.WriteStream).isTTY === true;
  if (!isTerminal) return pino(options, destination);
  // Loaded only for a terminal: a server logging to a pipe or file never holds the pretty-printer.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pino(options, pretty({ colorize: true, destination }));
}

/** A URL safe to log: path only, no query string (query tokens never reach the logs). */
export function loggableUrl(rawUrl: string | undefined): string {
  if (!rawUrl) return '';
  const q = rawUrl.indexOf('?');
  return q < 0 ? rawUrl : `${rawUrl.slice(0, q)}?…`;
}

/**
 * A connection URL safe to show (logs, error messages): the password in its user info becomes `***`
 * (`postgres://app:***@db/x`); user info with no password may itself be a secret and is hidden whole.
 */
export function maskUrlPassword(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon < 0 ? '//***@' : `//${userInfo.slice(0, colon)}:***@`;
  });
}

// Which server a client command talks to: --server (http(s):// or ws(s)://), else the dev server, else localhost:8080.
import { httpBaseUrl, webSocketEndpoint } from '../../src/client/endpoint.js';
import { readDevServerUrl } from './dev-state.js';
import { usageError } from './usage.js';

export const fallbackServerUrl = 'http://127.0.0.1:8080';

/** The server's addresses for HTTP calls and for the WebSocket. */
export interface ServerAddress {
  /** e.g. http://127.0.0.1:8080 (no trailing slash). */
  http: string;
  /** e.g. ws://127.0.0.1:8080/api/v1/notifications. */
  ws: string;
}

/** Parses --server: accepts http, https, ws and wss URLs; rejects anything else with a usage error. */
export function parseServerUrl(value: string): string {
  try {
    httpBaseUrl(value);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  return value;
}

/** Both addresses of a server URL given in any of the accepted schemes. */
export function serverAddress(url: string): ServerAddress {
  return { http: httpBaseUrl(url), ws: webSocketEndpoint(url) };
}

/** --server if given, else the URL the dev server recorded in ./.notify/server.json, else http://127.0.0.1:8080. */
export async function resolveServer(flag: string | undefined, stateDir?: string): Promise<ServerAddress> {
  return serverAddress(flag ?? (await readDevServerUrl(stateDir)) ?? fallbackServerUrl);
}

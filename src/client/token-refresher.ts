// Keeps an open connection's JWT fresh: sends `refresh_token` with the provider's next token shortly before exp.
import { NotifyClientError } from './errors.js';
import { refreshDelayMs } from './jwt-expiry.js';

/** Longest wait setTimeout takes (~24.8 days); longer ones re-arm until their time comes. */
const maxTimerMs = 2_147_483_647;

/** What the refresher needs of its client. */
export interface RefreshHost {
  /** Runs `run` after `ms` on one of the client's timers (all cancelled when the connection ends). */
  after(ms: number, run: () => void): void;
  /** The token provider's next token; null when it gives none (a cookie credential). */
  token(): Promise<string | null>;
  /** The open connection, compared by identity; undefined when none is open. */
  openConnection(): unknown;
  /** Sends `refresh_token` on the open connection; resolves with the server's answer. */
  send(token: string): Promise<unknown>;
  /** Reports a failure as a `client_error`. */
  fail(error: NotifyClientError): void;
}

export class TokenRefresher {
  readonly #host: RefreshHost;
  readonly #enabled: boolean;
  #due: { token: string; atMs: number } | undefined;

  constructor(host: RefreshHost, enabled: boolean) {
    this.#host = host;
    this.#enabled = enabled;
  }

  /** Plans the refresh of `token` (the one the connection now holds) at the time `refreshDelayMs` gives it. */
  schedule(token: string): void {
    if (!this.#enabled) return;
    const delay = refreshDelayMs(token, Date.now());
    if (delay === undefined) return;
    this.#due = { token, atMs: Date.now() + delay };
    this.#arm();
  }

  /** Forgets the planned refresh: the connection ended (its timers went with it). */
  reset(): void {
    this.#due = undefined;
  }

  #arm(): void {
    const due = this.#due;
    if (!due) return;
    const wait = due.atMs - Date.now();
    if (wait > maxTimerMs) this.#host.after(maxTimerMs, () => this.#arm());
    else this.#host.after(Math.max(0, wait), () => void this.#refresh());
  }

  async #refresh(): Promise<void> {
    const connection = this.#host.openConnection();
    let token: string | null;
    try {
      token = await this.#host.token();
    } catch (error) {
      // The server closes with 4001 at exp; the next connection asks the provider again.
      this.#host.fail(new NotifyClientError('ERR_TOKEN_PROVIDER', `the token provider failed: ${(error as Error).message}`, { cause: error }));
      return;
    }
    if (token === null || connection === undefined || this.#host.openConnection() !== connection) return;
    try {
      await this.#host.send(token);
      this.schedule(token);
    } catch (error) {
      if (error instanceof NotifyClientError && error.code !== 'ERR_CONNECTION_CLOSED' && error.code !== 'ERR_CLIENT_CLOSED') this.#host.fail(error);
    }
  }
}

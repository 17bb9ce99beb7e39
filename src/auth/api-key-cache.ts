// Every API key in memory (hash → record), refreshed when the store says keys changed; last uses written in batches.
import type { ApiKeyRecord, ApiKeyStore } from '../store/api-keys.js';

export interface ApiKeyCacheOptions {
  /** How often the store's change mark is polled, in ms: a key created or revoked anywhere is seen within this. */
  refreshMs: number;
  /** How often the last uses gathered since are written (one batch), in ms. */
  useFlushMs: number;
  /** Told when a poll or a flush fails (the keys in memory keep serving; the next tick tries again). */
  onError?: (error: unknown, what: 'refresh' | 'flush') => void;
}

/**
 * The request path's view of the API keys: `lookup` is one Map read, never a store query. Each server polls
 * `changeMark` (one small read) every `refreshMs` and reloads the keys only when it moved, so a revocation on any
 * node, or by `notify keys revoke` on the store directly, takes effect everywhere within `refreshMs` plus one read.
 * Uses are noted in memory and written every `useFlushMs` in one write, never one per request.
 */
export class ApiKeyCache {
  private byHash = new Map<string, ApiKeyRecord>();
  private mark: string | undefined;
  private uses = new Map<string, number>();
  private refreshing: Promise<void> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly options: ApiKeyCacheOptions,
  ) {}

  /** Loads the keys, then keeps them fresh until `close`. */
  async start(): Promise<void> {
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh().catch((error: unknown) => this.options.onError?.(error, 'refresh')), this.options.refreshMs);
    this.flushTimer = setInterval(() => void this.flush().catch((error: unknown) => this.options.onError?.(error, 'flush')), this.options.useFlushMs);
    this.refreshTimer.unref();
    this.flushTimer.unref();
  }

  /** The key (not revoked) whose hash this is, from memory. */
  lookup(hash: string): ApiKeyRecord | undefined {
    return this.byHash.get(hash);
  }

  /** Notes a use (written with the next batch). */
  noteUse(id: string, atMs: number): void {
    this.uses.set(id, atMs);
  }

  /** Reloads the keys when the store's change mark moved; concurrent calls share one. */
  refresh(): Promise<void> {
    this.refreshing ??= this.reloadIfChanged().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async reloadIfChanged(): Promise<void> {
    const mark = await this.store.changeMark();
    if (mark === this.mark) return;
    const keys = await this.store.list();
    this.byHash = new Map(keys.map((k) => [k.hash, k]));
    this.mark = mark;
  }

  /** Writes the uses gathered since the last flush, in one batch. */
  async flush(): Promise<void> {
    if (this.uses.size === 0) return;
    const batch = this.uses;
    this.uses = new Map();
    await this.store.recordUse(batch);
  }

  /** Stops polling and writes the last uses. */
  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    clearInterval(this.flushTimer);
    await this.refreshing?.catch(() => {});
    await this.flush().catch((error: unknown) => this.options.onError?.(error, 'flush'));
  }
}

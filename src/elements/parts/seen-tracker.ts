// Marks notifications seen once they are actually shown: at least half of the item in view, in a visible tab, batched into one mark_seen.

/** Sends one mark_seen for 1–100 ids; rejects when it could not be sent or was refused. */
export type SendSeen = (ids: string[]) => Promise<unknown>;

const maxIdsPerRequest = 100;

/**
 * Watches the items of unseen notifications inside `root` (the list's scroll container; null: the page). Ids shown within `batchMs`
 * of each other go out together; an id is not sent twice while its request is under way. A failed request leaves
 * its ids watched: they go out at the next {@link SeenTracker.recheck} (on every new connection, or when the tab
 * shows again). {@link SeenTracker.pause} stops reporting (a closed panel shows nothing).
 */
export class SeenTracker {
  readonly #send: SendSeen;
  readonly #batchMs: number;
  readonly #observer: IntersectionObserver;
  readonly #watched = new Map<string, Element>();
  readonly #queued = new Set<string>();
  readonly #sending = new Set<string>();
  readonly #onVisibility = (): void => {
    if (document.visibilityState === 'visible') this.recheck();
  };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #paused = false;

  constructor(root: Element | null, send: SendSeen, batchMs = 250) {
    this.#send = send;
    this.#batchMs = batchMs;
    this.#observer = new IntersectionObserver((entries) => this.#onIntersect(entries), { root, threshold: 0.5 });
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** Watches `item` (carrying `data-id`) for notification `id`; no-op when already watched with that item. */
  watch(id: string, item: Element): void {
    const known = this.#watched.get(id);
    if (known === item) return;
    if (known) this.#observer.unobserve(known);
    this.#watched.set(id, item);
    this.#observer.observe(item);
  }

  /** Stops watching every id not in `keep` (seen, or no longer shown). */
  keepOnly(keep: ReadonlySet<string>): void {
    for (const [id, item] of this.#watched) {
      if (keep.has(id)) continue;
      this.#observer.unobserve(item);
      this.#watched.delete(id);
      this.#queued.delete(id);
    }
  }

  /** Stops or resumes reporting; resuming looks at every watched item again. */
  pause(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    if (!paused) this.recheck();
  }

  /** Looks again at every watched item: observing anew reports its current intersection, which queues it if in view. */
  recheck(): void {
    for (const item of this.#watched.values()) {
      this.#observer.unobserve(item);
      this.#observer.observe(item);
    }
  }

  disconnect(): void {
    this.#observer.disconnect();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watched.clear();
    this.#queued.clear();
  }

  #onIntersect(entries: IntersectionObserverEntry[]): void {
    if (this.#paused || document.visibilityState !== 'visible') return;
    for (const entry of entries) {
      const id = (entry.target as HTMLElement).dataset['id'];
      if (!entry.isIntersecting || id === undefined || this.#watched.get(id) !== entry.target || this.#sending.has(id)) continue;
      this.#queued.add(id);
    }
    if (this.#queued.size > 0 && this.#timer === undefined) this.#timer = setTimeout(() => this.#flush(), this.#batchMs);
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#paused) return this.#queued.clear();
    const ids = [...this.#queued].slice(0, maxIdsPerRequest);
    for (const id of ids) {
      this.#queued.delete(id);
      this.#sending.add(id);
    }
    if (this.#queued.size > 0) this.#timer = setTimeout(() => this.#flush(), 0);
    if (ids.length === 0) return;
    // Failures are left to recheck(): retrying at once would spin while the connection is down.
    this.#send(ids)
      .catch(() => {})
      .finally(() => {
        for (const id of ids) this.#sending.delete(id);
      });
  }
}

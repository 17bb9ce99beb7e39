// Marks notifications seen once they are actually shown: at least half of the item in view, in a visible tab, batched into one mark_seen.
/** Sends one mark_seen for 1–100 ids; rejects when it could not be sent or was refused. */
export type SendSeen = (ids: string[]) => Promise<unknown>;

const maxIdsPerRequest = 100;

/**
 * Watches the list items of unseen notifications. Ids shown within `batchMs` of each other go out together;
 * an id is not sent twice while its request is under way. When a request fails (no connection), its ids stay
 * watched and go out at the next {@link SeenTracker.recheck} (the page calls it on every new connection).
 */
export class SeenTracker {
  readonly #send: SendSeen;
  readonly #batchMs: number;
  readonly #observer: IntersectionObserver;
  /** Items watched, by notification id. */
  readonly #watched = new Map<string, Element>();
  readonly #queued = new Set<string>();
  readonly #sending = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(send: SendSeen, batchMs = 250) {
    this.#send = send;
    this.#batchMs = batchMs;
    this.#observer = new IntersectionObserver((entries) => this.#onIntersect(entries), { threshold: 0.5 });
    // A hidden tab shows nothing: what is in view when it comes back is seen then.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.recheck();
    });
  }

  /** Starts watching `item` for notification `id` (no-op when already watched with that item). */
  watch(id: string, item: Element): void {
    const known = this.#watched.get(id);
    if (known === item) return;
    if (known) this.#observer.unobserve(known);
    this.#watched.set(id, item);
    this.#observer.observe(item);
  }

  /** Stops watching `id` (it is seen, or no longer in the list shown). */
  forget(id: string): void {
    const item = this.#watched.get(id);
    if (item) this.#observer.unobserve(item);
    this.#watched.delete(id);
    this.#queued.delete(id);
  }

  #onIntersect(entries: IntersectionObserverEntry[]): void {
    if (document.visibilityState !== 'visible') return;
    for (const entry of entries) {
      const id = (entry.target as HTMLElement).dataset['id'];
      if (!entry.isIntersecting || id === undefined || this.#watched.get(id) !== entry.target || this.#sending.has(id)) continue;
      this.#queued.add(id);
    }
    if (this.#queued.size > 0 && this.#timer === undefined) this.#timer = setTimeout(() => this.#flush(), this.#batchMs);
  }

  #flush(): void {
    this.#timer = undefined;
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

  /** Looks again at every watched item: observing anew reports its current intersection, which queues it if in view. */
  recheck(): void {
    for (const item of this.#watched.values()) {
      this.#observer.unobserve(item);
      this.#observer.observe(item);
    }
  }
}

// The timers one client owns (connect timeout, reconnect, stability, token refresh): each forgets itself when it fires, and all are cancelled at once on a close.
export type Timer = ReturnType<typeof setTimeout>;

export class Timers {
  readonly #pending = new Set<Timer>();

  /** Runs `run` after `ms` unless cleared first. */
  after(ms: number, run: () => void): Timer {
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      run();
    }, ms);
    this.#pending.add(timer);
    return timer;
  }

  clear(timer: Timer | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#pending.delete(timer);
  }

  clearAll(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}

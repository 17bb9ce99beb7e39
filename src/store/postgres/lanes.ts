// Per-user write lanes of the PostgreSQL store: replies to one user's writes resolve in id order.

/**
 * Orders this node's writes so that, per user, appends resolve in id order: the database orders
 * commits (the store's locks), but replies on different connections can arrive in any order.
 * `one(user)` runs after the previous write of that user; `all` runs after every write in flight
 * and holds back later ones (shared notifications reach every user).
 */
export function createLanes() {
  const tails = new Map<string, Promise<unknown>>();
  let barrier: Promise<unknown> = Promise.resolve();
  const settled = (p: Promise<unknown>) => p.then(() => {}, () => {});
  return {
    one<T>(key: string, body: () => Promise<T>): Promise<T> {
      const result = Promise.all([tails.get(key), barrier]).then(body);
      const tail = settled(result);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** `one` for several users at once: runs after the previous write of each, and is the next write's wait for each. */
    many<T>(keys: readonly string[], body: () => Promise<T>): Promise<T> {
      const unique = [...new Set(keys)];
      const result = Promise.all([...unique.map((key) => tails.get(key)), barrier]).then(body);
      const tail = settled(result);
      for (const key of unique) tails.set(key, tail);
      void tail.then(() => {
        for (const key of unique) if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    all<T>(body: () => Promise<T>): Promise<T> {
      const result = Promise.all([...tails.values(), barrier]).then(body);
      barrier = settled(result);
      return result;
    },
  };
}

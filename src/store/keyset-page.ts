// Keyset paging for every backend: read one row past the limit to know whether another page follows.

/** Of `rows` (read with at least `limit + 1` when more exist): the first `limit` to list, and the next page's cursor (the last listed key) or null. */
export function keysetPage<T, K>(rows: readonly T[], limit: number, keyOf: (row: T) => K): { listed: T[]; nextCursor: K | null } {
  const listed = rows.slice(0, limit);
  return { listed, nextCursor: rows.length > limit ? keyOf(listed.at(-1)!) : null };
}

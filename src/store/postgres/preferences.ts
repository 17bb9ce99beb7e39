// The PostgreSQL store's preference statements: what a user turned off, and who of an audience muted a push.
import type { MutedNames, PreferenceChange, SharedAudience, UserId } from '../store.js';
import { muteCategory, mutedNamesOf, mutesSql, preferenceRows } from '../preference-rows.js';

import type { Runner } from './runner.js';

/** The statements of schema `S` (quoted); every method runs on the runner it is given (the caller's transaction). */
export function postgresPreferences(S: string) {
  const q = (name: string, text: string) => ({ name: `notify_pref_${name}`, text });
  /** A top-level row `p` of preferences_off (every channel) matches a push of category $c and type $t (placeholders given). */
  const matches = (c: string, t: string): string => mutesSql(['all'], c, t);
  const sql = {
    list: q('list', `SELECT channel, kind, name FROM ${S}.preferences_off WHERE user_id = $1`),
    clear: q('clear', `DELETE FROM ${S}.preferences_off WHERE user_id = $1`),
    on: q('on', `DELETE FROM ${S}.preferences_off WHERE user_id = $1
      AND (channel, kind, name) IN (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]))`),
    off: q('off', `INSERT INTO ${S}.preferences_off (user_id, channel, kind, name) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
      ON CONFLICT DO NOTHING`),
    // The audience members who muted it get it deleted at once; each walks the (kind, name) index.
    muteBroadcast: q('mute_broadcast', `WITH muted AS (INSERT INTO ${S}.user_states (user_id, seq, deleted)
      SELECT DISTINCT p.user_id, $1::bigint, true FROM ${S}.preferences_off p JOIN ${S}.users u ON u.user_id = p.user_id
      WHERE ${matches('$2', '$3')} AND u.known_from < $1::bigint ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*)::int AS n FROM muted`),
    muteTopic: q('mute_topic', `WITH muted AS (INSERT INTO ${S}.user_states (user_id, seq, deleted)
      SELECT DISTINCT p.user_id, $1::bigint, true FROM ${S}.preferences_off p
      JOIN ${S}.topic_members m ON m.user_id = p.user_id AND m.topic = $4 AND m.from_seq < $1::bigint AND m.until_seq IS NULL
      WHERE ${matches('$2', '$3')} ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*)::int AS n FROM muted`),
  };
  return {
    /** Deletes the shared notification `id` for the audience members who muted it; returns how many. */
    async muteShared(run: Runner, id: string, audience: SharedAudience, category: string | undefined, type: string): Promise<number> {
      const values = [id, muteCategory(category), type];
      const rows = audience.kind === 'topic' ? await run<{ n: number }>(sql.muteTopic, [...values, audience.topic]) : await run<{ n: number }>(sql.muteBroadcast, values);
      return rows[0]!.n;
    },
    async list(run: Runner, userId: UserId): Promise<MutedNames> {
      return mutedNamesOf(await run<{ channel: string; kind: string; name: string }>(sql.list, [userId]));
    },
    async set(run: Runner, userId: UserId, change: PreferenceChange, mode: 'merge' | 'replace'): Promise<MutedNames> {
      if (mode === 'replace') await run(sql.clear, [userId]);
      const { off, on } = preferenceRows(change);
      const columns = (rows: typeof on): string[][] => [rows.map((r) => r.channel), rows.map((r) => r.kind), rows.map((r) => r.name)];
      if (on.length) await run(sql.on, [userId, ...columns(on)]);
      if (off.length) await run(sql.off, [userId, ...columns(off)]);
      return mutedNamesOf(await run<{ channel: string; kind: string; name: string }>(sql.list, [userId]));
    },
  };
}

// The SQLite store's preference statements: what a user turned off, and who of an audience muted a push.
import type Database from 'better-sqlite3';
import type { MutedNames, PreferenceChange, SharedAudience, UserId } from '../store.js';
import { muteCategory, mutedNamesOf, mutesSql, preferenceRows } from '../preference-rows.js';

/** A top-level row of `preferences_off` (every channel) matches a push of (@category, @type). */
const matches = mutesSql(['all'], '@category', '@type');

/** Prepared once per store; every method runs inside the caller's (group-commit) transaction. */
export function sqlitePreferences(db: Database.Database) {
  const sql = {
    muted: db.prepare<{ u: string; category: string; type: string }, { one: number }>(
      `SELECT 1 AS one FROM preferences_off p WHERE p.user_id = @u AND ${matches} LIMIT 1`,
    ),
    list: db.prepare<[string], { channel: string; kind: string; name: string }>(`SELECT channel, kind, name FROM preferences_off WHERE user_id = ?`),
    clear: db.prepare<[string]>(`DELETE FROM preferences_off WHERE user_id = ?`),
    off: db.prepare<[string, string, string, string]>(`INSERT INTO preferences_off (user_id, channel, kind, name) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    on: db.prepare<[string, string, string, string]>(`DELETE FROM preferences_off WHERE user_id = ? AND channel = ? AND kind = ? AND name = ?`),
    // The audience members who muted it get it deleted at once; each walks the (kind, name) index.
    muteBroadcast: db.prepare<{ seq: number; category: string; type: string }>(
      `INSERT INTO user_states (user_id, seq, deleted) SELECT DISTINCT p.user_id, @seq, 1 FROM preferences_off p
       JOIN users u ON u.user_id = p.user_id WHERE ${matches} AND u.known_from < @seq ON CONFLICT DO NOTHING`,
    ),
    muteTopic: db.prepare<{ seq: number; category: string; type: string; topic: string }>(
      `INSERT INTO user_states (user_id, seq, deleted) SELECT DISTINCT p.user_id, @seq, 1 FROM preferences_off p
       JOIN topic_members m ON m.user_id = p.user_id AND m.topic = @topic AND m.from_seq < @seq AND m.until_seq IS NULL
       WHERE ${matches} ON CONFLICT DO NOTHING`,
    ),
  };
  return {
    /** True when the user turned off this category ("general" for none) or type. */
    mutes(userId: UserId, category: string | undefined, type: string): boolean {
      return sql.muted.get({ u: userId, category: muteCategory(category), type }) !== undefined;
    },
    /** Deletes the shared notification `seq` for the audience members who muted it; returns how many. */
    muteShared(seq: number, audience: SharedAudience, category: string | undefined, type: string): number {
      const params = { seq, category: muteCategory(category), type };
      return (audience.kind === 'topic' ? sql.muteTopic.run({ ...params, topic: audience.topic }) : sql.muteBroadcast.run(params)).changes;
    },
    list(userId: UserId): MutedNames {
      return mutedNamesOf(sql.list.all(userId));
    },
    set(userId: UserId, change: PreferenceChange, mode: 'merge' | 'replace'): MutedNames {
      if (mode === 'replace') sql.clear.run(userId);
      const { off, on } = preferenceRows(change);
      for (const { channel, kind, name } of on) sql.on.run(userId, channel, kind, name);
      for (const { channel, kind, name } of off) sql.off.run(userId, channel, kind, name);
      return mutedNamesOf(sql.list.all(userId));
    },
  };
}

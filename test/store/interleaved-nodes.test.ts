// Two PostgreSQL nodes interleave user, topic and broadcast pushes while readers tail every feed: resume never skips an id.
import { afterAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { openStore } from '../../src/store/index.js';
import type { NotificationStore, SharedAudience } from '../../src/store/store.js';
import { databaseUrl, dropSchema, postgresUnavailable, skipReason } from '../support/services.js';

const skip = skipReason('interleaved pushes on PostgreSQL', [await postgresUnavailable()]);
const schema = `notify_interleave_${process.pid}_${Date.now().toString(36)}`;
afterAll(async () => {
  if (skip === null) await dropSchema(schema);
});

const users = ['ana', 'ben', 'cid', 'dee'];
const info = (title: string) => ({ type: 'info', data: { title, message: 'm', priority: 'low' }, timestamp: Date.now() }) as const;

describe.skipIf(skip !== null)('interleaved pushes from two nodes on PostgreSQL', () => {
  it('keeps every feed gap-free: a reader resuming from its last id misses nothing, and resume works from every id', async () => {
    const nodes: NotificationStore[] = [await openStore(databaseUrl, { schema }), await openStore(databaseUrl, { schema })];
    const reader = await openStore(databaseUrl, { schema });
    try {
      // An anchor per user, so a reader has an id to resume from; ana and ben follow the topic, cid joins it midway.
      const anchors = new Map<string, string>();
      for (const u of users) anchors.set(u, (await nodes[0]!.append({ userId: u, ...info(`anchor ${u}`) })).notification.id);
      await nodes[1]!.subscribe('crew', ['ana', 'ben']);

      let writing = true;
      const tailed = new Map<string, string[]>(users.map((u) => [u, []]));
      // Readers resume like clients do: from the last id they saw. A commit landing below an id already seen would be lost here.
      const tails = users.map(async (u) => {
        let last = anchors.get(u)!;
        for (;;) {
          const done = !writing;
          const batch = await reader.since(u, last, 1000);
          if (batch === 'gone') throw new Error(`resume point ${last} of ${u} is gone`);
          for (const n of batch) tailed.get(u)!.push(n.id);
          if (batch.length) last = batch.at(-1)!.id;
          if (done) return;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      });

      const crew: SharedAudience = { kind: 'topic', topic: 'crew' };
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 300; i++) {
        const node = nodes[i % 2]!;
        const pick = i % 10;
        if (pick < 6) writes.push(node.append({ userId: users[i % users.length]!, ...info(`u${i}`) }));
        else if (pick < 8) writes.push(node.appendShared({ audience: crew, ...info(`t${i}`) }));
        else writes.push(node.appendShared({ audience: { kind: 'broadcast' }, ...info(`b${i}`) }));
        if (i === 150) writes.push(node.subscribe('crew', ['cid']));
        if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(writes);
      writing = false;
      await Promise.all(tails);

      for (const u of users) {
        const feed: Notification[] = [];
        let before: string | undefined;
        do {
          const page = await reader.page(u, before === undefined ? { limit: 100 } : { limit: 100, before });
          feed.push(...page.notifications);
          before = page.nextCursor ?? undefined;
        } while (before !== undefined);
        const ids = feed.map((n) => n.id).reverse();
        expect(ids[0]).toBe(anchors.get(u));
        // What the tailing reader saw, in order, is exactly the final feed: nothing committed below an id it had passed.
        expect(tailed.get(u)).toEqual(ids.slice(1));
        for (let i = 0; i < ids.length; i++) {
          const rest = await reader.since(u, ids[i]!, 1000);
          expect(rest === 'gone' ? 'gone' : rest.map((n) => n.id)).toEqual(ids.slice(i + 1));
        }
        expect((await reader.unreadSummary(u)).unreadCount).toBe(ids.length);
      }
      const sizes = await Promise.all(users.map(async (u) => (await reader.page(u, { limit: 100 })).notifications.length));
      expect(sizes.every((n) => n > 30)).toBe(true);
    } finally {
      await Promise.all([...nodes, reader].map((s) => s.close()));
    }
  }, 60_000);
});

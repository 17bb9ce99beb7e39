// The ApiKeyStore contract (store.apiKeys), run against every backend; shared data is checked through a peer store.
import { expect, it } from 'vitest';
import { ApiKeyNameTaken, type NewApiKey } from '../../src/store/api-keys.js';
import type { NotificationStore } from '../../src/store/store.js';
import { forEachStoreBackend, peerPerTest, storePerTest, type Backend } from '../support/store-backends.js';

const key = (name: string, extra: Partial<NewApiKey> = {}): NewApiKey => ({
  name,
  hash: `${name.padEnd(8, 'x')}`.repeat(8).slice(0, 64),
  scopes: ['push', 'read'],
  createdAt: 1_750_000_000_000,
  ...extra,
});

await forEachStoreBackend('ApiKeyStore', apiKeysContract);

function apiKeysContract(backend: Backend): void {
  let store: NotificationStore;
  storePerTest(backend, (opened) => (store = opened));

  it('creates, lists (oldest first) and keeps scopes and rate', async () => {
    const billing = await store.apiKeys.create(key('billing', { rate: { count: 100, periodMs: 1000 } }));
    await store.apiKeys.create(key('crm', { scopes: ['admin'], createdAt: 1_750_000_000_001 }));
    expect(billing.id).toMatch(/\S/);
    const listed = await store.apiKeys.list();
    expect(listed.map((k) => [k.name, k.scopes, k.rate, k.lastUsedAt, k.revokedAt])).toEqual([
      ['billing', ['push', 'read'], { count: 100, periodMs: 1000 }, undefined, undefined],
      ['crm', ['admin'], undefined, undefined, undefined],
    ]);
    expect(listed[0]).toMatchObject({ id: billing.id, hash: key('billing').hash, createdAt: 1_750_000_000_000 });
  });

  it('refuses a second key with the name of one not revoked, and takes it again once revoked', async () => {
    await store.apiKeys.create(key('billing'));
    await expect(store.apiKeys.create(key('billing', { hash: 'f'.repeat(64) }))).rejects.toBeInstanceOf(ApiKeyNameTaken);
    expect(await store.apiKeys.revoke('billing', 1_750_000_000_500)).toBe(true);
    expect(await store.apiKeys.revoke('billing', 1_750_000_000_600)).toBe(false);
    expect(await store.apiKeys.revoke('nobody', 1_750_000_000_600)).toBe(false);
    await store.apiKeys.create(key('billing', { hash: 'e'.repeat(64), createdAt: 1_750_000_000_700 }));
    expect((await store.apiKeys.list()).map((k) => k.hash)).toEqual(['e'.repeat(64)]);
    const all = await store.apiKeys.list({ includeRevoked: true });
    expect(all.map((k) => [k.name, k.revokedAt])).toEqual([
      ['billing', 1_750_000_000_500],
      ['billing', undefined],
    ]);
  });

  it('changes its mark on every create and revoke, and only then', async () => {
    const first = await store.apiKeys.changeMark();
    expect(await store.apiKeys.changeMark()).toBe(first);
    await store.apiKeys.create(key('a'));
    const second = await store.apiKeys.changeMark();
    expect(second).not.toBe(first);
    const [a] = await store.apiKeys.list();
    await store.apiKeys.recordUse(new Map([[a!.id, 1_750_000_001_000]]));
    expect(await store.apiKeys.changeMark()).toBe(second);
    await store.apiKeys.revoke('a', 1_750_000_002_000);
    expect(await store.apiKeys.changeMark()).not.toBe(second);
  });

  it('moves last use forward only, for a whole batch at once', async () => {
    const a = await store.apiKeys.create(key('a'));
    const b = await store.apiKeys.create(key('b', { hash: 'b'.repeat(64), createdAt: 1_750_000_000_001 }));
    await store.apiKeys.recordUse(new Map([[a.id, 2000], [b.id, 3000]]));
    await store.apiKeys.recordUse(new Map([[a.id, 1000], ['no-such-id', 5000]]));
    await store.apiKeys.recordUse(new Map());
    expect((await store.apiKeys.list()).map((k) => k.lastUsedAt)).toEqual([2000, 3000]);
  });

  if (backend.openPeer) {
    describePeer(backend, () => store);
  }
}

/** Another node (process) on the same data sees keys and revocations through its own store. */
function describePeer(backend: Backend, storeOf: () => NotificationStore): void {
  let peer: NotificationStore;
  peerPerTest(backend, (opened) => (peer = opened));

  it('shares keys, revocations and the change mark with another node on the same data', async () => {
    const before = await peer.apiKeys.changeMark();
    await storeOf().apiKeys.create(key('shared'));
    expect((await peer.apiKeys.list()).map((k) => k.name)).toEqual(['shared']);
    const created = await peer.apiKeys.changeMark();
    expect(created).not.toBe(before);
    expect(await peer.apiKeys.revoke('shared', 1_750_000_009_000)).toBe(true);
    expect(await storeOf().apiKeys.list()).toEqual([]);
    expect(await storeOf().apiKeys.changeMark()).not.toBe(created);
  });
}

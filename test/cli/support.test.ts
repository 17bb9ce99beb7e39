// CLI helpers: server resolution (flag, dev server file, fallback), secrets, and tail's readable lines.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../generated/index.js';
import { resolveJwtSecret, resolvePushToken } from '../../cli/support/credentials.js';
import { resolveServer } from '../../cli/support/server-url.js';
import { formatNotification, formatRead, formatState, makeStyle } from '../../cli/support/tail-format.js';

async function stateDir(files: Record<string, unknown> = {}): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'notify-cli-')), '.notify');
  await mkdir(dir);
  for (const [name, value] of Object.entries(files)) await writeFile(path.join(dir, name), JSON.stringify(value));
  return dir;
}

describe('resolveServer', () => {
  it('prefers --server, in any scheme', async () => {
    const dir = await stateDir({ 'server.json': { url: 'http://127.0.0.1:9999' } });
    expect(await resolveServer('wss://n.example.com/', dir)).toEqual({ http: 'https://n.example.com', ws: 'wss://n.example.com/api/v1/notifications' });
  });

  it('uses the dev server recorded in server.json, else 127.0.0.1:8080', async () => {
    expect(await resolveServer(undefined, await stateDir({ 'server.json': { url: 'http://127.0.0.1:4567' } }))).toEqual({
      http: 'http://127.0.0.1:4567',
      ws: 'ws://127.0.0.1:4567/api/v1/notifications',
    });
    expect((await resolveServer(undefined, await stateDir())).http).toBe('http://127.0.0.1:8080');
  });
});

describe('credentials', () => {
  it('uses the flag, else the dev secrets, else explains what to do', async () => {
    const dev = await stateDir({ 'dev-secrets.json': { jwtSecret: 'dev-secret', pushToken: 'dev-push' } });
    expect(await resolveJwtSecret('flag', dev)).toBe('flag');
    expect(await resolveJwtSecret(undefined, dev)).toBe('dev-secret');
    expect(await resolvePushToken(undefined, dev)).toBe('dev-push');
    const empty = await stateDir();
    await expect(resolveJwtSecret(undefined, empty)).rejects.toThrow(/--jwt-secret or set NOTIFY_JWT_SECRET, or run `notify serve`/);
    await expect(resolvePushToken(undefined, empty)).rejects.toThrow(/--push-token or set NOTIFY_PUSH_TOKEN/);
  });
});

describe('tail lines', () => {
  const plain = makeStyle(false);
  const at = new Date(2024, 11, 8, 9, 5, 7).getTime();

  it('shows time, type, id, category, title — message, then the other fields as key=value', () => {
    const n: Notification = { type: 'info', id: '0000000000000042', timestamp: at, category: 'system', data: { title: 'Maintenance', message: 'Read-only on Sunday', priority: 'medium' } };
    expect(formatNotification(n, plain)).toBe('09:05:07  info  0000000000000042  [system]  Maintenance — Read-only on Sunday  priority=medium');
  });

  it('prints any type generically, quoting values with spaces', () => {
    const n: Notification = {
      type: 'invitation_received',
      id: '7',
      timestamp: at,
      read: true,
      data: { invitationId: 'i-1', groupId: 'g-1', groupName: 'Project Alpha', inviterUsername: 'bob' },
    };
    expect(formatNotification(n, plain, '(unread)')).toBe('09:05:07  invitation_received  7  invitationId=i-1 groupId=g-1 groupName="Project Alpha" inviterUsername=bob  (read)  (unread)');
  });

  it('colours only when enabled', () => {
    const n: Notification = { type: 'error', id: '1', timestamp: at, data: { title: 'Export failed', message: 'x', errorCode: 503, retryAllowed: true } };
    expect(formatNotification(n, plain)).not.toContain('\u001b[');
    expect(formatNotification(n, makeStyle(true))).toContain('\u001b[31merror\u001b[39m');
  });

  it('shows read sync', () => {
    expect(formatRead({ type: 'notification_read', timestamp: at, data: { ids: ['1', '2'], unreadCount: 0 } }, plain)).toBe('09:05:07  read  1, 2  (0 unread)');
    expect(formatRead({ type: 'notification_read', timestamp: at, data: { ids: ['1'], unreadCount: 2, unseenCount: 1 } }, plain)).toBe('09:05:07  read  1  (2 unread, 1 unseen)');
    expect(formatState({ type: 'notification_state', timestamp: at, data: { ids: ['1', '2'], state: 'archived', unreadCount: 0, unseenCount: 0 } }, plain)).toBe(
      '09:05:07  archived  1, 2  (0 unread, 0 unseen)',
    );
    expect(formatState({ type: 'notification_state', timestamp: at, data: { ids: [], state: 'deleted', unreadCount: 3, unseenCount: 1 } }, plain)).toBe(
      '09:05:07  deleted  nothing new  (3 unread, 1 unseen)',
    );
  });
});

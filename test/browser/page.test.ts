// The notification-center page in Chromium: it connects by cookie, renders pushes by type, syncs read state across tabs, pages, and paces demo samples.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUserId } from '../../src/http/page-routes.js';
import { centerPageSuite } from './center-page-suite.js';
import { browserSkipReason, screenshot } from './support.js';

const skip = browserSkipReason();
if (skip) console.warn(`skipping browser tests: ${skip}`);

const item = (page: Page, id: string) => page.locator(`li.notification[data-id="${id}"]`);
const count = async (page: Page, name: string) => Number(await page.locator(`[data-count="${name}"]`).textContent());

describe.skipIf(skip !== undefined)('the notification-center page', () => {
  const { startServer, openPage } = centerPageSuite();

  it('connects over the cookie and renders pushed notifications with their type-specific fields', async () => {
    const server = await startServer({ devMode: true });
    const page = await openPage();
    expect(await page.locator('#user').textContent()).toContain(demoUserId);
    expect(await page.locator('#demo-controls').isHidden()).toBe(true);

    const pushes = {
      info: await server.push(demoUserId, 'info', { title: 'Maintenance tonight', message: 'Read-only from 02:00.', priority: 'high' }, 'system'),
      warning: await server.push(demoUserId, 'warning', { title: 'Storage almost full', message: '90% used.', actionRequired: true }),
      error: await server.push(demoUserId, 'error', { title: 'Export failed', message: 'Try again later.', errorCode: 503, retryAllowed: true }),
      success: await server.push(demoUserId, 'success', { title: 'Export ready', message: 'Download it now.', completionTime: '3.25s' }),
      invitation: await server.push(demoUserId, 'invitation_received', {
        invitationId: '550e8400-e29b-41d4-a716-446655440000',
        groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
        groupName: 'Project Alpha',
        inviterUsername: 'alice',
      }),
      expiry: await server.push(demoUserId, 'product_expiry', { message: 'Milk expires tomorrow.', severity: 'warning', productName: 'Milk', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
    };
    for (const { id } of Object.values(pushes)) await item(page, id).waitFor();

    const fact = (id: string, field: string) => item(page, id).locator(`[data-field="${field}"]`).textContent();
    expect(await item(page, pushes.info.id).locator('.n-title').textContent()).toBe('Maintenance tonight');
    expect(await item(page, pushes.info.id).locator('.n-category').textContent()).toBe('system');
    expect(await fact(pushes.info.id, 'priority')).toBe('Priority: high');
    expect(await fact(pushes.warning.id, 'actionRequired')).toBe('Action required');
    expect(await fact(pushes.error.id, 'errorCode')).toBe('Error code 503');
    expect(await fact(pushes.error.id, 'retryAllowed')).toBe('Retry allowed');
    expect(await fact(pushes.success.id, 'completionTime')).toBe('Completed in 3.25s');
    expect(await fact(pushes.invitation.id, 'groupName')).toBe('Group: Project Alpha');
    expect(await fact(pushes.invitation.id, 'inviterUsername')).toBe('Invited by alice');
    expect(await fact(pushes.expiry.id, 'productName')).toBe('Product: Milk');
    expect(await fact(pushes.expiry.id, 'expiresAt')).toMatch(/^Expires .*\(in (23|24) h\)$/);
    expect(await item(page, pushes.expiry.id).locator('.n-message').textContent()).toBe('Milk expires tomorrow.');

    // Newest first, counted per type and in the read status.
    const ids = await page.locator('li.notification').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset['id']));
    expect(ids).toEqual(Object.values(pushes).map((p) => p.id).reverse());
    expect(await count(page, 'total')).toBe(6);
    expect(await count(page, 'unread')).toBe(6);
    expect(await count(page, 'server-unread')).toBe(6);
    expect(await page.locator('[data-type-count="error"]').textContent()).toBe('1');
    expect(await page.locator('[data-type-count="invitation_accepted"]').textContent()).toBe('0');
    await screenshot(page, 'page-pushed-notifications');
  });

  it('marks a notification read on click, and a second page of the same user follows', async () => {
    const server = await startServer({ devMode: true });
    const first = await server.push(demoUserId, 'info', { title: 'First', message: 'one', priority: 'low' });
    const second = await server.push(demoUserId, 'success', { title: 'Second', message: 'two', completionTime: '1s' });
    const pageA = await openPage();
    const pageB = await openPage();
    for (const page of [pageA, pageB]) {
      await item(page, second.id).waitFor();
      expect(await count(page, 'unread')).toBe(2);
    }

    await item(pageA, first.id).click();
    for (const page of [pageA, pageB]) {
      await page.locator(`li.notification.read[data-id="${first.id}"]`).waitFor();
      await page.waitForFunction(() => document.querySelector('[data-count="unread"]')?.textContent === '1');
      expect(await count(page, 'read')).toBe(1);
      expect(await count(page, 'total')).toBe(2);
      expect(await count(page, 'server-unread')).toBe(1);
      expect(await item(page, second.id).getAttribute('class')).toContain('unread');
    }
    await screenshot(pageB, 'page-read-on-second-tab');

    await pageB.locator('#mark-all-read').click();
    await pageA.waitForFunction(() => document.querySelector('[data-count="unread"]')?.textContent === '0');
    expect(await count(pageA, 'server-unread')).toBe(0);
  });

  it('loads older notifications on demand', async () => {
    const server = await startServer({ devMode: true });
    const pushed: string[] = [];
    for (let i = 1; i <= 25; i++) pushed.push((await server.push(demoUserId, 'info', { title: `Note ${i}`, message: `number ${i}`, priority: 'low' })).id);
    const page = await openPage();
    await item(page, pushed[24]!).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-count="total"]')?.textContent === '20');
    expect(await item(page, pushed[0]!).count()).toBe(0);
    await page.locator('#load-more').click();
    await item(page, pushed[0]!).waitFor();
    expect(await count(page, 'total')).toBe(25);
    await page.locator('#load-more').waitFor({ state: 'hidden' });
    await screenshot(page, 'page-load-more');
  });

  it('in demo mode fills the page at the pace set with its frequency control', async () => {
    await startServer({ demoIntervalSec: 30 });
    const page = await openPage();
    expect(await page.locator('#demo-controls').isVisible()).toBe(true);
    expect(await page.locator('#frequency-value').textContent()).toBe('every 30.0 s');
    await page.waitForTimeout(1000);
    expect(await count(page, 'total')).toBe(0);

    // The slider sends {"action":"configure","frequency":1} on change.
    await page.locator('#frequency').fill('1');
    expect(await page.locator('#frequency-value').textContent()).toBe('every 1.0 s');
    const started = Date.now();
    await page.waitForFunction(() => Number(document.querySelector('[data-count="total"]')?.textContent) >= 3, undefined, { timeout: 8000 });
    expect(Date.now() - started).toBeLessThan(7000);
    const counters = await page.locator('[data-type-count]').evaluateAll((nodes) => nodes.map((n) => Number(n.textContent)));
    expect(counters.reduce((a, b) => a + b, 0)).toBe(await count(page, 'total'));
    await screenshot(page, 'page-demo-mode');

    // Back to 30 s: at most one more arrives in the next 2.5 s.
    await page.locator('#frequency').fill('30');
    const before = await count(page, 'total');
    await page.waitForTimeout(2500);
    expect((await count(page, 'total')) - before).toBeLessThanOrEqual(1);
  });
});

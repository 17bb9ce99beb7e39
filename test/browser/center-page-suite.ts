// The lifecycle every notification-center suite shares: Chromium per suite; per test a server, one browser context, no page error.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startServer as startTestServer, type TestServer } from '../support/server.js';
import { ensurePageBuilt, launchChromium, openCenterPage } from './support.js';

export interface CenterPageSuite {
  /** Starts this test's server (closed after the test). */
  startServer(overrides?: Parameters<typeof startTestServer>[0]): Promise<TestServer>;
  /** The server this test started. */
  server(): TestServer;
  /** Opens the page of this test's server, connected; every page of a test shares one browser context (one cookie jar). */
  openPage(): Promise<Page>;
}

/**
 * Call inside the suite's `describe`: builds the page when stale and launches Chromium before its tests; after each test
 * closes the context and the server and expects no page error or console error to have been collected.
 */
export function centerPageSuite(): CenterPageSuite {
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensurePageBuilt();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    await server?.close();
    server = undefined;
    expect(pageErrors.splice(0)).toEqual([]);
  });

  const current = (): TestServer => {
    if (!server) throw new Error('this test started no server');
    return server;
  };
  return {
    async startServer(overrides) {
      server = await startTestServer(overrides);
      return server;
    },
    server: current,
    async openPage() {
      context ??= await browser!.newContext({ viewport: { width: 1200, height: 900 } });
      return openCenterPage(context, `${current().url}/`, pageErrors);
    },
  };
}

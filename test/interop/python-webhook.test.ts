// A receiver in another language (Python, stdlib only) verifies notify's webhook signatures as docs/webhooks.md shows:
// a tampered request is refused, notify's own is taken.
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../cli/spawn-cli.js';
import { startServer, type TestServer } from '../support/server.js';

const python = process.env['PYTHON'] ?? 'python3';
const pythonAvailable = await promisify(execFile)(python, ['--version']).then(() => true, () => false);
if (!pythonAvailable && process.env['CI'] === 'true') throw new Error(`${python} is required for the interop test under CI`);
if (!pythonAvailable) console.warn(`skipping the Python webhook test: ${python} not found`);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ webhooks: { allowLocal: true, pollIntervalMs: 20, retryBaseMs: 100, retryMaxMs: 200 } });
});
afterAll(async () => {
  await server.close();
});

describe.skipIf(!pythonAvailable)('a Python receiver (stdlib HMAC)', () => {
  it('refuses a tampered request and verifies the events notify sends', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const created = await fetch(`${server.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.pushToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url, events: ['notification.read'] }),
    });
    const { id, secret } = (await created.json()) as { id: string; secret: string };
    const child = spawn(python, [path.resolve('test/interop/verify_webhook.py'), String(port), secret], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: { verified: boolean; webhookId?: string; event?: { type: string; data: Record<string, unknown> } }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      // A request signed for another body: refused (notify retries its own event until the receiver is up).
      const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { endpointId: id, message: 'x' } });
      const headers = { 'webhook-id': 'evt_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': new Webhook(secret).sign('evt_forged', new Date(), `${body} `) };
      let forged: Response | undefined;
      for (let i = 0; i < 100 && forged === undefined; i++) {
        forged = await fetch(url, { method: 'POST', headers, body }).catch(async () => void (await new Promise((resolve) => setTimeout(resolve, 50))));
      }
      expect(forged?.status).toBe(401);

      const pushed = await server.push('py-user', 'info', { title: 't', message: 'm', priority: 'low' });
      await fetch(`${server.url}/api/v1/users/py-user/notifications/${pushed.id}/read`, { method: 'POST', headers: { authorization: `Bearer ${server.pushToken}` } });
      expect(await exited).toBe(0);
      expect(lines[0]).toMatchObject({ verified: false });
      expect(lines.at(-1)).toMatchObject({ verified: true, event: { type: 'notification.read', data: { userId: 'py-user', notificationId: pushed.id } } });
    } finally {
      child.kill();
    }
  }, 30_000);
});

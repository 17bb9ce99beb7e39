// What Web Push adds to the durable push path: pushes/s and CPU per push with no keys, with keys and unsubscribed
// recipients, and with subscribed recipients who are online (the offline check, nothing sent). Memory store, one process.
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { mintToken } from '../src/auth/mint-token.js';
import { makeConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startNotifyServer, type NotifyServer } from '../src/server.js';
import { generateVapidKeys } from '../src/web-push/vapid-keys.js';

type Setup = 'no keys' | 'keys, recipients unsubscribed' | 'keys, recipients subscribed and online';

interface Figures {
  setup: Setup;
  pushesPerSec: number;
  cpuUsPerPush: number;
}

const data = { title: 'Bench notification', message: 'Your export of 1,204 rows is ready to download.', priority: 'low' } as const;

/** Every user pushed to has one device connected (so the pushes are delivered in every setup alike). */
async function connectDevices(server: NotifyServer, secret: string): Promise<WebSocket[]> {
  const url = `${server.url.replace(/^http/, 'ws')}/api/v1/notifications`;
  return Promise.all(
    Array.from({ length: 64 }, async (_, i) => {
      const token = await mintToken({ secret, sub: `user-${i}`, ttlSec: 3600 });
      const socket = new WebSocket(`${url}?token=${token}`);
      await new Promise<void>((resolve, reject) => {
        socket.once('message', () => resolve());
        socket.once('error', reject);
      });
      return socket;
    }),
  );
}

async function start(setup: Setup, subscribedOthers: number): Promise<{ server: NotifyServer; devices: WebSocket[] }> {
  const keys = setup === 'no keys' ? undefined : generateVapidKeys('mailto:bench@notify.invalid');
  const secret = randomBytes(32).toString('hex');
  const config = makeConfig({ port: 0, store: 'memory', logLevel: 'silent', pushToken: randomBytes(16).toString('hex'), jwt: { secret }, webPush: keys ? { keys } : {} });
  const server = await startNotifyServer(config, { logger: createLogger('silent') });
  const webPush = server.context.webPush;
  if (webPush) {
    // Other users with subscriptions: the set the push path looks recipients up in is not empty.
    const keysOf = { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) };
    for (let i = 0; i < subscribedOthers; i++) await webPush.subscriptions.register(`other-${i}`, { endpoint: `https://push.invalid/${i}`, expirationTime: null, keys: keysOf });
    if (setup === 'keys, recipients subscribed and online') {
      for (let i = 0; i < 64; i++) await webPush.subscriptions.register(`user-${i}`, { endpoint: `https://push.invalid/user-${i}`, expirationTime: null, keys: keysOf });
    }
  }
  return { server, devices: await connectDevices(server, secret) };
}

/** `concurrency` writers pushing to 64 users round robin through the fan-out (the push route's path) for `seconds`. */
async function measure(setup: Setup, seconds: number, concurrency: number, subscribedOthers: number): Promise<Figures> {
  const { server, devices } = await start(setup, subscribedOthers);
  try {
    const { fanOut } = server.context;
    let pushed = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let n = worker; performance.now() < deadline; n += concurrency) {
          await fanOut.pushUnlessMuted(`user-${n % 64}`, { type: 'info', data });
          pushed++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    await server.context.webPush?.dispatcher.settled();
    const used = process.cpuUsage(cpu);
    return { setup, pushesPerSec: pushed / elapsed, cpuUsPerPush: (used.user + used.system) / pushed };
  } finally {
    for (const device of devices) device.terminate();
    await server.close();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Run as a script: `node dist/bench/web-push-overhead.js [seconds] [rounds]` prints each setup's median of the rounds.
if (process.argv[1]?.endsWith('web-push-overhead.js')) {
  const seconds = Number(process.argv[2] ?? 2);
  const rounds = Number(process.argv[3] ?? 3);
  const setups: Setup[] = ['no keys', 'keys, recipients unsubscribed', 'keys, recipients subscribed and online'];
  const results = new Map<Setup, Figures[]>(setups.map((s) => [s, []]));
  // Interleaved rounds, so a noisy moment on the machine hits every setup alike.
  for (let round = 0; round < rounds; round++) for (const setup of setups) results.get(setup)!.push(await measure(setup, seconds, 64, 10_000));
  const base = median(results.get('no keys')!.map((f) => f.cpuUsPerPush));
  for (const setup of setups) {
    const figures = results.get(setup)!;
    const cpu = median(figures.map((f) => f.cpuUsPerPush));
    process.stdout.write(
      `${setup.padEnd(40)} ${median(figures.map((f) => f.pushesPerSec)).toFixed(0).padStart(7)} pushes/s  ${cpu.toFixed(1).padStart(6)} µs CPU/push  (${(cpu / base).toFixed(2)}× no keys)\n`,
    );
  }
}

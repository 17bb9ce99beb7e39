// Redis Bus: fan-out between nodes over Redis pub/sub (ioredis), one publisher and one subscriber connection.
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { maskUrlPassword } from '../logger.js';
import { userOf, type Bus, type BusEnvelope } from './bus.js';
import type { UserId } from '../ids.js';

/** Whether the bus can currently both publish and receive. */
export type BusStatus = 'up' | 'down';

export interface RedisBusOptions {
  /**
   * The channel every node of one deployment shares for broadcast and topic envelopes, and the prefix
   * of each user's channel (`<channel>:u:<userId>`); default 'notify:bus'.
   */
  channel?: string;
  /** Defaults to a random UUID. */
  nodeId?: string;
  /** Called on every change: first 'up' once connected, then 'down'/'up' as Redis goes and returns. */
  onStatus?: (status: BusStatus) => void;
  /** Receives subscriber exceptions and unreadable messages; defaults to `process.emitWarning`. */
  onError?: (error: unknown) => void;
  /** How long a publish may wait for Redis before it rejects; default 2000. */
  commandTimeoutMs?: number;
  /** How long the first connection may take before `createRedisBus` rejects; default 5000. */
  connectTimeoutMs?: number;
  /** Upper bound of the reconnect back-off; default 2000. */
  maxReconnectDelayMs?: number;
}

/**
 * Opens a bus over Redis pub/sub; resolves once both connections are up and the channel is
 * subscribed, rejects if Redis cannot be reached at start.
 *
 * Routing: each user has a channel of their own, subscribed by the nodes holding a device of theirs
 * (`watch`), so a push to a user costs only those nodes; broadcast and topic envelopes go on the
 * shared channel, which every node subscribes.
 * Guarantees: at most once. Every node an envelope is routed to, this one included, receives it
 * once, in publish order per publisher, as a JSON copy. A node does not filter
 * its own echoes: the consumer ignores envelopes whose `origin` is its `nodeId`. Anything
 * published while a node is cut off from Redis is lost for that node (its clients resume from
 * the store). While Redis is away `publish` rejects at once (nothing is queued) or, on a silent
 * connection, after `commandTimeoutMs`; it never hangs and never buffers. Both connections
 * reconnect with back-off, and the subscriber resubscribes before the status turns 'up'.
 */
export async function createRedisBus(url: string, options: RedisBusOptions = {}): Promise<Bus> {
  const channel = options.channel ?? 'notify:bus';
  const nodeId = options.nodeId ?? randomUUID();
  const onError = options.onError ?? reportError;
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  let started = false;
  let closed = false;

  const base: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // No retries before the first connection succeeds, so a wrong URL fails fast at start.
    retryStrategy: (attempt) => (started && !closed ? Math.min(50 * 2 ** attempt, maxDelay) : null),
    keepAlive: 10_000,
  };
  const sentinel = /^redis\+sentinel:\/\//i.test(url) ? parseSentinelUrl(url) : undefined;
  const connectTo = (extra: RedisOptions): Redis => (sentinel ? new Redis({ ...sentinel, ...extra }) : new Redis(url, extra));
  const publisher = connectTo({
    ...base,
    connectionName: `notify-bus-pub-${nodeId}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? 2000,
  });
  const subscriber = connectTo({
    ...base,
    connectionName: `notify-bus-sub-${nodeId}`,
    // Resubscribed by hand on 'ready', so 'up' is only reported once SUBSCRIBE is acknowledged.
    autoResubscribe: false,
    maxRetriesPerRequest: null,
  });

  const listeners = new Set<(envelope: BusEnvelope) => void>();
  /** Users with a device on this node: their channels are subscribed (again after every reconnect). */
  const watched = new Set<UserId>();
  const userPrefix = `${channel}:u:`;
  const channelOf = (envelope: BusEnvelope): string => {
    const user = userOf(envelope);
    return user === undefined ? channel : `${userPrefix}${user}`;
  };
  /** SUBSCRIBE in slices, so that a node with many users does not send one huge command. */
  const subscribeAll = async (): Promise<void> => {
    const all = [channel, ...[...watched].map((u) => `${userPrefix}${u}`)];
    for (let i = 0; i < all.length; i += 1000) await subscriber.subscribe(...all.slice(i, i + 1000));
  };
  let pubUp = false;
  let subUp = false;
  let status: BusStatus = 'down';
  let lastError: unknown;
  const update = (): void => {
    const next: BusStatus = pubUp && subUp ? 'up' : 'down';
    if (next === status) return;
    status = next;
    if (started && !closed) options.onStatus?.(status);
  };

  // Connection errors surface as status changes (and as rejected publishes), not as events.
  const remember = (error: unknown): void => {
    lastError = error;
  };
  publisher.on('error', remember);
  subscriber.on('error', remember);
  publisher.on('ready', () => {
    pubUp = true;
    update();
  });
  publisher.on('close', () => {
    pubUp = false;
    update();
  });
  subscriber.on('close', () => {
    subUp = false;
    update();
  });
  subscriber.on('ready', () => {
    if (!started) return; // the first SUBSCRIBE is awaited below
    subscribeAll().then(
      () => {
        subUp = subscriber.status === 'ready';
        update();
      },
      () => undefined, // the connection dropped again; the next 'ready' retries
    );
  });
  subscriber.on('message', (from: string, text: string) => {
    if ((from !== channel && !from.startsWith(userPrefix)) || listeners.size === 0) return;
    let envelope: BusEnvelope;
    try {
      envelope = JSON.parse(text) as BusEnvelope;
    } catch (error) {
      onError(new Error(`redis bus ${nodeId}: unreadable message on ${channel}`, { cause: error }));
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(envelope);
      } catch (error) {
        onError(error);
      }
    }
  });

  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(channel);
    subUp = true;
  } catch (error) {
    closed = true;
    publisher.disconnect();
    subscriber.disconnect();
    throw new Error(`redis bus: cannot reach ${maskUrlPassword(url)}: ${describe(lastError ?? error)}`, {
      cause: lastError ?? error,
    });
  }
  started = true;
  update(); // reports the first 'up'

  const inFlight = new Set<Promise<unknown>>();
  const live = (what: string): void => {
    if (closed) throw new Error(`redis bus ${nodeId}: ${what} after close()`);
  };

  return {
    nodeId,

    async publish(envelope) {
      live('publish');
      const sent = publisher.publish(channelOf(envelope), JSON.stringify(envelope));
      inFlight.add(sent);
      try {
        await sent;
      } catch (error) {
        throw new Error(`redis bus ${nodeId}: publish failed (Redis unavailable): ${describe(error)}`, {
          cause: error,
        });
      } finally {
        inFlight.delete(sent);
      }
    },

    async subscribe(onEnvelope) {
      live('subscribe');
      // Wrapped so the same function subscribed twice counts as two subscriptions.
      const listener = (envelope: BusEnvelope): void => onEnvelope(envelope);
      listeners.add(listener);
      return async () => void listeners.delete(listener);
    },

    async watch(userId) {
      live('watch');
      if (watched.has(userId)) return;
      watched.add(userId);
      // While Redis is away the SUBSCRIBE waits in the offline queue; the resubscribe on 'ready' covers it.
      const done = subscriber.subscribe(`${userPrefix}${userId}`).then(() => undefined, () => undefined);
      if (status !== 'up') return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.commandTimeoutMs ?? 2000)));
      await Promise.race([done, late]);
      clearTimeout(timer);
    },

    unwatch(userId) {
      if (closed || !watched.delete(userId)) return;
      subscriber.unsubscribe(`${userPrefix}${userId}`).catch(() => undefined);
    },

    // PUBSUB NUMSUB on the publisher connection: after any PUBLISH this node sent before it (one connection, in order).
    async watchedAmong(users) {
      if (closed || status !== 'up') return undefined;
      const found = new Set<UserId>();
      try {
        for (let i = 0; i < users.length; i += 500) {
          const slice = users.slice(i, i + 500);
          const reply = (await publisher.call('PUBSUB', 'NUMSUB', ...slice.map((u) => `${userPrefix}${u}`))) as unknown[];
          slice.forEach((userId, at) => {
            if (Number(reply[2 * at + 1]) > 0) found.add(userId);
          });
        }
      } catch {
        return undefined;
      }
      return found;
    },

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      // Let publishes already handed to Redis settle (bounded by commandTimeoutMs).
      await Promise.allSettled([...inFlight]);
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/**
 * `redis+sentinel://[:password@]host:port[,host:port…][/db]?name=PRIMARY`: the sentinels to ask and the
 * name of the primary they manage; the bus follows the primary through failovers.
 */
export function parseSentinelUrl(url: string): RedisOptions {
  const match = /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/?]+)(?:\/(\d+))?\/?(?:\?(.*))?$/i.exec(url);
  const name = new URLSearchParams(match?.[4] ?? '').get('name');
  if (!match || !name) throw new Error('invalid Redis Sentinel URL: expected redis+sentinel://[:password@]host:port[,host:port…][/db]?name=PRIMARY');
  const sentinels = match[2]!.split(',').map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    const port = Number(at < 0 ? 26379 : hostPort.slice(at + 1));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('invalid Redis Sentinel URL: each sentinel is host:port');
    return { host: at < 0 ? hostPort : hostPort.slice(0, at), port };
  });
  const auth = match[1];
  const password = auth === undefined ? undefined : decodeURIComponent(auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : auth);
  return { sentinels, name, ...(password ? { password } : {}), ...(match[3] === undefined ? {} : { db: Number(match[3]) }) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function reportError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'NotifyBusWarning');
}

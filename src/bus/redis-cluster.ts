// Redis Cluster Bus (ioredis Cluster): sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7+) with per-user channels, classic pub/sub before 7.
import { randomUUID } from 'node:crypto';
import { Cluster, type ClusterOptions } from 'ioredis';
import { userOf, type Bus, type BusEnvelope } from './bus.js';
import type { UserId } from '../ids.js';
import type { RedisBusOptions } from './redis.js';

/** `redis+cluster://[:password@]host:port[,host:port…]`: the seed nodes of a cluster (any few of its primaries). */
export function parseClusterUrl(url: string): { nodes: { host: string; port: number }[]; password?: string } {
  const match = /^redis\+cluster:\/\/(?:([^@/]*)@)?([^/?]+)\/?$/i.exec(url);
  if (!match) throw new Error(`invalid Redis Cluster URL: expected redis+cluster://[:password@]host:port[,host:port…]`);
  const auth = match[1];
  const nodes = match[2]!.split(',').map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    const port = Number(at < 0 ? 6379 : hostPort.slice(at + 1));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('invalid Redis Cluster URL: each node is host:port');
    return { host: at < 0 ? hostPort : hostPort.slice(0, at), port };
  });
  const password = auth === undefined ? undefined : decodeURIComponent(auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : auth);
  return password ? { nodes, password } : { nodes };
}

/**
 * Opens a bus over a Redis Cluster; resolves once the cluster is ready and the shared channel subscribed.
 *
 * Sharded pub/sub where the servers support it (Redis 7: SPUBLISH/SSUBSCRIBE): a channel lives on the
 * shard of its hash slot, so per-user channels spread over the primaries and a publish touches one
 * shard instead of being broadcast over the whole cluster bus. Before Redis 7 it falls back to classic
 * PUBLISH/SUBSCRIBE (every primary relays every message). Routing and guarantees are those of the
 * standalone Redis bus (at most once; 'deliver'/'read' to nodes watching the user, 'shared' to all).
 * The status follows the cluster client: 'down' when it loses the cluster, 'up' when it is ready again.
 */
export async function createRedisClusterBus(url: string, options: RedisBusOptions = {}): Promise<Bus> {
  const { nodes, password } = parseClusterUrl(url);
  const channel = options.channel ?? 'notify:bus';
  const nodeId = options.nodeId ?? randomUUID();
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'NotifyBusWarning'));
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  let started = false;
  let closed = false;
  const clusterOptions = (sharded: boolean): ClusterOptions => ({
    lazyConnect: true,
    shardedSubscribers: sharded,
    enableOfflineQueue: false,
    clusterRetryStrategy: (attempt) => (started && !closed ? Math.min(50 * 2 ** attempt, maxDelay) : null),
    redisOptions: {
      connectTimeout: options.connectTimeoutMs ?? 5000,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectionName: `notify-bus-${nodeId}`,
      ...(password === undefined ? {} : { password }),
    },
  });

  // Which pub/sub the servers speak decides how the client is built, so ask one short-lived client first.
  let sharded: boolean;
  const probe = new Cluster(nodes, clusterOptions(false));
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const info = (await probe.call('COMMAND', 'INFO', 'SPUBLISH')) as unknown[];
    sharded = Array.isArray(info) && info[0] !== null && info[0] !== undefined;
  } catch (error) {
    throw new Error(`redis cluster bus: cannot reach ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}: ${describe(error)}`, { cause: error });
  } finally {
    probe.disconnect();
  }

  const cluster = new Cluster(nodes, clusterOptions(sharded));
  cluster.on('error', () => undefined); // surfaces as status changes and rejected publishes
  const listeners = new Set<(envelope: BusEnvelope) => void>();
  const watched = new Set<UserId>();
  const userPrefix = `${channel}:u:`;
  const channelOf = (envelope: BusEnvelope): string => {
    const user = userOf(envelope);
    return user === undefined ? channel : `${userPrefix}${user}`;
  };
  // SSUBSCRIBE takes channels of one slot per call: one call per channel.
  const subscribe = (name: string): Promise<unknown> => (sharded ? cluster.ssubscribe(name) : cluster.subscribe(name));
  const unsubscribe = (name: string): Promise<unknown> => (sharded ? cluster.sunsubscribe(name) : cluster.unsubscribe(name));
  const onMessage = (from: string, text: string): void => {
    if ((from !== channel && !from.startsWith(userPrefix)) || listeners.size === 0) return;
    let envelope: BusEnvelope;
    try {
      envelope = JSON.parse(text) as BusEnvelope;
    } catch (error) {
      onError(new Error(`redis cluster bus ${nodeId}: unreadable message on ${from}`, { cause: error }));
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(envelope);
      } catch (error) {
        onError(error);
      }
    }
  };
  cluster.on(sharded ? 'smessage' : 'message', onMessage);
  let up = false;
  const report = (next: boolean): void => {
    if (next === up) return;
    up = next;
    if (started && !closed) options.onStatus?.(up ? 'up' : 'down');
  };
  cluster.on('ready', () => report(true));
  cluster.on('close', () => report(false));
  cluster.on('end', () => report(false));

  try {
    await cluster.connect();
    // Commands sent while a primary's connection is still being opened can overtake one another (seen with
    // ioredis 5.11): opening every connection first keeps each channel's publishes in order.
    await Promise.all(cluster.nodes('master').map((node) => node.ping()));
    await subscribe(channel);
    up = true;
  } catch (error) {
    closed = true;
    cluster.disconnect();
    throw new Error(`redis cluster bus: cannot subscribe on ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}: ${describe(error)}`, { cause: error });
  }
  started = true;
  options.onStatus?.('up');

  const live = (what: string): void => {
    if (closed) throw new Error(`redis cluster bus ${nodeId}: ${what} after close()`);
  };
  return {
    nodeId,

    async publish(envelope) {
      live('publish');
      const text = JSON.stringify(envelope);
      const name = channelOf(envelope);
      try {
        await (sharded ? cluster.spublish(name, text) : cluster.publish(name, text));
      } catch (error) {
        throw new Error(`redis cluster bus ${nodeId}: publish failed (cluster unavailable): ${describe(error)}`, { cause: error });
      }
    },

    async subscribe(onEnvelope) {
      live('subscribe');
      const listener = (envelope: BusEnvelope): void => onEnvelope(envelope);
      listeners.add(listener);
      return async () => void listeners.delete(listener);
    },

    async watch(userId) {
      live('watch');
      if (watched.has(userId)) return;
      watched.add(userId);
      // The client resubscribes its channels itself after a reconnect or a slot move.
      await subscribe(`${userPrefix}${userId}`).catch(() => undefined);
    },

    unwatch(userId) {
      if (closed || !watched.delete(userId)) return;
      unsubscribe(`${userPrefix}${userId}`).catch(() => undefined);
    },

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      cluster.disconnect();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

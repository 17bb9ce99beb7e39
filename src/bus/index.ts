// The one place a Bus backend is chosen from a `--bus` URL.
import cluster from 'node:cluster';
import { maskUrlPassword } from '../logger.js';
import type { Bus } from './bus.js';
import { createClusterWorkerBus } from './cluster.js';
import { createLocalBus } from './local.js';
import type { BusStatus } from './redis.js';

export type { Bus, BusEnvelope } from './bus.js';
export type { BusStatus } from './redis.js';
export { createLocalBus, createLocalHub, type LocalHub } from './local.js';
export { createClusterWorkerBus, relayClusterBus } from './cluster.js';

export interface OpenBusOptions {
  /** Redis only: the pub/sub channel; default 'notify:bus'. */
  channel?: string;
  /** Defaults to a random UUID. */
  nodeId?: string;
  /** Redis only: told when the bus goes 'down' and comes back 'up'. */
  onStatus?: (status: BusStatus) => void;
  /** Receives subscriber exceptions (and unreadable Redis messages); defaults to `process.emitWarning`. */
  onError?: (error: unknown) => void;
}

/**
 * Opens the bus a `--bus` URL names:
 * - 'local': the in-process bus (single process), or, in a node:cluster worker started with
 *   NOTIFY_CLUSTER_BUS=1, the cluster bus relayed by the primary (one machine, no Redis);
 * - 'redis://…' / 'rediss://…': the Redis pub/sub bus, shared by every node using that Redis
 *   and channel; rejects if Redis cannot be reached at start;
 * - 'redis+sentinel://host:port[,…]?name=PRIMARY': the same, on the primary a Sentinel group manages;
 * - 'redis+cluster://host:port[,…]': a Redis Cluster, sharded pub/sub where supported (Redis 7+).
 * Any other URL rejects with a message listing the accepted forms.
 */
export async function openBus(url: string, options: OpenBusOptions = {}): Promise<Bus> {
  const { nodeId, onError } = options;
  if (url === 'local') {
    if (cluster.isWorker && process.env.NOTIFY_CLUSTER_BUS === '1') {
      return createClusterWorkerBus({ nodeId, onError });
    }
    return createLocalBus({ nodeId, onError });
  }
  if (/^(rediss?|redis\+sentinel):\/\//i.test(url)) {
    // Loaded on use: a process without a Redis bus never loads ioredis.
    const { createRedisBus } = await import('./redis.js');
    return createRedisBus(url, options);
  }
  if (/^redis\+cluster:\/\//i.test(url)) {
    const { createRedisClusterBus } = await import('./redis-cluster.js');
    return createRedisClusterBus(url, options);
  }
  const shown = JSON.stringify(maskUrlPassword(url));
  throw new Error(`unsupported bus ${shown}: expected 'local', 'redis://…', 'rediss://…', 'redis+sentinel://…?name=…' or 'redis+cluster://…'`);
}

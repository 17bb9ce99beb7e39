// Cluster Bus: node:cluster workers on one machine share fan-out through the primary over IPC, no Redis.
import type { Cluster } from 'node:cluster';
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { userOf, type Bus, type BusEnvelope } from './bus.js';
import type { UserId } from '../ids.js';

/** How bus envelopes travel over IPC; any message without this key is someone else's. */
interface BusMessage {
  notifyBus: BusEnvelope;
}

function isBusMessage(message: unknown): message is BusMessage {
  return typeof message === 'object' && message !== null && 'notifyBus' in message;
}

export interface ClusterWorkerBusOptions {
  /** Defaults to a random UUID. */
  nodeId?: string;
  /** Receives anything a subscriber throws; defaults to `process.emitWarning`. */
  onError?: (error: unknown) => void;
}

/**
 * The worker side of the cluster bus; throws unless this process is a node:cluster worker, and
 * needs `relayClusterBus` running in the primary.
 *
 * Guarantees: at most once. `publish` resolves once the envelope is handed to the IPC channel;
 * the primary relays it to every worker, this one included, so every subscribed worker receives
 * it once, and all workers see all envelopes in the same order (the primary's arrival order,
 * which keeps each publisher's order). Envelopes are lost if the primary or the IPC channel is
 * gone, and a worker receives nothing published before it subscribed. Subscribers get a copy.
 */
export function createClusterWorkerBus(options: ClusterWorkerBusOptions = {}): Bus {
  if (!cluster.isWorker || typeof process.send !== 'function') {
    throw new Error('createClusterWorkerBus() must run in a node:cluster worker (no IPC channel here)');
  }
  const nodeId = options.nodeId ?? randomUUID();
  const onError = options.onError ?? reportError;
  const listeners = new Set<(envelope: BusEnvelope) => void>();
  const watched = new Set<UserId>();
  let closed = false;

  const onMessage = (message: unknown): void => {
    if (!isBusMessage(message)) return;
    // Workers of one machine share one IPC relay: routing is a filter here, not a saving of traffic.
    const user = userOf(message.notifyBus);
    if (user !== undefined && !watched.has(user)) return;
    for (const listener of [...listeners]) {
      try {
        listener(message.notifyBus);
      } catch (error) {
        onError(error);
      }
    }
  };
  // Listening on process 'message' keeps the IPC channel (and the worker) alive, so we listen
  // only while someone is subscribed.
  const remove = (listener: (envelope: BusEnvelope) => void): void => {
    listeners.delete(listener);
    if (listeners.size === 0) process.off('message', onMessage);
  };
  const live = (what: string): void => {
    if (closed) throw new Error(`cluster bus ${nodeId}: ${what} after close()`);
  };

  return {
    nodeId,

    publish(envelope) {
      live('publish');
      return new Promise<void>((resolve, reject) => {
        const message: BusMessage = { notifyBus: envelope };
        if (!process.send || !process.connected) {
          reject(new Error(`cluster bus ${nodeId}: publish failed, the IPC channel to the primary is closed`));
          return;
        }
        process.send(message, undefined, undefined, (error: Error | null) => {
          if (!error) return resolve();
          reject(new Error(`cluster bus ${nodeId}: publish failed: ${error.message}`, { cause: error }));
        });
      });
    },

    async subscribe(onEnvelope) {
      live('subscribe');
      // Wrapped so the same function subscribed twice counts as two subscriptions.
      const listener = (envelope: BusEnvelope): void => onEnvelope(envelope);
      if (listeners.size === 0) process.on('message', onMessage);
      listeners.add(listener);
      return async () => remove(listener);
    },

    async watch(userId) {
      watched.add(userId);
    },

    unwatch(userId) {
      watched.delete(userId);
    },

    async close() {
      closed = true;
      for (const listener of [...listeners]) remove(listener);
    },
  };
}

/**
 * The primary side of the cluster bus: relays every bus envelope from any worker to every
 * connected worker, the sender included, in arrival order; other IPC traffic passes untouched.
 * Covers workers forked later too. Returns a function that stops relaying.
 */
export function relayClusterBus(target: Cluster = cluster): () => void {
  if (!target.isPrimary) throw new Error('relayClusterBus() must run in the node:cluster primary');
  const relay = (_from: unknown, message: unknown): void => {
    if (!isBusMessage(message)) return;
    for (const worker of Object.values(target.workers ?? {})) {
      // A worker that is exiting misses the envelope (at most once); its send error is expected.
      if (worker?.isConnected()) worker.send(message, () => undefined);
    }
  };
  target.on('message', relay);
  return () => void target.off('message', relay);
}

function reportError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'NotifyBusWarning');
}

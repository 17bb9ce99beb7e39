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

/** A worker tells the primary it started (`on`) or stopped watching a user, so the primary can answer presence. */
interface WatchMessage {
  notifyBusWatch: { userId: UserId; on: boolean };
}
/** A worker asks which of `users` any worker watches; the primary answers with a {@link PresentMessage} of the same id. */
interface PresenceMessage {
  notifyBusPresence: { id: number; users: UserId[] };
}
interface PresentMessage {
  notifyBusPresent: { id: number; users: UserId[] };
}

const has = <K extends string>(message: unknown, key: K): message is Record<K, unknown> => typeof message === 'object' && message !== null && key in message;

/** How long a worker waits for the primary's presence answer before it cannot tell. */
const presenceTimeoutMs = 1000;

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
 * Presence: each worker tells the primary whom it watches, and `watchedAmong` asks the primary (undefined when it
 * does not answer within a second).
 */
export function createClusterWorkerBus(options: ClusterWorkerBusOptions = {}): Bus {
  if (!cluster.isWorker || typeof process.send !== 'function') {
    throw new Error('createClusterWorkerBus() must run in a node:cluster worker (no IPC channel here)');
  }
  const nodeId = options.nodeId ?? randomUUID();
  const onError = options.onError ?? reportError;
  const listeners = new Set<(envelope: BusEnvelope) => void>();
  const watched = new Set<UserId>();
  const asked = new Map<number, (users: Set<UserId> | undefined) => void>();
  let lastAsk = 0;
  let closed = false;
  const tell = (message: WatchMessage | PresenceMessage): boolean => {
    if (!process.send || !process.connected) return false;
    process.send(message, undefined, undefined, () => undefined);
    return true;
  };

  const onMessage = (message: unknown): void => {
    if (has(message, 'notifyBusPresent')) {
      const { id, users } = (message as unknown as PresentMessage).notifyBusPresent;
      asked.get(id)?.(new Set(users));
      return;
    }
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
  let listening = false;
  /** Listens while someone is subscribed or a presence answer is awaited (see above), once. */
  const listenAsNeeded = (): void => {
    const needed = listeners.size > 0 || asked.size > 0;
    if (needed && !listening) process.on('message', onMessage);
    if (!needed && listening) process.off('message', onMessage);
    listening = needed;
  };
  const remove = (listener: (envelope: BusEnvelope) => void): void => {
    listeners.delete(listener);
    listenAsNeeded();
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
      listeners.add(listener);
      listenAsNeeded();
      return async () => remove(listener);
    },

    async watch(userId) {
      if (watched.has(userId)) return;
      watched.add(userId);
      tell({ notifyBusWatch: { userId, on: true } });
    },

    unwatch(userId) {
      if (!watched.delete(userId)) return;
      tell({ notifyBusWatch: { userId, on: false } });
    },

    // Asked over the same IPC channel as the publishes, so the primary answers after it relayed them.
    watchedAmong(users) {
      if (closed || users.length === 0) return Promise.resolve(closed ? undefined : new Set<UserId>());
      const id = ++lastAsk;
      return new Promise((resolve) => {
        const timer = setTimeout(() => answer(undefined), presenceTimeoutMs);
        const answer = (found: Set<UserId> | undefined): void => {
          clearTimeout(timer);
          asked.delete(id);
          listenAsNeeded();
          resolve(found);
        };
        asked.set(id, answer);
        listenAsNeeded();
        if (!tell({ notifyBusPresence: { id, users: [...users] } })) answer(undefined);
      });
    },

    async close() {
      closed = true;
      for (const listener of [...listeners]) remove(listener);
      for (const answer of [...asked.values()]) answer(undefined);
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
  /** The users each worker watches (has a device of), by worker id: what presence questions are answered from. */
  const watching = new Map<number, Set<UserId>>();
  const presence = (from: { id: number; send?: (message: PresentMessage, callback: () => void) => unknown }, message: unknown): boolean => {
    if (has(message, 'notifyBusWatch')) {
      const { userId, on } = (message as unknown as WatchMessage).notifyBusWatch;
      const set = watching.get(from.id) ?? new Set<UserId>();
      watching.set(from.id, set);
      if (on) set.add(userId);
      else set.delete(userId);
      return true;
    }
    if (has(message, 'notifyBusPresence')) {
      const { id, users } = (message as unknown as PresenceMessage).notifyBusPresence;
      const found = users.filter((userId) => [...watching.values()].some((set) => set.has(userId)));
      from.send?.({ notifyBusPresent: { id, users: found } }, () => undefined);
      return true;
    }
    return false;
  };
  const forget = (worker: { id: number }): void => void watching.delete(worker.id);
  target.on('exit', forget);
  const relay = (from: { id: number; send?: (message: PresentMessage, callback: () => void) => unknown }, message: unknown): void => {
    if (presence(from, message)) return;
    if (!isBusMessage(message)) return;
    for (const worker of Object.values(target.workers ?? {})) {
      // A worker that is exiting misses the envelope (at most once); its send error is expected.
      if (worker?.isConnected()) worker.send(message, () => undefined);
    }
  };
  target.on('message', relay);
  return () => {
    target.off('message', relay);
    target.off('exit', forget);
  };
}

function reportError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'NotifyBusWarning');
}

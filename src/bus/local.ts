// In-process Bus: the default backend; single-process only (nothing crosses a process boundary).
import { randomUUID } from 'node:crypto';
import { userOf, type Bus, type BusEnvelope } from './bus.js';
import type { UserId } from '../ids.js';

/** A subscription; `watched` is its bus's set of users (routing happens at delivery). */
type Listener = { on: (envelope: BusEnvelope) => void; active: boolean; watched: ReadonlySet<UserId> };

/**
 * The shared medium of local buses: every bus joined to one hub sees every envelope published
 * on it. Buses made without an explicit hub each get a private one, so two servers in one test
 * process never hear each other unless they are given the same hub on purpose.
 */
export interface LocalHub {
  readonly kind: 'local-bus-hub';
}

/** Listeners of every live bus on a hub, in subscription order. */
const hubListeners = new WeakMap<LocalHub, Set<Listener>>();

/** A new, empty hub; pass it to several `createLocalBus` calls to make them one network. */
export function createLocalHub(): LocalHub {
  const hub: LocalHub = Object.freeze({ kind: 'local-bus-hub' });
  hubListeners.set(hub, new Set());
  return hub;
}

export interface LocalBusOptions {
  /** Defaults to a private hub (a network of one node). */
  hub?: LocalHub;
  /** Defaults to a random UUID. */
  nodeId?: string;
  /** Receives anything a subscriber throws; defaults to `process.emitWarning`. */
  onError?: (error: unknown) => void;
}

/**
 * A bus that lives in this process's memory; the default, and single-process only: other
 * processes never see its envelopes (use the Redis or cluster bus for that).
 *
 * Guarantees: `publish` never delivers synchronously; each envelope reaches every subscriber
 * on the hub it is routed to (see Bus.publish; this node included) exactly once, in a microtask after `publish`, and envelopes
 * arrive in publish order. Subscribers get the publisher's object by reference: neither side
 * may mutate it. A subscriber that throws is reported to `onError`; the others still receive.
 * An unsubscribed listener receives nothing further, even envelopes already queued.
 */
export function createLocalBus(options: LocalBusOptions = {}): Bus {
  const listeners = hubListeners.get(options.hub ?? createLocalHub());
  if (!listeners) throw new TypeError('createLocalBus: `hub` must come from createLocalHub()');
  const nodeId = options.nodeId ?? randomUUID();
  const onError = options.onError ?? reportError;
  const own = new Set<Listener>();
  const watched = new Set<UserId>();
  let closed = false;

  const live = (what: string): void => {
    if (closed) throw new Error(`local bus ${nodeId}: ${what} after close()`);
  };
  const remove = (listener: Listener): void => {
    listener.active = false;
    own.delete(listener);
    listeners.delete(listener);
  };

  return {
    nodeId,

    async publish(envelope) {
      live('publish');
      const user = userOf(envelope);
      // A promise job, not queueMicrotask: that one wraps every call in an AsyncResource (~1 % of a push's CPU).
      void Promise.resolve().then(() => {
        for (const listener of [...listeners]) {
          if (!listener.active || (user !== undefined && !listener.watched.has(user))) continue;
          try {
            listener.on(envelope);
          } catch (error) {
            onError(error);
          }
        }
      });
    },

    async subscribe(onEnvelope) {
      live('subscribe');
      const listener: Listener = { on: onEnvelope, active: true, watched };
      own.add(listener);
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
      for (const listener of [...own]) remove(listener);
    },
  };
}

function reportError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'NotifyBusWarning');
}

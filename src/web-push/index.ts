// Web Push as one service the server wires: keys, subscriptions, the dispatcher on the push path, the sender, outcomes.
import type { Notification } from '../../generated/index.js';
import type { Bus } from '../bus/bus.js';
import type { BusStatus } from '../bus/redis.js';
import type { Catalog } from '../catalog/catalog.js';
import type { WebPushConfig } from '../config.js';
import type { FanOut } from '../hub/fan-out.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { NotificationStore } from '../store/store.js';
import { SubscribedUsers } from './directory.js';
import { WebPushDispatcher, type DispatcherOptions } from './dispatcher.js';
import { displayOf, type WebPushDisplay } from './payload.js';
import { ReadTokens } from './read-token.js';
import { WebPushSender, type WebPushOutcomeListener, type WebPushSenderOptions } from './sender.js';
import { Subscriptions } from './subscriptions.js';
import { readVapidKeys, type VapidKeys } from './vapid-keys.js';

export type { WebPushOutcome, WebPushOutcomeListener, WebPushResult } from './sender.js';
export type { VapidKeys } from './vapid-keys.js';

export interface WebPushService {
  /** The VAPID public key: the `applicationServerKey` browsers subscribe with. */
  readonly publicKey: string;
  readonly subscriptions: Subscriptions;
  readonly readTokens: ReadTokens;
  readonly dispatcher: WebPushDispatcher;
  /**
   * Adds a listener of every Web Push message's final outcome (subscription id, user, notification id, HTTP status,
   * whether the subscription was removed): the one hook for webhooks such as `web_push.failed`. Returns its removal.
   */
  onOutcome(listener: WebPushOutcomeListener): () => void;
  /** Reads the subscribed users and starts draining the queue of shared pushes. */
  start(): Promise<void>;
  /** Told when the bus comes back after an outage (the subscribed users are read again). */
  onBusStatus(status: BusStatus): void;
  close(): Promise<void>;
}

export interface WebPushDeps {
  config: WebPushConfig;
  store: NotificationStore;
  bus: Bus;
  hub: Hub;
  fanOut: FanOut;
  catalog: Catalog;
  metrics: Metrics;
  logger: Logger;
  /** How a notification is shown; default: the catalog's display templates (`x-notify-display`). */
  display?: (notification: Notification) => WebPushDisplay;
  sender?: Partial<Omit<WebPushSenderOptions, 'keys' | 'store' | 'metrics' | 'logger'>>;
  dispatcher?: DispatcherOptions;
}

/** The configured keys (the keys themselves, else the file's), or undefined when Web Push is off. */
export async function webPushKeysOf(config: WebPushConfig): Promise<VapidKeys | undefined> {
  if (config.keys) return config.keys;
  return config.keysFile === undefined ? undefined : readVapidKeys(config.keysFile);
}

/** Builds the service and hooks its dispatcher onto the fan-out's push path; nothing runs until `start()`. */
export function createWebPush(keys: VapidKeys, deps: WebPushDeps): WebPushService {
  const { config, store, bus, hub, fanOut, catalog, metrics, logger } = deps;
  const users = new SubscribedUsers(store.webPush, bus, logger);
  const subscriptions = new Subscriptions(store.webPush, users, { maxPerUser: config.maxSubscriptionsPerUser, allowHttp: config.allowHttp }, logger);
  const sender = new WebPushSender({ keys, store: store.webPush, metrics, logger, concurrency: config.concurrency, ...deps.sender });
  const readTokens = new ReadTokens(keys);
  const dispatcher = new WebPushDispatcher(
    { store, bus, hub, catalog, users, sender, readTokens, display: deps.display ?? ((notification) => displayOf(catalog.displayTemplates, notification)), logger },
    deps.dispatcher,
  );
  // A dead subscription the sender removed may have been the user's last.
  sender.onOutcome((outcome) => {
    if (outcome.removed) subscriptions.removedBySender(outcome.userId).catch(() => undefined);
  });
  let unsubscribe: (() => Promise<void>) | undefined;
  let busWasDown = false;
  return {
    publicKey: keys.publicKey,
    subscriptions,
    readTokens,
    dispatcher,
    onOutcome: (listener) => sender.onOutcome(listener),
    async start() {
      unsubscribe = await bus.subscribe((envelope) => users.onEnvelope(envelope));
      await users.load();
      fanOut.observe(dispatcher);
      dispatcher.start();
    },
    onBusStatus(status) {
      if (status === 'down') busWasDown = true;
      else if (busWasDown) {
        busWasDown = false;
        users.reload();
      }
    },
    async close() {
      await dispatcher.close();
      await sender.close();
      await unsubscribe?.();
    },
  };
}

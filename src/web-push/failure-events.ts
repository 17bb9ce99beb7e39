// Turns Web Push messages that did not reach their push service into `web_push.failed` webhook events.
import type { WebhookWebPushFailedData, WebhookWebPushResult } from '../../generated/index.js';
import type { Logger } from '../logger.js';
import type { WebhookStore } from '../store/webhooks.js';
import type { WebPushOutcome, WebPushOutcomeListener, WebPushResult } from './sender.js';

/** Every outcome but `sent` and `expired` (the notification ended before it could go, as asked) is a failure: the contract's results. */
const isFailure = (result: WebPushResult): result is WebhookWebPushResult => result !== 'sent' && result !== 'expired';

/** The event's `data` (the contract's WebhookWebPushFailedData); `status` is left out when the push service never answered. */
function webPushFailedData(outcome: WebPushOutcome & { result: WebhookWebPushResult }): WebhookWebPushFailedData {
  return {
    userId: outcome.userId,
    notificationId: outcome.notificationId,
    notificationType: outcome.type,
    subscriptionId: outcome.subscriptionId,
    result: outcome.result,
    ...(outcome.status === null ? {} : { status: outcome.status }),
    removed: outcome.removed,
    attempts: outcome.attempts,
  };
}

/**
 * Listens to Web Push outcomes and queues a `web_push.failed` event for each failure, ordered with the user's other
 * events. Costs one Set lookup per outcome while no enabled endpoint wants the type. The event is queued once the
 * outcome is known: a process killed between the push service's answer and that write loses it (the message itself
 * was never durable either; see docs/webhooks.md).
 */
export function webPushFailureReporter(store: WebhookStore, logger: Logger): WebPushOutcomeListener {
  return (outcome) => {
    const { result } = outcome;
    if (!isFailure(result) || !store.wants('web_push.failed')) return;
    store.enqueueEvent('web_push.failed', outcome.userId, { ...webPushFailedData({ ...outcome, result }) }, Date.now()).catch((error: unknown) => {
      logger.warn({ err: error, notificationId: outcome.notificationId }, 'webhooks: could not queue web_push.failed');
    });
  };
}

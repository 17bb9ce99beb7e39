// Prometheus metrics of one server instance (its own registry, so several servers can share a process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration } from 'prom-client';

export interface Metrics {
  registry: Registry;
  connections: Gauge;
  messagesSent: Counter<'type'>;
  validationFailures: Counter<'type'>;
  pushes: Counter<'result'>;
  pushLatencySeconds: Histogram;
  slowConsumersClosed: Counter;
  busMessagesReceived: Counter<'kind'>;
  busCatchUps: Counter;
  busUp: Gauge;
  webhooksSent: Counter<'type'>;
  webhooksFailed: Counter<'type'>;
  webhooksRetried: Counter<'type'>;
  webhooksDeadLettered: Counter<'type'>;
  webhookQueueDepth: Gauge;
  webhookOldestPendingSeconds: Gauge;
  webhookDeadLetters: Gauge;
  rateLimited: Counter<'key'>;
  userCapRefused: Counter;
}

/**
 * A labelled Counter whose `labels(...)` children are made once and count into a plain number that is handed to
 * prom-client when the counter is read (its `collect` hook, run by every scrape). prom-client's own child hashes and
 * checks the label values on every `inc`: the push path paid that twice per push (bench/RESULTS.md, metrics stage).
 */
function cheapCounter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  const children = new Map<string, { labels: Partial<Record<T, string | number>>; pending: number; inc(value?: number): void }>();
  const counter: Counter<T> = new Counter<T>({
    ...config,
    collect() {
      for (const child of children.values()) {
        if (child.pending === 0) continue;
        const value = child.pending;
        child.pending = 0;
        counter.inc(child.labels, value);
      }
    },
  });
  const labelNames = config.labelNames ?? [];
  const slowLabels = counter.labels.bind(counter);
  counter.labels = ((...values: unknown[]) => {
    // Label values by position only (as notify calls it); an object of labels goes the usual way.
    if (values.some((v) => typeof v !== 'string')) return slowLabels(...(values as [never]));
    const key = values.join('\u0000');
    let child = children.get(key);
    if (!child) {
      const labels = Object.fromEntries(labelNames.map((name, i) => [name, values[i] as string])) as Partial<Record<T, string | number>>;
      // Checks the labels now (prom-client throws on a wrong count) and shows the series at 0 until its first scrape.
      counter.inc(labels, 0);
      const made = {
        labels,
        pending: 0,
        inc(value = 1) {
          // Anything prom-client would refuse (negative, not finite) goes to it, which throws as before.
          if (value > 0 && Number.isFinite(value)) made.pending += value;
          else if (value !== 0) slowLabels(...(values as [never])).inc(value);
        },
      };
      child = made;
      children.set(key, child);
    }
    return child;
  }) as Counter<T>['labels'];
  return counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'notify_process_' });
  return {
    registry,
    connections: new Gauge({ name: 'notify_connections', help: 'Open WebSocket and SSE connections', registers: [registry] }),
    messagesSent: cheapCounter({ name: 'notify_messages_sent_total', help: 'Frames sent to clients, by message type', labelNames: ['type'], registers: [registry] }),
    validationFailures: new Counter({
      name: 'notify_outbound_validation_failures_total',
      help: 'Frames built by the server that failed the contract and were not sent',
      labelNames: ['type'],
      registers: [registry],
    }),
    pushes: cheapCounter({ name: 'notify_pushes_total', help: 'Push API requests, by result', labelNames: ['result'], registers: [registry] }),
    pushLatencySeconds: new Histogram({
      name: 'notify_push_duration_seconds',
      help: 'Time from a push request to stored and handed to local sockets',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    busMessagesReceived: cheapCounter({
      name: 'notify_bus_messages_received_total',
      help: 'Bus envelopes this node received (its own echoes included), by kind: deliver, sync, broadcast, topic, removed, webhooks',
      labelNames: ['kind'],
      registers: [registry],
    }),
    busUp: new Gauge({ name: 'notify_bus_up', help: '1 while this node can publish and receive on the bus, 0 while it is cut off', registers: [registry] }),
    busCatchUps: new Counter({
      name: 'notify_bus_catch_up_notifications_total',
      help: 'Notifications sent to live connections from the store after a bus outage',
      registers: [registry],
    }),
    rateLimited: new Counter({ name: 'notify_api_key_rate_limited_total', help: 'Requests answered 429 for passing their API key\'s rate, by key name', labelNames: ['key'], registers: [registry] }),
    userCapRefused: new Counter({
      name: 'notify_user_cap_refused_total',
      help: 'Notifications not stored because their user had been pushed the per-minute cap (--user-cap-per-minute)',
      registers: [registry],
    }),
    slowConsumersClosed: new Counter({ name: 'notify_slow_consumers_closed_total', help: 'Sockets closed with 1013 for not reading', registers: [registry] }),
    webhooksSent: new Counter({ name: 'notify_webhooks_sent_total', help: 'Webhook events an endpoint acknowledged (2xx), by event type', labelNames: ['type'], registers: [registry] }),
    webhooksFailed: new Counter({ name: 'notify_webhooks_failed_total', help: 'Webhook attempts that failed (not 2xx, timeout, refused), by event type', labelNames: ['type'], registers: [registry] }),
    webhooksRetried: new Counter({ name: 'notify_webhooks_retried_total', help: 'Failed webhook attempts scheduled to be tried again, by event type', labelNames: ['type'], registers: [registry] }),
    webhooksDeadLettered: new Counter({ name: 'notify_webhooks_dead_lettered_total', help: 'Webhook events given up on (their retry window passed), by event type', labelNames: ['type'], registers: [registry] }),
    webhookQueueDepth: new Gauge({ name: 'notify_webhooks_queue_depth', help: 'Webhook events waiting to be sent (every endpoint, every node), as last read', registers: [registry] }),
    webhookOldestPendingSeconds: new Gauge({ name: 'notify_webhooks_oldest_pending_age_seconds', help: 'Age of the oldest webhook event waiting to be sent (0 when none), as last read', registers: [registry] }),
    webhookDeadLetters: new Gauge({ name: 'notify_webhooks_dead_letters', help: 'Dead-lettered webhook events kept for replay, as last read', registers: [registry] }),
  };
}

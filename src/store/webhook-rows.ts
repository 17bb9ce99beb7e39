// Helpers every store backend's webhook part shares: ids, the event type of a state change, endpoint rows, event data.
import { randomBytes } from 'node:crypto';
import type { WebhookEventType, WebhookTestData } from '../../generated/index.js';
import type { StateChange } from './store.js';
import type { WebhookEndpoint } from './webhooks.js';
import type { Recipients } from './timing.js';

/** `evt_` and 32 hex digits: a webhook event's id (`webhook-id`). */
export function newEventId(): string {
  return `evt_${randomBytes(16).toString('hex')}`;
}

/** `whep_` and 16 hex digits. */
export function newEndpointId(): string {
  return `whep_${randomBytes(8).toString('hex')}`;
}

export const endpointIdPattern = /^whep_[0-9a-f]{16}$/;

export const stateEvents: Record<StateChange, WebhookEventType> = {
  seen: 'notification.seen',
  read: 'notification.read',
  archive: 'notification.archived',
  unarchive: 'notification.unarchived',
  delete: 'notification.deleted',
};

/** The row of `webhook_endpoints` as the SQL backends read it (booleans as 0/1 or boolean, events as JSON text or an array). */
export interface EndpointRow {
  id: string;
  url: string;
  events: string | string[];
  description: string | null;
  enabled: number | boolean;
  disabled_reason: string | null;
  created_at: number | string;
}

export function endpointOf(row: EndpointRow): WebhookEndpoint {
  const events = (typeof row.events === 'string' ? JSON.parse(row.events) : row.events) as WebhookEventType[];
  return {
    id: row.id,
    url: row.url,
    events,
    ...(row.description === null ? {} : { description: row.description }),
    enabled: row.enabled === true || row.enabled === 1,
    ...(row.disabled_reason === null ? {} : { disabledReason: row.disabled_reason }),
    createdAt: Number(row.created_at),
  };
}

/** The audience fields of a removal event (`notification.expired` / `notification.retracted`). */
export function audienceFields(recipients: Recipients): { audience: 'user' | 'topic' | 'broadcast'; userId?: string; topic?: string } {
  if (recipients.kind === 'user') return { audience: 'user', userId: recipients.userId };
  if (recipients.kind === 'topic') return { audience: 'topic', topic: recipients.topic };
  return { audience: 'broadcast' };
}


/** A `webhook.test` event's data (the contract's WebhookTestData). */
export const testEventData = (endpointId: string): WebhookTestData => ({ endpointId, message: 'Test event from notify' });

/** A failed attempt's error as kept for the dead-letter list: at most 500 characters. */
export const keptError = (error: string): string => error.slice(0, 500);

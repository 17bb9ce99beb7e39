// The body of a webhook request from its outbox row: `{type, timestamp, data}`, checked against the contract's generated validator.
import { webhookEventValidators, type WebhookEvent } from '../../generated/index.js';
import type { Catalog } from '../catalog/catalog.js';
import { fieldErrors } from '../contract/validation-errors.js';
import { preferencesOf } from '../catalog/preferences-of.js';
import type { ClaimedWebhook, MutedNames } from '../store/store.js';

/**
 * The event as sent, or the contract's complaint (a pointer and a message) when it is not on the contract: such an
 * event is dead-lettered rather than sent, as a frame off the contract is never sent to a device.
 */
export function eventBody(row: ClaimedWebhook, catalog: Catalog): { body: string } | { error: string } {
  const data = row.type === 'preferences.updated' ? { userId: row.data['userId'], preferences: preferencesOf(catalog, row.data['off'] as MutedNames) } : row.data;
  const event = { type: row.type, timestamp: new Date(row.createdAt).toISOString(), data };
  const validate = webhookEventValidators[row.type];
  if (!validate(event)) {
    const [first] = fieldErrors(validate.errors);
    return { error: `off the contract: ${first?.pointer ?? ''} ${first?.message ?? 'invalid'}` };
  }
  return { body: JSON.stringify(event satisfies WebhookEvent) };
}

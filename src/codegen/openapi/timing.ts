// The HTTP API's schemas for expiry and scheduled delivery: push body fields and the scheduled answer.
import type { JsonSchema } from '../contract-model.js';

/** The optional timing fields of every push body. */
export const pushTimingProperties: Record<string, JsonSchema> = {
  expiresAt: {
    type: 'string',
    format: 'date-time',
    description: 'In the future (and after `deliverAt`). From then on the notification is out of every page, count and resume, and connected devices get `notifications_removed` (reason `expired`).',
  },
  deliverAt: {
    type: 'string',
    format: 'date-time',
    description: 'Now to a year ahead: answered at once with a schedule handle, delivered (and given its feed id) at that time. Not with an Idempotency-Key.',
  },
};

/** Schedule handles: never a feed id (16 digits). */
export const scheduleHandle: JsonSchema = {
  type: 'string',
  pattern: '^sched_[0-9a-f-]{36}$',
  description: 'Schedule handle: `DELETE /api/v1/notifications/{id}` cancels the push before delivery and retracts what it became after.',
};

export const timingSchemas: Record<string, JsonSchema> = {
  ScheduledPushResult: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'scheduled', 'deliverAt'],
    description: 'A push with `deliverAt`: stored for later, invisible until delivered.',
    properties: {
      id: scheduleHandle,
      scheduled: { const: true },
      deliverAt: { type: 'string', format: 'date-time', description: 'When it will be delivered (UTC).' },
    },
  },
};

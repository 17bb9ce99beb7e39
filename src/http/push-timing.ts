// The `expiresAt` and `deliverAt` fields of a push body: parsed, checked against the clock, and
// the answer of a scheduled push.
import { HttpError } from '../errors.js';
import type { NewScheduledNotification, ScheduleAudience } from '../store/store.js';
import type { ServerContext } from '../server-context.js';
import type { PushInput } from '../hub/fan-out.js';
import { sendJson } from './router.js';
import type { ServerResponse } from 'node:http';

/** How far ahead `deliverAt` may be. */
export const maxScheduleAheadMs = 366 * 86_400_000;
/** The push body fields this module reads. */
export const timingFields = ['expiresAt', 'deliverAt'] as const;

export interface PushTiming {
  /** Epoch milliseconds. */
  expiresAt?: number;
  deliverAt?: number;
}

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 date-time in epoch ms; 422 (off the API's schema) when it is not one. */
function dateTimeField(body: Record<string, unknown>, name: string): number | undefined {
  const raw = body[name];
  if (raw === undefined) return undefined;
  const ms = typeof raw === 'string' && dateTime.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    const message = 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:00:00Z';
    throw new HttpError('off_contract', `${name} ${message}`, [{ pointer: `/${name}`, message }]);
  }
  return ms;
}

/** A 400 about one timing field, with its pointer (the batch API moves it into the item). */
function badTime(field: (typeof timingFields)[number], problem: string): HttpError {
  return new HttpError('bad_request', `${field} ${problem}`, [{ pointer: `/${field}`, message: problem }]);
}

/** Reads and checks `expiresAt` / `deliverAt` at `nowMs`: 400 when past, too far ahead or out of order. */
export function pushTiming(body: Record<string, unknown>, nowMs = Date.now()): PushTiming {
  const expiresAt = dateTimeField(body, 'expiresAt');
  const deliverAt = dateTimeField(body, 'deliverAt');
  if (deliverAt !== undefined && deliverAt < nowMs) throw badTime('deliverAt', 'is in the past: send it now without deliverAt, or pick a later time');
  if (deliverAt !== undefined && deliverAt > nowMs + maxScheduleAheadMs) throw badTime('deliverAt', 'may be at most a year ahead');
  if (expiresAt !== undefined && expiresAt <= nowMs) throw badTime('expiresAt', 'must be in the future');
  if (expiresAt !== undefined && deliverAt !== undefined && expiresAt <= deliverAt) throw badTime('expiresAt', 'must be after deliverAt');
  const timing: PushTiming = {};
  if (expiresAt !== undefined) timing.expiresAt = expiresAt;
  if (deliverAt !== undefined) timing.deliverAt = deliverAt;
  return timing;
}

/** What a scheduled push answers: 201 `{id, scheduled: true, deliverAt}` (`id` is the schedule handle). */
export interface ScheduledAnswer {
  id: string;
  scheduled: true;
  deliverAt: string;
}

/** Stores a push for later (durable when it resolves) and returns its answer; 400 with an idempotency key. */
export async function schedulePush(context: ServerContext, audience: ScheduleAudience, input: PushInput, timing: PushTiming & { deliverAt: number }): Promise<ScheduledAnswer> {
  if (input.idempotencyKey !== undefined) {
    throw new HttpError('bad_request', 'Idempotency-Key is not supported with deliverAt: a scheduled push is answered at once, so a retry can check its handle instead');
  }
  const scheduled: NewScheduledNotification = { audience, type: input.type, data: input.data, deliverAt: timing.deliverAt };
  if (input.category !== undefined) scheduled.category = input.category;
  if (timing.expiresAt !== undefined) scheduled.expiresAt = timing.expiresAt;
  if (input.critical === true) scheduled.critical = true;
  const id = await context.store.schedule(scheduled);
  context.metrics.pushes.labels('scheduled').inc();
  return { id, scheduled: true, deliverAt: new Date(timing.deliverAt).toISOString() };
}

/** Stores a push for later and answers 201 `{id, scheduled: true, deliverAt}` (`id` is the schedule handle). */
export async function answerScheduled(
  context: ServerContext,
  response: ServerResponse,
  audience: ScheduleAudience,
  input: PushInput,
  timing: PushTiming & { deliverAt: number },
): Promise<void> {
  sendJson(response, 201, await schedulePush(context, audience, input, timing));
}

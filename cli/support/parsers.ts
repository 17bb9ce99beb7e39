// Commander argument parsers shared by the commands; each throws a usage error (exit 2) on bad input.
import { notificationIdPattern } from '../../generated/index.js';
import { parseDuration } from '../../src/auth/duration.js';
import { usageError } from './usage.js';

/** A user id: non-empty, no surrounding spaces, no '/' (it goes in a URL path). */
export function parseUserId(value: string): string {
  if (value.trim() === '' || value !== value.trim()) throw usageError(`user id must be non-empty without surrounding spaces, got ${JSON.stringify(value)}`);
  if (value.includes('/')) throw usageError(`user id must not contain "/", got ${JSON.stringify(value)}`);
  return value;
}

/** Repeatable --user: collects every value. */
export function collectUserIds(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseUserId(value)];
}

/** `1h`, `30m`, `45s`, `2d` or seconds → seconds, at least 1. */
export function parseTtl(value: string): number {
  let seconds: number;
  try {
    seconds = parseDuration(value);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  if (seconds < 1) throw usageError(`the ttl must be at least 1 second, got ${JSON.stringify(value)}`);
  return seconds;
}

/** A notification id as the contract allows (components.schemas.NotificationId). */
export function parseNotificationId(value: string): string {
  if (!notificationIdPattern.test(value)) throw usageError(`not a notification id: ${JSON.stringify(value)} (1-64 of 0-9 A-Z a-z . _ -)`);
  return value;
}

/** An ISO 8601 date-time with a time zone (`2026-12-01T09:00:00Z`), passed on as given; the server checks its range. */
export function parseDateTime(value: string): string {
  const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
  if (!shape.test(value) || Number.isNaN(Date.parse(value))) throw usageError(`expected an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:00:00Z, got ${JSON.stringify(value)}`);
  return value;
}

/** An integer from `min` to `max`, inclusive. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw usageError(`expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** A value that must not be empty (tokens, secrets, keys, categories). */
export function parseNonEmpty(value: string): string {
  if (value === '') throw usageError('must not be empty');
  return value;
}

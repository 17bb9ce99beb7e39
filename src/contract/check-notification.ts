// Checks a backend's notification (type + data) against the contract before it is stored or sent.
import { notificationDataValidators, notificationTypes, type NotificationType } from '../../generated/index.js';
import { fieldErrors, type FieldError } from './validation-errors.js';

export type NotificationCheck =
  | { ok: true; type: NotificationType; data: unknown }
  | { ok: false; code: 'invalid_json' | 'unknown_type' | 'invalid_data'; message: string; errors: FieldError[] };

export function isNotificationType(value: unknown): value is NotificationType {
  return typeof value === 'string' && (notificationTypes as readonly string[]).includes(value);
}

/** Parses `--data` style JSON text, then checks it like {@link checkNotificationData}. */
export function checkNotificationJson(type: unknown, json: string): NotificationCheck {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { ok: false, code: 'invalid_json', message: `data is not valid JSON: ${(error as Error).message}`, errors: [] };
  }
  return checkNotificationData(type, data);
}

/** Errors point into the push body (`/data/...`). */
export function checkNotificationData(type: unknown, data: unknown): NotificationCheck {
  if (!isNotificationType(type)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `unknown notification type ${JSON.stringify(type)}; valid types: ${notificationTypes.join(', ')}`,
      errors: [{ pointer: '/type', message: `must be one of ${notificationTypes.join(', ')}` }],
    };
  }
  const value = data;
  const validate = notificationDataValidators[type];
  if (!validate(value)) {
    return { ok: false, code: 'invalid_data', message: `data does not match the contract for ${type}`, errors: fieldErrors(validate.errors, '/data') };
  }
  return { ok: true, type, data: value };
}

// Checks a backend's notification (type + data) against the contract before it is stored or sent.
import type { NotificationType } from '../../generated/index.js';
import { builtInCatalog, isCatalogType, type Catalog } from '../catalog/catalog.js';
import { fieldErrors, type FieldError } from './validation-errors.js';

export type NotificationCheck =
  | { ok: true; type: NotificationType; data: unknown }
  | { ok: false; code: 'invalid_json' | 'unknown_type' | 'invalid_data'; message: string; errors: FieldError[] };

/** Parses `--data` style JSON text, then checks it like {@link checkNotificationData}. */
export function checkNotificationJson(type: unknown, json: string, catalog: Catalog = builtInCatalog): NotificationCheck {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { ok: false, code: 'invalid_json', message: `data is not valid JSON: ${(error as Error).message}`, errors: [] };
  }
  return checkNotificationData(type, data, catalog);
}

/**
 * Errors point into the push body (`/data/...`). The catalog (default: the built-in one) decides the valid types;
 * `type` in the result is one of them (typed as the built-in union: the server handles every catalog alike).
 */
export function checkNotificationData(type: unknown, data: unknown, catalog: Catalog = builtInCatalog): NotificationCheck {
  const { notificationTypes, notificationDataValidators } = catalog;
  if (!isCatalogType(catalog, type)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `unknown notification type ${JSON.stringify(type)}; valid types: ${notificationTypes.join(', ')}`,
      errors: [{ pointer: '/type', message: `must be one of ${notificationTypes.join(', ')}` }],
    };
  }
  const value = data;
  const validate = notificationDataValidators[type];
  if (!validate || !validate(value)) {
    return { ok: false, code: 'invalid_data', message: `data does not match the contract for ${type}`, errors: fieldErrors(validate?.errors, '/data') };
  }
  return { ok: true, type: type as NotificationType, data: value };
}

// Builds server → client frames: validated against the contract, serialized once; off-contract frames are never sent.
import { notificationIdPattern, type ControlMessageByType, type ControlMessageType, type Notification, type ServerMessageType } from '../../generated/index.js';
import { builtInCatalog, type Catalog } from '../catalog/catalog.js';
import { fieldErrors } from '../contract/validation-errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

export interface OutboundEncoder {
  /** The frame's JSON text, or undefined when the frame is off-contract (logged and counted, never sent). */
  control<T extends ControlMessageType>(type: T, data: ControlMessageByType[T]['data']): string | undefined;
  notification(notification: Notification): string | undefined;
  /**
   * Frames for many notifications, in order. Copies that differ from an already validated one only by
   * `id` (a broadcast: same type, timestamp, read state, category and the very same data object) are
   * validated and serialized once; each copy's frame is that text with its own id spliced in.
   */
  notifications(notifications: readonly Notification[]): (string | undefined)[];
  /** The notifications that pass the contract (for snapshots and pages); the others are logged and counted. */
  onContract(notifications: readonly Notification[]): Notification[];
}

/** Frames are validated with the catalog's validators (default: the built-in catalog's), which hold the protocol's too. */
export function createOutboundEncoder(logger: Logger, metrics: Metrics, catalog: Catalog = builtInCatalog): OutboundEncoder {
  const validators = catalog.serverMessageValidators;
  function check(type: ServerMessageType, message: unknown): boolean {
    const validate = validators[type];
    if (validate && validate(message)) return true;
    metrics.validationFailures.labels(String(type)).inc();
    logger.error({ type, errors: validate ? fieldErrors(validate.errors) : 'unknown message type' }, 'refused to send an off-contract frame');
    return false;
  }
  function encode(type: ServerMessageType, message: unknown): string | undefined {
    return check(type, message) ? JSON.stringify(message) : undefined;
  }
  return {
    control(type, data) {
      return encode(type, { type, timestamp: Date.now(), data });
    },
    notification(notification) {
      return encode(notification.type, notification);
    },
    notifications(notifications) {
      let template: { notification: Notification; keys: number; head: string; tail: string } | undefined;
      // The id is the one field a spliced copy does not share with its validated template, so it is checked here.
      return notifications.map((notification) => {
        if (template && sameButId(template.notification, notification, template.keys) && notificationIdPattern.test(notification.id)) {
          return template.head + notification.id + template.tail;
        }
        const frame = encode(notification.type, notification);
        if (frame === undefined) return undefined;
        // `"id":"…"` must occur once, so the splice can only ever hit the id field.
        const field = `"id":${JSON.stringify(notification.id)}`;
        const at = frame.indexOf(field);
        if (at >= 0 && frame.indexOf(field, at + 1) < 0) {
          template = { notification, keys: Object.keys(notification).length, head: frame.slice(0, at + 6), tail: frame.slice(at + field.length - 1) };
        }
        return frame;
      });
    },
    onContract(notifications) {
      return notifications.filter((notification) => check(notification.type, notification));
    },
  };
}

function sameButId(a: Notification, b: Notification, keys: number): boolean {
  return a.data === b.data && a.type === b.type && a.timestamp === b.timestamp && a.read === b.read && a.category === b.category && Object.keys(b).length === keys;
}

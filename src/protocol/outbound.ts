// Builds server → client frames: validated against the contract, serialized once; off-contract frames are never sent.
import {
  serverMessageValidators,
  type ControlMessageByType,
  type ControlMessageType,
  type Notification,
  type ServerMessageType,
} from '../../generated/index.js';
import { fieldErrors } from '../contract/validation-errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

export interface OutboundEncoder {
  /** The frame's JSON text, or undefined when the frame is off-contract (logged and counted, never sent). */
  control<T extends ControlMessageType>(type: T, data: ControlMessageByType[T]['data']): string | undefined;
  notification(notification: Notification): string | undefined;
  /** The notifications that pass the contract (for snapshots and pages); the others are logged and counted. */
  onContract(notifications: readonly Notification[]): Notification[];
}

export function createOutboundEncoder(logger: Logger, metrics: Metrics): OutboundEncoder {
  function check(type: ServerMessageType, message: unknown): boolean {
    const validate = serverMessageValidators[type] as ((data: unknown) => boolean) | undefined;
    if (validate && validate(message)) return true;
    metrics.validationFailures.labels(String(type)).inc();
    logger.error({ type, errors: validate ? fieldErrors(serverMessageValidators[type].errors) : 'unknown message type' }, 'refused to send an off-contract frame');
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
    onContract(notifications) {
      return notifications.filter((notification) => check(notification.type, notification));
    },
  };
}

// What a client-action handler can reach: its connection and the server's services.
import type { ControlMessageByType, ControlMessageType, RequestErrorCode } from '../../generated/index.js';
import type { TokenVerifier } from '../auth/verifier.js';
import type { NotifyConfig } from '../config.js';
import type { Connection } from '../hub/connection.js';
import type { FanOut } from '../hub/fan-out.js';
import type { NotificationStore } from '../store/store.js';
import type { OutboundEncoder } from './outbound.js';

/** Demo mode's per-connection control; absent when demo mode is off. */
export interface DemoControl {
  /** Sets the seconds between sample notifications for this connection. */
  configure(connection: Connection, frequencySec: number): void;
}

export interface Session {
  connection: Connection;
  config: NotifyConfig;
  store: NotificationStore;
  fanOut: FanOut;
  verifier: TokenVerifier;
  encoder: OutboundEncoder;
  demo?: DemoControl;
}

/** Sends a validated control frame to this session's connection only. */
export function reply<T extends ControlMessageType>(session: Session, type: T, data: ControlMessageByType[T]['data']): void {
  const frame = session.encoder.control(type, data);
  if (frame !== undefined) session.connection.send(frame);
}

export function replyError(session: Session, code: RequestErrorCode, message: string, action?: string): void {
  reply(session, 'request_error', action === undefined ? { code, message } : { code, message, action });
}

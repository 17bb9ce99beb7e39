// One connection's session state, the services it works with, and the reply helpers every action handler uses.
import type { ControlMessageByType, ControlMessageType, RequestErrorCode } from '../../generated/index.js';
import type { TokenVerifier } from '../auth/verifier.js';
import type { NotifyConfig } from '../config.js';
import type { Connection } from '../hub/connection.js';
import type { FanOut } from '../hub/fan-out.js';
import type { Hub } from '../hub/hub.js';
import type { Preferences } from '../hub/preferences.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OutboundEncoder } from '../protocol/outbound.js';
import type { NotificationStore } from '../store/store.js';
import type { WebPushService } from '../web-push/index.js';

/** Demo mode's per-connection control; absent when demo mode is off. */
export interface DemoControl {
  /** Sets the seconds between sample notifications for this connection. */
  configure(connection: Connection, frequencySec: number): void;
}

/** Hooks on a connection's life, passed in once when the server context is built (demo mode uses them). */
export interface SessionHooks {
  /** Called when a connection has finished its initial sync and is live. */
  onConnectionLive?(connection: Connection): void;
  /** Called once when a connection has closed and left the hub. */
  onConnectionClosed?(connection: Connection): void;
}

/** The server's services a session works with (the ServerContext holds them). */
export interface SessionServices extends SessionHooks {
  readonly config: NotifyConfig;
  readonly store: NotificationStore;
  readonly hub: Hub;
  readonly fanOut: FanOut;
  readonly preferences: Preferences;
  readonly verifier: TokenVerifier;
  readonly encoder: OutboundEncoder;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly demo?: DemoControl;
  readonly webPush?: WebPushService;
}

/** What a client-action handler can reach: its connection and the server's services. */
export interface Session {
  connection: Connection;
  config: NotifyConfig;
  store: NotificationStore;
  fanOut: FanOut;
  preferences: Preferences;
  verifier: TokenVerifier;
  encoder: OutboundEncoder;
  demo?: DemoControl;
  webPush?: WebPushService;
}

/** Sends a validated control frame to this session's connection only. */
export function reply<T extends ControlMessageType>(session: Session, type: T, data: ControlMessageByType[T]['data']): void {
  const frame = session.encoder.control(type, data);
  if (frame !== undefined) session.connection.send(frame);
}

export function replyError(session: Session, code: RequestErrorCode, message: string, action?: string): void {
  reply(session, 'request_error', action === undefined ? { code, message } : { code, message, action });
}

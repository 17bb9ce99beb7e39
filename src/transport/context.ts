// The services every transport (WebSocket, SSE, HTTP) works with, built once by the server.
import type { TokenVerifier } from '../auth/verifier.js';
import type { Bus } from '../bus/bus.js';
import type { NotifyConfig } from '../config.js';
import type { Connection } from '../hub/connection.js';
import type { FanOut } from '../hub/fan-out.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OutboundEncoder } from '../protocol/outbound.js';
import type { DemoControl } from '../protocol/session.js';
import type { NotificationStore } from '../store/store.js';

export interface ServerContext {
  config: NotifyConfig;
  store: NotificationStore;
  bus: Bus;
  hub: Hub;
  fanOut: FanOut;
  verifier: TokenVerifier;
  encoder: OutboundEncoder;
  metrics: Metrics;
  logger: Logger;
  /** True once shutdown began: readiness fails and new connections are refused. */
  shuttingDown(): boolean;
  demo?: DemoControl;
  /** Called when a connection has finished its initial sync and is live. */
  onConnectionLive?(connection: Connection): void;
  onConnectionClosed?(connection: Connection): void;
}

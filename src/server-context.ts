// The services the server wires (config, store, bus, hub, fan-out, auth, codec, metrics), built once by server.ts.
import type { Bus } from './bus/bus.js';
import type { Catalog } from './catalog/catalog.js';
import type { UserCaps } from './limits/user-caps.js';
import type { DemoControl, SessionHooks, SessionServices } from './session/session.js';

/** Every service a transport or route works with; built once, before the server listens, and never changed after. */
export interface ServerContext extends SessionServices {
  readonly bus: Bus;
  /** The notification types this server accepts, validates and samples (the built-in catalog or the app's). */
  readonly catalog: Catalog;
  /** Per-user caps on pushes (`--user-cap-per-minute`); admits everyone when off. */
  readonly userCaps: UserCaps;
  /** True once shutdown began: readiness fails and new connections are refused. */
  shuttingDown(): boolean;
}

/** Demo mode as the context receives it: its `configure` control and the connection hooks that run it. */
export interface DemoWiring extends SessionHooks {
  readonly control: DemoControl;
}

/** Builds the context once; demo mode's control and hooks, when on, are passed in here rather than patched in later. */
export function buildServerContext(services: Omit<ServerContext, keyof SessionHooks | 'demo'>, demo?: DemoWiring): ServerContext {
  if (!demo) return Object.freeze({ ...services });
  return Object.freeze({ ...services, demo: demo.control, onConnectionLive: demo.onConnectionLive, onConnectionClosed: demo.onConnectionClosed });
}

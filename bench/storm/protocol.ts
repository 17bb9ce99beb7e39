// Messages between the storm coordinator and its device processes (over the fork IPC channel).
import type { BackoffOptions } from '../../src/client/index.js';

/** Coordinator → device process: hold devices `first … first+count-1`; device i belongs to user `storm<i/2>`. */
export interface DevicesStart {
  kind: 'start';
  /** The server's base URL (http://127.0.0.1:PORT). */
  url: string;
  jwtSecret: string;
  first: number;
  count: number;
  /** Client library backoff, when the run overrides the defaults. */
  backoff?: BackoffOptions;
  /** Client library connectTimeoutMs, when the run overrides the default. */
  connectTimeoutMs?: number;
}

/** Coordinator → device process. `status`: how many are open and how many came back after `sinceMs`. */
export type DevicesCommand = DevicesStart | { kind: 'status'; sinceMs: number } | { kind: 'report' } | { kind: 'stop' };

export interface DevicesStatus {
  kind: 'status';
  open: number;
  /** Devices with a connection_established at or after `sinceMs`. */
  back: number;
  /** Devices per client state, and close codes seen so far (for a run that does not finish). */
  states: Record<string, number>;
  closeCodes: Record<string, number>;
}

/** What one device saw, epoch ms for times. */
export interface DeviceRecord {
  index: number;
  /** Notification id → how many `notification` events the client library emitted for it. */
  delivered: Record<string, number>;
  /** Ids that arrived inside an `unread_notifications` snapshot. */
  snapshot: string[];
  established: number[];
  disconnected: number[];
}

export interface DevicesReport {
  kind: 'report';
  devices: DeviceRecord[];
}

/** An acknowledged (201) push: one user, one id, when the answer came. */
export interface AckedPush {
  userId: string;
  id: string;
  ackAtMs: number;
  /** HTTP attempts it took (retries carry the same Idempotency-Key). */
  attempts: number;
}

export const usersOfDevice = (index: number): string => `storm${Math.floor(index / 2)}`;

// What the bench orchestrator and its child processes say to each other: target descriptions and the RPC surface of each role.

/** The servers a run compares: notify, the raw `ws` baseline and the Socket.IO 4 reference. */
export type TargetKind = 'notify' | 'baseline' | 'socketio';
export const targetKinds: readonly TargetKind[] = ['notify', 'baseline', 'socketio'];
/** How a target is named in the printed table. */
export const targetLabels: Record<TargetKind, string> = { notify: 'notify', baseline: 'raw ws', socketio: 'Socket.IO' };

/** Where a load client finds the server under test and how it authenticates. */
export interface TargetSpec {
  kind: TargetKind;
  /** 127.0.0.x only. */
  host: string;
  port: number;
  /** HS256 secret the receivers mint user tokens with (every target verifies one per connect). */
  jwtSecret: string;
  /** notify only: the push API's static service token. */
  pushToken?: string;
}

/** The users `${prefix}${first + k * stride}` for k in [0, count). */
export interface UserRange {
  prefix: string;
  first: number;
  count: number;
  /** 1 for a contiguous range; receivers take every R-th user so no server order favours one receiver. */
  stride: number;
}

/** Clock every process shares: CLOCK_MONOTONIC in microseconds (process.hrtime is system-wide on Linux). */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Bench payloads carry `"message":"<tag><sendUs>|…"`; the tag says which phase sent it. */
export const pushTag = 'p';
export const broadcastTag = 'b';
export const messageMarker = '"message":"';

/** The push body every server receives; notify validates it against the contract, raw ws sends it as is, Socket.IO parses and emits it. */
export function benchBody(tag: string, sendUs: number): string {
  return `{"type":"info","data":{"title":"Bench notification","message":"${tag}${sendUs}|Your export of 1,204 rows is ready to download.","priority":"low"}}`;
}

export interface ReceiverStatus {
  /** Open sockets. */
  open: number;
  /** Bench messages received since the last reset. */
  received: number;
  /** Broadcast messages received since the last reset. */
  broadcasts: number;
  /** nowUs() of the latest bench message, 0 when none. */
  lastArrivalUs: number;
}

/** The receiver role: holds a share of the N idle sockets and timestamps what arrives. */
export interface ReceiverApi {
  /** Mints tokens (notify) and builds URLs, outside the timed part. */
  prepare(p: { target: TargetSpec; users: UserRange }): { prepared: number };
  /** Opens every socket, at most `concurrency` handshakes at a time; ready = open (raw ws), first frame (notify), connect ack (Socket.IO). */
  connect(p: { concurrency: number; timeoutMs: number }): { connected: number; failed: number; startUs: number; endUs: number; firstError?: string };
  /** Starts a new phase: counters cleared; latency samples kept when `record` (at most `capacity`). */
  reset(p: { record: boolean; capacity: number }): ReceiverStatus;
  status(p: Record<string, never>): ReceiverStatus;
  /** The phase's latency samples in microseconds. */
  collect(p: Record<string, never>): ReceiverStatus & { latenciesUs: Float64Array };
  /** Closes every socket (client side, so TIME_WAIT stays on the load side); bounded by `timeoutMs`. */
  disconnect(p: { timeoutMs: number }): { closed: number };
  cpu(p: Record<string, never>): { cpuUs: number };
}

export interface PushOutcome {
  /** 2xx answers. */
  ok: number;
  /** Non-2xx answers or broken connections. */
  failed: number;
  firstError?: string;
}

/** The pusher role: the backend calling the push API. */
export interface PusherApi {
  configure(p: { target: TargetSpec; users: UserRange }): { ready: true };
  /** `concurrency` keep-alive connections, each sending its next push as soon as the last is answered. */
  closedLoop(p: { durationMs: number; concurrency: number }): PushOutcome & { elapsedMs: number };
  /** Pushes at `rate` per second for `durationMs`, whatever the answers, over `connections` pipelined connections. */
  openLoop(p: { rate: number; durationMs: number; connections: number }): PushOutcome & { sent: number; elapsedMs: number };
  /**
   * The batch route (notify only): `concurrency` keep-alive connections, each posting its next batch of `size` pushes
   * (to random users) as soon as the last is answered. `ok` counts answered batches.
   */
  batchLoop(p: { durationMs: number; concurrency: number; size: number }): PushOutcome & { elapsedMs: number };
  /** One broadcast; `sentUs` is when its request was written. */
  broadcast(p: { timeoutMs: number }): PushOutcome & { sentUs: number };
  cpu(p: Record<string, never>): { cpuUs: number };
}

/** Answered by bench/probe.js, preloaded into each server under test. */
export interface ProbeApi {
  /** `mainThreadUs`: CPU time of the main (JavaScript) thread alone, summed over the server's processes. */
  stats(p: { gc: boolean }): { rss: number; heapUsed: number; cpuUs: number; mainThreadUs: number };
  /** Starts a V8 CPU profile of the server's main process (one sample every `intervalUs`). */
  profileStart(p: { intervalUs: number }): { started: true };
  /** Stops it and writes the .cpuprofile to `file`. */
  profileStop(p: { file: string }): { file: string; samples: number };
}

/** Any role's API: method name → (params) → result. */
export type Api = { [method: string]: (params: never) => unknown };

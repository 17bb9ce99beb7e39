// The storm's figures from what the devices recorded and what the pusher had acknowledged; the kernel's listen counters.
import { readFileSync } from 'node:fs';
import type { AckedPush, DeviceRecord } from './protocol.js';
import { usersOfDevice } from './protocol.js';

export interface DeliveryFigures {
  pushes: number;
  /** Device deliveries expected: every acknowledged push to each device of its user. */
  deliveries: number;
  /** Deliveries of pushes acknowledged while that device was away (between its drop and its return). */
  ackedWhileAway: number;
  /** Never arrived, as a notification or in a snapshot, at a device that did come back. */
  lost: number;
  /** Not (yet) delivered to a device that was away when the run ended (not back, or dropped again): not counted as lost. */
  deviceNotBack: number;
  /** Arrived as more than one `notification` event. */
  duplicated: number;
  /** Reached the device only inside an `unread_notifications` snapshot, never as a `notification` event. */
  snapshotOnly: number;
}

export interface ReturnFigures {
  devices: number;
  /** Devices that came back (a connection_established after SIGTERM). */
  back: number;
  /** ms after SIGTERM by which that share of all devices was back; null when it never was. */
  backMs: { p50: number | null; p90: number | null; p99: number | null; p100: number | null };
  /** The one-second window after SIGTERM in which most devices came back, and how many. */
  busiestSecond: { second: number; devices: number };
}

/** The device's last connection had ended when it reported: what it misses would come on its next resume. */
function awayAtEnd(device: DeviceRecord): boolean {
  return (device.disconnected.at(-1) ?? -Infinity) > (device.established.at(-1) ?? -Infinity);
}

/** Checks every acknowledged push against both devices of its user. */
export function deliveryFigures(acked: readonly AckedPush[], devices: readonly DeviceRecord[], restartAtMs: number): DeliveryFigures {
  const byUser = new Map<string, DeviceRecord[]>();
  for (const device of devices) {
    const userId = usersOfDevice(device.index);
    byUser.set(userId, [...(byUser.get(userId) ?? []), device]);
  }
  const snapshots = new Map(devices.map((d) => [d, new Set(d.snapshot)]));
  const figures: DeliveryFigures = { pushes: acked.length, deliveries: 0, ackedWhileAway: 0, lost: 0, deviceNotBack: 0, duplicated: 0, snapshotOnly: 0 };
  for (const push of acked) {
    for (const device of byUser.get(push.userId) ?? []) {
      figures.deliveries++;
      const awayFrom = device.disconnected.find((t) => t >= restartAtMs);
      const backAt = device.established.find((t) => t >= restartAtMs);
      if (awayFrom !== undefined && push.ackAtMs >= awayFrom && (backAt === undefined || push.ackAtMs < backAt)) figures.ackedWhileAway++;
      const count = device.delivered[push.id] ?? 0;
      if (count > 1) figures.duplicated++;
      else if (count === 0) {
        if (snapshots.get(device)!.has(push.id)) figures.snapshotOnly++;
        else if (awayAtEnd(device)) figures.deviceNotBack++;
        else figures.lost++;
      }
    }
  }
  return figures;
}

function share(sortedMs: readonly number[], total: number, fraction: number): number | null {
  const needed = Math.ceil(total * fraction);
  return needed <= sortedMs.length ? sortedMs[needed - 1]! : null;
}

/** How fast devices came back after SIGTERM at `restartAtMs`. */
export function returnFigures(devices: readonly DeviceRecord[], restartAtMs: number): ReturnFigures {
  const backMs = devices
    .map((d) => d.established.find((t) => t >= restartAtMs))
    .filter((t): t is number => t !== undefined)
    .map((t) => t - restartAtMs)
    .sort((a, b) => a - b);
  const perSecond = new Map<number, number>();
  for (const ms of backMs) perSecond.set(Math.floor(ms / 1000), (perSecond.get(Math.floor(ms / 1000)) ?? 0) + 1);
  let busiestSecond = { second: 0, devices: 0 };
  for (const [second, count] of perSecond) if (count > busiestSecond.devices) busiestSecond = { second, devices: count };
  const total = devices.length;
  return {
    devices: total,
    back: backMs.length,
    backMs: { p50: share(backMs, total, 0.5), p90: share(backMs, total, 0.9), p99: share(backMs, total, 0.99), p100: share(backMs, total, 1) },
    busiestSecond,
  };
}

/** TcpExt counters of /proc/net/netstat (machine-wide): ListenOverflows (accept queue full) and ListenDrops. */
export function listenCounters(): { overflows: number; drops: number } {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]!.split(/\s+/).slice(1);
  const values = lines[1]!.split(/\s+/).slice(1).map(Number);
  const value = (name: string): number => values[names.indexOf(name)] ?? NaN;
  return { overflows: value('ListenOverflows'), drops: value('ListenDrops') };
}

/** Busy share of the machine's CPUs between two /proc/stat readings, in percent. */
export function cpuTimes(): { busy: number; all: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = fields.reduce((s, v) => s + v, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: all - idle, all };
}

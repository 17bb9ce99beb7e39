// What else the machine was doing during a run: load average and the CPU time not spent by the bench's own processes.
import os from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemoryMB: number;
}

export interface LoadReport {
  /** os.loadavg()[0] when the run started and ended. */
  loadavg1Start: number;
  loadavg1End: number;
  /** Share of the whole machine (all cores) busy during the run, in percent. */
  busyPct: number;
  /** Busy share not spent by the bench's processes (server, load clients, orchestrator): other work, in percent. */
  otherPct: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
  };
}

function cpuTotals(): { busyMs: number; allMs: number } {
  let busyMs = 0;
  let allMs = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    allMs += all;
    busyMs += all - times.idle;
  }
  return { busyMs, allMs };
}

/** Starts measuring; `finish(ownCpuUs)` takes the CPU the bench's processes used meanwhile. */
export function startLoadMeter(): { finish(ownCpuUs: number): LoadReport } {
  const start = cpuTotals();
  const loadavg1Start = os.loadavg()[0]!;
  return {
    finish(ownCpuUs) {
      const end = cpuTotals();
      const allMs = Math.max(1, end.allMs - start.allMs);
      const busyMs = end.busyMs - start.busyMs;
      return {
        loadavg1Start,
        loadavg1End: os.loadavg()[0]!,
        busyPct: (100 * busyMs) / allMs,
        otherPct: Math.max(0, (100 * (busyMs - ownCpuUs / 1000)) / allMs),
      };
    },
  };
}

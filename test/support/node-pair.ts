// Two `notify serve` nodes on one PostgreSQL schema and one Redis channel: the deployment the scale suites run against.
import { killAllServeProcesses, spawnServe, type Deployment, type ServeProcess } from './serve-process.js';
import { databaseUrl } from './services.js';
import type { TestClient } from './ws-client.js';

export interface SharedBackends {
  /** PostgreSQL schema of the store. */
  schema: string;
  /** Redis URL of the bus. */
  bus: string;
  /** Redis channel of the bus. */
  channel: string;
}

/** Spawns the two nodes one after the other: the first creates the schema, the second then only finds it. `extra` flags go to both. */
export async function spawnNodePair(deployment: Deployment, shared: SharedBackends, extra: readonly string[] = []): Promise<[ServeProcess, ServeProcess]> {
  const flags = ['--store', databaseUrl, '--pg-schema', shared.schema, '--bus', shared.bus, '--redis-channel', shared.channel, ...deployment.secretFlags, ...extra];
  const a = await spawnServe(flags, {}, 100_000);
  const b = await spawnServe(flags, {}, 100_000);
  return [a, b];
}

/** Closes the devices, stops the nodes (SIGTERM) and kills any serve process left; answers how each node exited. */
export async function stopNodes(nodes: readonly (ServeProcess | undefined)[], clients: TestClient[]): Promise<{ code: number | null; signal: NodeJS.Signals | null }[]> {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  const stopped = await Promise.all(nodes.flatMap((node) => (node ? [node.stop()] : [])));
  await killAllServeProcesses();
  return stopped;
}

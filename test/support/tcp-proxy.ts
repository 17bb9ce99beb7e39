// A TCP proxy for outage tests: its link can be cut (live connections reset, new ones refused) and restored.
import net from 'node:net';

export interface TcpProxy {
  /** The port to connect to instead of the target's. */
  port: number;
  /** Resets every live connection and refuses new ones until restore(). */
  cut(): void;
  /** Stops the bytes both ways on every live connection, which stays open (a silent network); refuses new ones until restore(). */
  stall(): void;
  /** Accepts new connections again (stalled ones stay stalled). */
  restore(): void;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and forwards every connection to `host:port`. */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  let open = true;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    if (!open) return void client.resetAndDestroy();
    const upstream = net.connect(port, host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = (): void => {
    open = false;
    for (const [client, upstream] of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    cut,
    stall() {
      open = false;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore: () => void (open = true),
    async close() {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A proxy to the service at `url` (its port, or `defaultPort` when the URL names none). */
export function startTcpProxyTo(url: string, defaultPort: number): Promise<TcpProxy> {
  const target = new URL(url);
  return startTcpProxy(target.hostname, Number(target.port || defaultPort));
}

/** `url` with the proxy's host and port: the same service, reached through the proxy. */
export function viaProxy(url: string, proxy: TcpProxy): string {
  const target = new URL(url);
  target.hostname = '127.0.0.1';
  target.port = String(proxy.port);
  return target.href;
}

/**
 * A loopback TCP proxy a test can cut and restore, to simulate a database or broker that drops
 * mid-run and comes back.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Refuse new connections and cut open ones. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Proxies loopback TCP to `targetHost:targetPort`, or to the unix socket at `targetHost` when no port is given. */
export async function startTcpProxy(targetHost: string, targetPort?: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = targetPort === undefined ? net.connect(targetHost) : net.connect(targetPort, targetHost);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();
  return { get port() { return port; }, cut: stop, restore: listen, close: stop };
}

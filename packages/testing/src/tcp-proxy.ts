import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Bytes passed from the target to the clients so far, all connections together. */
  readonly bytesToClients: number;
  /**
   * From now on, every open connection and every new one goes silent in both directions without
   * closing: a half-open link or a hung server, as a client sees it. Stalled connections stay
   * silent for good; `resume()` only lets new connections through again.
   */
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

/** A TCP forwarder on a free loopback port in front of `target`, for testing hangs and stalls. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let stalled = false;
  let accepted = 0;
  let bytesToClients = 0;
  const open = new Set<{ client: Socket; upstream: Socket; silent: boolean }>();
  const server = createServer((client) => {
    accepted += 1;
    const upstream = createConnection({ host: target.host, port: target.port });
    const link = { client, upstream, silent: stalled };
    open.add(link);
    client.on('data', (chunk) => link.silent || upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (link.silent) return;
      bytesToClients += chunk.length;
      client.write(chunk);
    });
    const end = () => {
      open.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted;
    },
    get bytesToClients() {
      return bytesToClients;
    },
    stall() {
      stalled = true;
      for (const link of open) link.silent = true;
    },
    resume() {
      stalled = false;
    },
    async close() {
      for (const link of open) {
        link.client.destroy();
        link.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

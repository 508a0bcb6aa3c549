import net from 'node:net';

export interface CountingProxy {
  uri: string;
  roundTrips(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a Bolt server that counts request/response turns over all its
 * connections: one round trip = the client sends after having received (Bolt pipelining sends several
 * messages in one turn, and that counts once).
 */
export async function countingProxy(boltUri: string): Promise<CountingProxy> {
  const target = new URL(boltUri.replace(/^[a-z+]+:/, 'http:'));
  let turns = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let lastFromServer = true;
    client.on('data', (d) => {
      if (lastFromServer) turns++;
      lastFromServer = false;
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      lastFromServer = true;
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    uri: `bolt://127.0.0.1:${port}`,
    roundTrips: () => turns,
    reset: () => {
      turns = 0;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { resetDatabase, type Server } from './database.js';
import type { Contender } from './contenders.js';
import { countingProxy } from './proxy.js';

/**
 * Round trips per additional migration: each contender applies a small and a larger set through the
 * counting proxy, from an empty database; the difference divided by the extra migrations leaves out
 * the fixed cost (handshake, login, neomig's own schema and lock).
 */
export async function roundTripsPerMigration(
  server: Server,
  driver: Parameters<typeof resetDatabase>[0],
  pairs: { small: Contender; large: Contender; extra: number }[],
): Promise<{ contender: string; small: number; large: number; perMigration: number }[]> {
  const proxy = await countingProxy(server.uri);
  const viaProxy = { ...server, uri: proxy.uri };
  const out = [];
  try {
    for (const { small, large, extra } of pairs) {
      const counts: number[] = [];
      for (const c of [small, large]) {
        await resetDatabase(driver);
        proxy.reset();
        await c.run(viaProxy);
        counts.push(proxy.roundTrips());
      }
      out.push({ contender: small.name, small: counts[0]!, large: counts[1]!, perMigration: (counts[1]! - counts[0]!) / extra });
    }
  } finally {
    await proxy.close();
  }
  return out;
}

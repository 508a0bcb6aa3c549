import { resetDatabase, type Server } from './database.js';
import type { Contender } from './contenders.js';
import { countingProxy } from './proxy.js';
import { median } from './stats.js';

export interface RoundTrips {
  contender: string;
  /** median over the repeats of (large - small) / extra */
  perMigration: number;
  /** every repeat's value: where a client pipelines several messages, whether the server answers
   *  between two of its writes changes the count, so it varies a little from run to run */
  all: number[];
}

/**
 * Round trips per additional migration: each contender applies a small and a larger set through the
 * counting proxy, from an empty database; the difference divided by the extra migrations leaves out
 * the fixed cost (handshake, login, neomig's own schema and lock).
 */
export async function roundTripsPerMigration(
  server: Server,
  driver: Parameters<typeof resetDatabase>[0],
  pairs: { small: Contender; large: Contender; extra: number }[],
  repeats: number,
): Promise<RoundTrips[]> {
  const proxy = await countingProxy(server.uri);
  const viaProxy = { ...server, uri: proxy.uri };
  const out: RoundTrips[] = [];
  try {
    for (const { small, large, extra } of pairs) {
      const all: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const counts: number[] = [];
        for (const c of [small, large]) {
          await resetDatabase(driver);
          proxy.reset();
          await c.run(viaProxy);
          counts.push(proxy.roundTrips());
        }
        all.push((counts[1]! - counts[0]!) / extra);
      }
      out.push({ contender: small.name, perMigration: median(all), all });
    }
  } finally {
    await proxy.close();
  }
  return out;
}

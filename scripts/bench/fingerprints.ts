/**
 * The cost of fingerprints (the before/after delta recorded with every migration): `up` of 100
 * one-statement migrations with fingerprints on and off, in-process (createMigrator from dist/), in
 * interleaved rounds from an empty database each time, for data migrations (counts read in the
 * migration's own transaction) and index migrations (the schema is read again after each one, and
 * every index coming online makes Neo4j plan the count query again). Prints medians and the ratio.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Driver } from 'neo4j-driver';
import { benchCounts, resetDatabase, type Server } from './database.js';
import { median } from './stats.js';
import { type Kind, writeMigrationSet } from './workloads.js';

interface Options {
  repo: string;
  root: string;
  server: Server;
  driver: Driver;
  rounds: number;
  log: (line: string) => void;
  size?: number;
}

type CreateMigrator = (config: Record<string, unknown>) => {
  up(): Promise<{ failed?: unknown; applied: unknown[] }>;
  close(): Promise<void>;
};

export async function fingerprintsBench(o: Options): Promise<string[]> {
  const size = o.size ?? 100;
  const entry = pathToFileURL(path.join(o.repo, 'dist', 'index.js')).href;
  const { createMigrator } = (await import(entry)) as { createMigrator: CreateMigrator };
  const notes = [`fingerprints: up of ${size} one-statement migrations, in-process, median of ${o.rounds} interleaved rounds:`];
  for (const kind of ['data', 'index'] as Kind[]) {
    const set = writeMigrationSet(o.root, kind, size);
    const times: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let r = 0; r < o.rounds; r++) {
      for (const mode of (r % 2 === 0 ? ['on', 'off'] : ['off', 'on']) as ('on' | 'off')[]) {
        await resetDatabase(o.driver);
        const { uri, username, password } = o.server;
        const migrator = createMigrator({ uri, username, password, migrations: set.neomigDir, fingerprints: mode === 'on' });
        const t0 = performance.now();
        try {
          const result = await migrator.up();
          if (result.failed || result.applied.length !== size) throw new Error(`fingerprints ${kind} ${mode}: the up did not apply ${size} migrations`);
        } finally {
          await migrator.close();
        }
        const ms = performance.now() - t0;
        times[mode].push(ms);
        const counts = await benchCounts(o.driver);
        if ((kind === 'data' ? counts.nodes : counts.indexes) !== size) throw new Error(`fingerprints ${kind} ${mode}: wrong result`);
        o.log(`bench: fingerprints ${kind}-${size} round ${r + 1}/${o.rounds}: ${mode} ${ms.toFixed(0)} ms`);
      }
    }
    const [on, off] = [median(times.on), median(times.off)];
    const perMigration = (on - off) / size;
    notes.push(
      `  ${kind}-${size}: on ${on.toFixed(0)} ms, off ${off.toFixed(0)} ms, on ÷ off ${(on / off).toFixed(2)}×` +
        ` (${perMigration >= 0 ? '+' : ''}${perMigration.toFixed(1)} ms per migration; rounds on ${times.on.map((x) => x.toFixed(0)).join(' ')},` +
        ` off ${times.off.map((x) => x.toFixed(0)).join(' ')})`,
    );
  }
  return notes;
}

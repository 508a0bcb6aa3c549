/**
 * The cost of up's preflight: the same 100 one-statement migrations applied by `neomig up` and by
 * `neomig up --no-preflight`, and planned by `up --dry-run` with and without it (the preflight alone),
 * in interleaved rounds from an empty database. Prints medians and the ratios with/without.
 */
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { type Paths, timed } from './contenders.js';
import { resetDatabase, type Server } from './database.js';
import { median, rotate } from './stats.js';
import type { MigrationSet } from './workloads.js';

interface Variant {
  name: string;
  args: string[];
}

export async function preflightBench(server: Server, driver: Driver, set: MigrationSet, paths: Paths, rounds: number, log: (l: string) => void): Promise<string> {
  const bin = path.join(paths.repo, 'bin/neomig');
  const env = { NEO4J_URI: server.uri, NEO4J_USERNAME: server.username, NEO4J_PASSWORD: server.password };
  const variants: Variant[] = [
    { name: 'up', args: ['up'] },
    { name: 'up --no-preflight', args: ['up', '--no-preflight'] },
    { name: 'up --dry-run', args: ['up', '--dry-run'] },
    { name: 'up --dry-run --no-preflight', args: ['up', '--dry-run', '--no-preflight'] },
  ];
  const ms = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const v of rotate(variants, r)) {
      await resetDatabase(driver);
      const t = await timed(['node', bin, ...v.args, '--migrations', set.neomigDir], env, paths.scratch);
      ms.get(v.name)!.push(t.wallMs);
      log(`bench: preflight-${set.size} round ${r + 1}/${rounds}: ${v.name} ${t.wallMs.toFixed(0)} ms`);
    }
  }
  const m = (name: string) => median(ms.get(name)!);
  const lines = [`preflight on ${set.size} one-statement ${set.kind} migrations (whole processes, median of ${rounds}):`];
  for (const v of variants) lines.push(`  ${v.name.padEnd(30)} ${m(v.name).toFixed(0).padStart(6)} ms  (${ms.get(v.name)!.map((x) => x.toFixed(0)).join(' ')})`);
  const ratio = m('up') / m('up --no-preflight');
  const dry = m('up --dry-run') - m('up --dry-run --no-preflight');
  lines.push(`  up with / without preflight: ${ratio.toFixed(2)}x (+${(m('up') - m('up --no-preflight')).toFixed(0)} ms); ` +
    `the preflight alone (dry runs): +${dry.toFixed(0)} ms`);
  return lines.join('\n');
}

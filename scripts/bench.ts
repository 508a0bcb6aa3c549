/**
 * `npm run bench`: neomig against the bare driver and neo4j-migrations on one Neo4j, in interleaved
 * rounds (each round runs every contender once per workload, in an order rotated per round), each run
 * from an empty database and timed as a whole process. Prints min, median and ratios per workload,
 * round trips per additional migration, and the splitter micro-bench.
 *
 *   npm run bench                       # everything: 100 and 500 migrations, 3 rounds (~10 min)
 *   npm run bench -- --quick            # 100-size workloads, 2 rounds
 *   npm run bench -- --only index-100,status-500 --rounds 5
 *   npm run bench -- --quick --compare ../main   # also another built checkout's CLI, e.g. before/after
 *
 * Workloads: data-<n>, index-<n> (n = 100, 500), status-<n> and validate-<n> (n applied), roundtrips,
 * splitter, preflight (up with vs --no-preflight on data-100; `--only preflight`), fingerprints (up of 100
 * migrations with fingerprints on vs off, see bench/fingerprints.ts), snapshot (snapshot and restore of
 * NEOMIG_BENCH_SNAPSHOT_NODES nodes, default 1,000,000, and twice as many relationships; see
 * bench/snapshot.ts), placeholders (discovery with `${label}` filled against the values written in),
 * batch (ctx.batch over 1 M and 2 M nodes, see bench/batch.ts; minutes; NEOMIG_BENCH_BATCH_NODES for a
 * smaller graph; `npm run bench -- --only batch`). neo4j-migrations' CLI is fetched with Maven (see
 * bench/neo4j-migrations.ts) and skipped with a message when that fails. It measures whatever engine
 * dist/ holds: `npm run bench` builds first.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalNeo4j } from '../tools/neo4j-local/provider.js';
import {
  bareDriver,
  connectAndQuery,
  type Contender,
  neo4jMigrationsCli,
  neomigCli,
  neomigLibrary,
  type Paths,
} from './bench/contenders.js';
import { benchCounts, openDriver, resetDatabase } from './bench/database.js';
import { type JvmTool, prepareNeo4jMigrations } from './bench/neo4j-migrations.js';
import { goals, table, type Series } from './bench/report.js';
import { preflightBench } from './bench/preflight.js';
import { roundTripsPerMigration } from './bench/roundtrips.js';
import { snapshotBench } from './bench/snapshot.js';
import { splitterBench } from './bench/splitter.js';
import { fingerprintsBench } from './bench/fingerprints.js';
import { placeholdersBench } from './bench/placeholders.js';
import { batchBench } from './bench/batch.js';
import { rotate } from './bench/stats.js';
import { type Kind, type MigrationSet, writeMigrationSet } from './bench/workloads.js';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean' }, only: { type: 'string', multiple: true }, rounds: { type: 'string' }, compare: { type: 'string' } },
});
const sizes = flags.quick ? [100] : [100, 500];
const readSize = sizes.at(-1)!;
const rounds = Number(flags.rounds ?? (flags.quick ? 2 : 3));
const allWorkloads = [
  ...sizes.flatMap((n) => [`data-${n}`, `index-${n}`]),
  `status-${readSize}`,
  `validate-${readSize}`,
  'roundtrips',
  'splitter',
  'preflight',
  'fingerprints',
  'snapshot',
  'placeholders',
  'batch',
];
const only = (flags.only ?? []).flatMap((o) => o.split(',')).filter(Boolean);
const named = ['roundtrips', 'splitter', 'preflight', 'fingerprints', 'snapshot', 'placeholders', 'batch'];
const unknown = only.filter((o) => !/^(data|index|status|validate)-\d+$/.test(o) && !named.includes(o));
if (unknown.length > 0 || !Number.isInteger(rounds) || rounds < 1) {
  console.error(`usage: npm run bench -- [--quick] [--rounds N] [--compare <other checkout>] [--only ${allWorkloads.join(',')}]`);
  process.exit(2);
}
const workloads = only.length > 0 ? only : allWorkloads;
const compare = flags.compare ? path.resolve(flags.compare) : undefined;
if (compare && !existsSync(path.join(compare, 'dist/cli/main.js'))) {
  console.error(`bench: --compare ${compare} has no dist/cli/main.js: run npm run build there first`);
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${line}\n`);

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const root = mkdtempSync(path.join(tmpdir(), 'neomig-bench-'));
const paths: Paths = { repo, scratch: path.join(root, 'cwd') };
mkdirSync(paths.scratch);
const started = performance.now();

const needsJvmTool = workloads.some((w) => /^(data|index|status|validate)-/.test(w));
let jvm: JvmTool | undefined;
if (needsJvmTool) {
  const prepared = prepareNeo4jMigrations(repo, log);
  if (typeof prepared === 'string') log(`bench: neo4j-migrations skipped: ${prepared}`);
  else jvm = prepared;
}

const server = await startLocalNeo4j({ log });
const driver = openDriver(server);
const sets = new Map<string, MigrationSet>();
const setOf = (kind: Kind, size: number) => {
  const key = `${kind}-${size}`;
  if (!sets.has(key)) sets.set(key, writeMigrationSet(root, kind, size));
  return sets.get(key)!;
};

/** Runs `contenders` for `rounds` rounds in rotating order; `before` readies the database for each run. */
async function measure(workload: string, contenders: Contender[], before: () => Promise<void>, check: () => Promise<void>): Promise<Series[]> {
  const wall = contenders.map((c): Series => ({ workload, contender: c.name, role: c.role, ms: [] }));
  const inner = contenders.map((c): Series => ({ workload: `${workload}, in-process`, contender: c.name, role: c.role, ms: [] }));
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(contenders, r)) {
      await before();
      const t = await c.run(server);
      await check();
      const i = contenders.indexOf(c);
      wall[i]!.ms[r] = t.wallMs;
      if (t.innerMs !== undefined) inner[i]!.ms[r] = t.innerMs;
      log(`bench: ${workload} round ${r + 1}/${rounds}: ${c.name} ${t.wallMs.toFixed(0)} ms`);
    }
  }
  return [...wall, ...inner.filter((s) => s.ms.length > 0)];
}

async function applyWorkload(kind: Kind, size: number): Promise<Series[]> {
  const set = setOf(kind, size);
  const contenders = [
    neomigCli(paths, 'up', set.neomigDir),
    ...(compare ? [neomigCli(paths, 'up', set.neomigDir, compare)] : []),
    // The library differs from the CLI by a fixed start cost, shown on the smaller sets; on index-500
    // it would add a minute or more per round.
    ...(kind === 'index' && size > 100 ? [] : [neomigLibrary(paths, 'up', set.neomigDir)]),
    bareDriver(paths, set),
    ...(kind === 'index' ? [bareDriver(paths, set, true)] : []),
    ...(jvm ? [neo4jMigrationsCli(paths, jvm, 'migrate', set.neo4jMigrationsDir)] : []),
  ];
  return measure(`${kind}-${size}`, contenders, () => resetDatabase(driver), async () => {
    const counts = await benchCounts(driver);
    const got = kind === 'data' ? counts.nodes : counts.indexes;
    if (got !== size) throw new Error(`${kind}-${size}: a contender left ${got} ${kind === 'data' ? 'nodes' : 'indexes'}, not ${size}`);
  });
}

/** status/validate with `size` migrations applied by both tools (each reads its own history). */
async function readWorkload(command: 'status' | 'validate', size: number): Promise<Series[]> {
  const set = setOf('data', size);
  await resetDatabase(driver);
  await neomigLibrary(paths, 'up', set.neomigDir).run(server);
  if (jvm) await neo4jMigrationsCli(paths, jvm, 'migrate', set.neo4jMigrationsDir).run(server);
  const contenders = [
    neomigCli(paths, command, set.neomigDir),
    ...(compare ? [neomigCli(paths, command, set.neomigDir, compare)] : []),
    neomigLibrary(paths, command, set.neomigDir),
    connectAndQuery(paths),
    ...(jvm ? [neo4jMigrationsCli(paths, jvm, command === 'status' ? 'info' : 'validate', set.neo4jMigrationsDir)] : []),
  ];
  const nothing = async () => {};
  return measure(`${command}-${size}`, contenders, nothing, nothing);
}

const series: Series[] = [];
const notes: string[] = [];
let dataRoundTrips: number | undefined;
try {
  for (const workload of workloads) {
    const [name, n] = workload.split('-') as [string, string | undefined];
    if (name === 'data' || name === 'index') series.push(...(await applyWorkload(name, Number(n))));
    else if (name === 'status' || name === 'validate') series.push(...(await readWorkload(name, Number(n))));
    else if (name === 'roundtrips') {
      const [small, large] = [10, 30];
      const pair = (make: (set: MigrationSet) => Contender, kind: Kind) => ({ small: make(setOf(kind, small)), large: make(setOf(kind, large)), extra: large - small });
      const results = await roundTripsPerMigration(server, driver, [
        pair((s) => neomigCli(paths, 'up', s.neomigDir), 'data'),
        pair((s) => neomigLibrary(paths, 'up', s.neomigDir), 'data'),
        pair((s) => bareDriver(paths, s), 'data'),
        pair((s) => neomigCli(paths, 'up', s.neomigDir), 'index'),
        pair((s) => bareDriver(paths, s), 'index'),
        pair((s) => bareDriver(paths, s, true), 'index'),
      ], rounds);
      const kinds = ['data', 'data', 'data', 'index', 'index', 'index'];
      dataRoundTrips = results[0]!.perMigration;
      notes.push(`round trips per additional migration (proxy count, ${small} vs ${large} one-statement migrations, median of ${rounds}):`);
      results.forEach((r, i) =>
        notes.push(`  ${kinds[i]}: ${r.contender.padEnd(28)} ${r.perMigration.toFixed(2)}  (${r.all.map((x) => x.toFixed(2)).join(' ')})`));
    } else if (name === 'splitter') notes.push(splitterBench());
    else if (name === 'preflight') notes.push(await preflightBench(server, driver, setOf('data', 100), paths, rounds, log));
    else if (name === 'fingerprints') notes.push(...(await fingerprintsBench({ repo, root, server, driver, rounds, log })));
    else if (name === 'snapshot') notes.push(...(await snapshotBench(repo, server, driver, log)));
    else if (name === 'placeholders') notes.push(await placeholdersBench());
    else if (name === 'batch') {
      // each later round on a server of its own (not for NEO4J_URI's: there is only that one)
      const fresh = server.provider === 'env' ? undefined : async () => {
        const own = await startLocalNeo4j({ log });
        const ownDriver = openDriver(own);
        return { server: own, driver: ownDriver, stop: async () => { await ownDriver.close(); await own.stop(); } };
      };
      notes.push(...(await batchBench({ server, driver }, fresh, repo, paths.scratch, rounds, log)));
    }
  }
} finally {
  await driver.close();
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}

console.log(`\nneomig bench on Neo4j ${server.version} ${server.edition}, ${rounds} interleaved round(s), whole processes` +
  (jvm ? `, neo4j-migrations ${jvm.version}` : ', without neo4j-migrations'));
if (series.length > 0) console.log(table(series));
for (const note of notes) console.log(note);
const checked = goals(series, dataRoundTrips);
if (checked.length > 0) console.log(`performance goals, on medians:\n  ${checked.join('\n  ')}`);
console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);

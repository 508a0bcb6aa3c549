/**
 * The batch bench: a backfill of N nodes (default 1,000,000; NEOMIG_BENCH_BATCH_NODES for quick runs)
 * by neomig's ctx.batch() against the bare driver running the equivalent
 * `CALL { } IN TRANSACTIONS OF 10000 ROWS`, in the same run, rounds interleaved:
 *   - bare driver: MATCH (b:Book) CALL (b) { SET ... } IN TRANSACTIONS OF 10000 ROWS (no checkpoint)
 *   - bare driver in key order: the same, `WITH b ORDER BY b.id` first (read through the index, as a
 *     key-ordered job must): what key order costs by itself, apart from neomig's bookkeeping
 *   - ctx.batch key-ordered by an indexed property (b.id), 10,000 per batch, a checkpoint per batch
 *   - ctx.batch by elementId(b): ranges of internal ids, a seek by id per batch
 *   - ctx.batch by b.id with `concurrency: 2` (key ranges, two transactions at once), against the bare
 *     driver's `IN 2 CONCURRENT TRANSACTIONS`: the same parallelism on both sides
 *   - ctx.batch loop form (WHERE b.loop IS NULL ... LIMIT $batchSize), the old documented pattern, once
 * then the graph is doubled and the bare driver and both keyed forms run again: 2N vs N time.
 * Each round runs on a server of its own, started afresh, with the graph loaded afresh: from one run of
 * the bench to the next, on one server for all rounds, every ratio moved together by up to 15 % while
 * the rounds within a run agreed, so one server's state (what its JIT compiled, for one) weighed on all
 * of a run's rounds alike. Rounds on servers of their own sample that too. On a server given by
 * NEO4J_URI every round runs on that one, from an empty graph (whose node ids are then reused ones).
 * Every timed run overwrites the same property (b.v) with a value of its own, so every run does the same
 * work on the same store. (Adding a new property per run did not: Neo4j's record format keeps four
 * small properties per property record, so every fourth new property made each node allocate a record,
 * about 2 s more at 1 M nodes, for whichever contender's turn it was.) The bare driver and both keyed
 * forms run once untimed first, so that none of them is the first to run its kind of query on the
 * server in a timed run. (The first timed round can still be slower for all: the median leaves it out.)
 * neomig runs in-process from dist/ (createMigrator, as a library user would), timed twice: from up() to
 * its end (a new connection, the lock, the history, fingerprints, the record: what every run pays once),
 * and its ctx.batch() call alone (timed by the migration itself), which is what the bare statement does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import neo4j, { type Driver } from 'neo4j-driver';
import type { Server } from './database.js';

const BATCH = 10_000;
/** batches at once for the concurrent contenders (the bench machine's cores) */
const CONCURRENCY = 2;
/** where a neomig run's migration leaves the time its ctx.batch() call took */
const CALL_MS = '__neomigBenchBatchCallMs';
/** the series of those times: the contender's name and this */
const CALL = ' (the call)';

/** A timed run: its time, and for neomig the time of the ctx.batch() call inside it. */
type Timed = number | { ms: number; callMs: number };

interface Run {
  contender: string;
  nodes: number;
  ms: number;
}

/** A server to run a round on, and how to stop it when the round is done (the bench's own: not here). */
export interface BatchServer {
  server: Server;
  driver: Driver;
  stop(): Promise<void>;
}

/**
 * `first`: the bench's server, for the first round. `fresh`: starts another for each later round (absent
 * for a server given by NEO4J_URI: every round then runs on that one, from an empty graph).
 */
export async function batchBench(
  first: Pick<BatchServer, 'server' | 'driver'>,
  fresh: (() => Promise<BatchServer>) | undefined,
  repo: string,
  scratch: string,
  rounds: number,
  log: (line: string) => void,
): Promise<string[]> {
  let { server, driver } = first;
  const nodes = Number(process.env['NEOMIG_BENCH_BATCH_NODES'] ?? 1_000_000);
  const { createMigrator } = (await import(pathToFileURL(path.join(repo, 'dist', 'index.js')).href)) as typeof import('../../src/index.js');
  let run = 0;
  const runs: Run[] = [];

  const implicit = async (cypher: string, params: Record<string, unknown> = {}) => {
    const session = driver.session();
    try {
      await session.run(cypher, params);
    } finally {
      await session.close();
    }
  };
  const addBooks = async (from: number, to: number) => {
    await implicit('UNWIND range($from, $to) AS id CALL (id) { CREATE (:Book {id: id}) } IN TRANSACTIONS OF 50000 ROWS', { from: neo4j.int(from), to: neo4j.int(to) });
  };
  /** every book has the value run k gave it: b.v = b.id * 2 + k (the loop form: b.loop) */
  const check = async (p: string, k: number, n: number) => {
    const r = await driver.executeQuery(`MATCH (b:Book) WHERE b.${p} = b.id * 2 + $k RETURN count(*) AS c`, { k: neo4j.int(k) });
    const c = Number(r.records[0]!.get('c'));
    if (c !== n) throw new Error(`bench batch: run ${k} set ${p} on ${c} books, not ${n}`);
  };

  const bare = (ordered: boolean, concurrent = false) => async (n: number) => {
    const k = ++run;
    const t = performance.now();
    const order = ordered ? 'WHERE b.id IS NOT NULL WITH b ORDER BY b.id ' : '';
    await implicit(`MATCH (b:Book) ${order}CALL (b) { SET b.v = b.id * 2 + ${k} } IN ${concurrent ? `${CONCURRENCY} CONCURRENT ` : ''}TRANSACTIONS OF ${BATCH} ROWS`);
    const ms = performance.now() - t;
    await check('v', k, n);
    return ms;
  };
  const neomig = (form: 'keyed' | 'elementId' | 'loop', concurrency = 1) => async (n: number) => {
    const k = ++run;
    const p = form === 'loop' ? 'loop' : 'v';
    const dir = path.join(scratch, `batch-${k}`);
    mkdirSync(dir, { recursive: true });
    const update = `SET b.${p} = b.id * 2 + ${k}`;
    const call =
      form === 'loop'
        ? `ctx.batch('MATCH (b:Book) WHERE b.${p} IS NULL WITH b LIMIT $batchSize ${update} RETURN count(b)', {}, { batchSize: ${BATCH} })`
        : `ctx.batch({ match: '(b:Book)', key: '${form === 'keyed' ? 'b.id' : 'elementId(b)'}', update: '${update}', batchSize: ${BATCH}, total: ${n}, concurrency: ${concurrency} })`;
    // the migration times its own ctx.batch() call: what the job costs apart from the run around it
    writeFileSync(path.join(dir, 'V1__backfill.js'),
      `export default { async up(ctx) { const t = performance.now(); await ${call}; globalThis.${CALL_MS} = performance.now() - t; }, async down() {} };\n`);
    await driver.executeQuery('MATCH (v) WHERE v:SchemaVersion OR v:SchemaVersionEvent DETACH DELETE v');
    const migrator = createMigrator({ uri: server.uri, username: server.username, password: server.password, migrations: dir });
    try {
      const t = performance.now();
      const result = await migrator.up();
      const ms = performance.now() - t;
      if (result.failed) throw new Error(`bench batch: ${form} failed: ${result.failed.message}`);
      await check(p, k, n);
      return { ms, callMs: (globalThis as Record<string, unknown>)[CALL_MS] as number };
    } finally {
      await migrator.close();
    }
  };

  const measure = async (contender: string, n: number, run: (n: number) => Promise<Timed>) => {
    const timed = await run(n);
    const ms = typeof timed === 'number' ? timed : timed.ms;
    runs.push({ contender, nodes: n, ms });
    if (typeof timed !== 'number') runs.push({ contender: contender + CALL, nodes: n, ms: timed.callMs });
    const call = typeof timed === 'number' ? '' : `, the ctx.batch() call ${timed.callMs.toFixed(0)} ms`;
    log(`bench: batch ${contender} ${n.toLocaleString('en-US')} nodes: ${ms.toFixed(0)} ms (${Math.round((n * 1000) / ms).toLocaleString('en-US')} rows/s)${call}`);
  };

  const contenders: [string, (n: number) => Promise<Timed>][] = [
    ['bare driver CALL IN TRANSACTIONS', bare(false)],
    ['ctx.batch by b.id', neomig('keyed')],
    ['ctx.batch by elementId', neomig('elementId')],
    ['bare driver, in key order', bare(true)],
    [`ctx.batch by b.id, concurrency ${CONCURRENCY}`, neomig('keyed', CONCURRENCY)],
    [`bare driver, ${CONCURRENCY} concurrent`, bare(false, true)],
  ];
  const twice = contenders.slice(0, 3);
  for (let r = 0; r < rounds; r++) {
    const own = r > 0 && fresh ? await fresh() : undefined;
    ({ server, driver } = own ?? first);
    try {
      if (own) log(`bench: batch round ${r + 1} on a server of its own`);
      // an id key has its uniqueness constraint (its index): ctx.batch then takes LIMIT rows per batch, no second seek
      await implicit('CREATE CONSTRAINT bench_book_id IF NOT EXISTS FOR (b:Book) REQUIRE b.id IS UNIQUE');
      await addBooks(1, nodes);
      await implicit('CALL db.awaitIndexes(300)');
      await bare(false)(nodes);
      await neomig('keyed')(nodes);
      await neomig('elementId')(nodes);
      for (const [name, run] of r % 2 ? [...contenders].reverse() : contenders) await measure(name, nodes, run);
      if (r === 0) await measure('ctx.batch loop form', nodes, neomig('loop'));
      await addBooks(nodes + 1, 2 * nodes);
      // the doubled graph's first runs, untimed too: the first after it grew ran up to 50 % slower
      for (const [, run] of twice) await run(2 * nodes);
      for (const [name, run] of r % 2 ? [...twice].reverse() : twice) await measure(name, 2 * nodes, run);
      await implicit('MATCH (b:Book) CALL (b) { DETACH DELETE b } IN TRANSACTIONS OF 50000 ROWS');
      await implicit('DROP CONSTRAINT bench_book_id IF EXISTS');
    } finally {
      await own?.stop();
    }
  }

  const median = (contender: string, n: number) => {
    const ms = runs.filter((x) => x.contender === contender && x.nodes === n).map((x) => x.ms).sort((a, b) => a - b);
    return ms[Math.floor((ms.length - 1) / 2)]!;
  };
  const rate = (ms: number, n: number) => `${Math.round((n * 1000) / ms).toLocaleString('en-US')} rows/s`;
  const base = median('bare driver CALL IN TRANSACTIONS', nodes);
  const lines = [
    `batch: a backfill of ${nodes.toLocaleString('en-US')} nodes, ${BATCH} rows per transaction, median of ${rounds}` +
      `${fresh ? ', each round on a server of its own' : ''}; ` +
      'neomig: the whole up() (connect, lock, history, record), then its ctx.batch() call alone:',
  ];
  const row = (name: string, ms: number) =>
    `  ${name.padEnd(46)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${rate(ms, nodes).padStart(14)}  ${(base / ms).toFixed(2)}× the bare driver`;
  for (const name of [...contenders.map(([c]) => c), 'ctx.batch loop form']) {
    lines.push(row(name, median(name, nodes)));
    if (runs.some((x) => x.contender === name + CALL)) lines.push(row(name + CALL, median(name + CALL, nodes)));
  }
  const keyed1 = median('ctx.batch by b.id', nodes);
  const ordered = median('bare driver, in key order', nodes);
  // the ratio within each round (the two ran minutes apart at most), then their median
  const of = (contender: string, n: number) => runs.filter((x) => x.contender === contender && x.nodes === n).map((x) => x.ms);
  const paired = (contender: string) =>
    of('bare driver CALL IN TRANSACTIONS', nodes).map((ms, r) => ms / of(contender, nodes)[r]!).sort((x, y) => x - y).map((x) => x.toFixed(2)).join(', ');
  lines.push(`  key order by itself: the bare driver in key order is ${(base / ordered).toFixed(2)}× the bare driver; ctx.batch by b.id is ${(ordered / keyed1).toFixed(2)}× the bare driver in key order`);
  lines.push(`  ctx.batch by b.id ÷ the bare driver, round by round: whole up() ${paired('ctx.batch by b.id')}; the call ${paired('ctx.batch by b.id' + CALL)}`);
  lines.push(`  ctx.batch by elementId ÷ the bare driver, round by round: whole up() ${paired('ctx.batch by elementId')}; the call ${paired('ctx.batch by elementId' + CALL)}`);
  const concurrent = median(`ctx.batch by b.id, concurrency ${CONCURRENCY}`, nodes);
  const bareConcurrent = median(`bare driver, ${CONCURRENCY} concurrent`, nodes);
  lines.push(`  concurrency ${CONCURRENCY}: ctx.batch ${(base / concurrent).toFixed(2)}× the bare driver, ${(bareConcurrent / concurrent).toFixed(2)}× the bare driver's ${CONCURRENCY} concurrent transactions`);
  const bare2 = median('bare driver CALL IN TRANSACTIONS', 2 * nodes);
  for (const key of ['b.id', 'elementId']) {
    const name = `ctx.batch by ${key}`;
    const [up1, call1, up2, call2] = [median(name, nodes), median(name + CALL, nodes), median(name, 2 * nodes), median(name + CALL, 2 * nodes)];
    lines.push(`  at ${(2 * nodes).toLocaleString('en-US')} nodes: ${name} ${(up2 / 1000).toFixed(2)} s (${rate(up2, 2 * nodes)}; the call ${(call2 / 1000).toFixed(2)} s), bare driver ${(bare2 / 1000).toFixed(2)} s: ${(bare2 / up2).toFixed(2)}× the bare driver (the call ${(bare2 / call2).toFixed(2)}×)`);
    lines.push(`  goals, ${name}: the call ${(base / call1).toFixed(2)}× the bare driver, the whole up() ${(base / up1).toFixed(2)}× (goal ≥ 0.9×); ` +
      `2N/N time: the call ${(call2 / call1).toFixed(2)}×, the whole up() ${(up2 / up1).toFixed(2)}× (goal ≤ 2.2×; bare driver ${(bare2 / base).toFixed(2)}×)`);
  }
  return lines;
}

/**
 * Snapshot and restore of a generated graph: N :Item nodes (an integer, a string, a float, a datetime)
 * and 2N relationships (two :NEXT per node, with a float). Both run as the real CLI in a child process
 * whose peak resident memory (VmHWM, sampled from /proc/<pid>/status) is reported with its rows/s;
 * baselines measured in the same run: the bare driver streaming the same graph out (`MATCH (n) RETURN n`,
 * `MATCH ()-[r]->() RETURN r`) and Cypher generating it (CALL {} IN TRANSACTIONS OF 10000 ROWS).
 *
 *   npm run bench -- --only snapshot                              # 1,000,000 nodes, 2,000,000 relationships
 *   NEOMIG_BENCH_SNAPSHOT_NODES=100000 npm run bench -- --only snapshot   # a quick run
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { type Server, resetDatabase } from './database.js';

export const MEMORY_GOAL_MB = 300;

interface ChildRun {
  ms: number;
  peakMb: number;
  json: Record<string, unknown>;
}

/** Runs bin/neomig, sampling the child's VmHWM (peak resident set) until it exits. */
function neomigMeasured(repo: string, args: string[], cwd: string, server: Server): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const env = { ...process.env, NEO4J_URI: server.uri, NEO4J_USERNAME: server.username, NEO4J_PASSWORD: server.password };
    const child = spawn(process.execPath, [path.join(repo, 'bin/neomig'), ...args, '--json'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let peakKb = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between samples: the last sample stands
      }
    };
    const timer = setInterval(sample, 100);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
      sample();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`neomig ${args[0]} exited ${code}:\n${(out + err).slice(-2000)}`));
      else resolve({ ms: performance.now() - t0, peakMb: peakKb / 1024, json: JSON.parse(out) as Record<string, unknown> });
    });
  });
}

async function implicit(driver: Driver, cypher: string, params: Record<string, unknown> = {}): Promise<void> {
  const session = driver.session();
  try {
    await session.run(cypher, params);
  } finally {
    await session.close();
  }
}

/** Streams every row of a query through the driver and drops it: what reading the graph costs bare. */
async function drain(driver: Driver, cypher: string): Promise<number> {
  const session = driver.session({ defaultAccessMode: 'READ' });
  let rows = 0;
  try {
    for await (const _ of session.run(cypher)) rows++;
  } finally {
    await session.close();
  }
  return rows;
}

export async function snapshotBench(repo: string, server: Server, driver: Driver, log: (line: string) => void): Promise<string[]> {
  const n = Number(process.env['NEOMIG_BENCH_SNAPSHOT_NODES'] ?? 1_000_000);
  const rows = 3 * n;
  const dir = mkdtempSync(path.join(tmpdir(), 'neomig-bench-snapshot-'));
  writeFileSync(path.join(dir, 'neomig.config.json'), JSON.stringify({ cleanEnabled: true }));
  const file = path.join(dir, 'bench.jsonl.gz');
  try {
    await resetDatabase(driver);
    log(`bench: snapshot: generating ${n.toLocaleString('en-US')} nodes and ${(2 * n).toLocaleString('en-US')} relationships…`);
    const g0 = performance.now();
    await implicit(driver, `UNWIND range(0, $n - 1) AS i CALL (i) {
      CREATE (:Item {i: i, name: 'item ' + i, score: i / 7.0, at: datetime({epochSeconds: 1700000000 + i})}) } IN TRANSACTIONS OF 10000 ROWS`, { n });
    await driver.executeQuery('CREATE INDEX bench_item_i IF NOT EXISTS FOR (x:Item) ON (x.i)');
    await driver.executeQuery('CALL db.awaitIndexes(300)');
    await implicit(driver, `UNWIND range(0, $n - 1) AS i CALL (i) {
      MATCH (a:Item {i: i}) MATCH (b:Item {i: (i + 1) % $n}) MATCH (c:Item {i: (i * 7 + 3) % $n})
      CREATE (a)-[:NEXT {w: i / 3.0}]->(b), (a)-[:NEXT {w: 0.5}]->(c) } IN TRANSACTIONS OF 10000 ROWS`, { n });
    const generateMs = performance.now() - g0;

    const b0 = performance.now();
    const bareRows = (await drain(driver, 'MATCH (n) RETURN n')) + (await drain(driver, 'MATCH ()-[r]->() RETURN r'));
    const bareReadMs = performance.now() - b0;

    log('bench: snapshot: neomig snapshot…');
    const snap = await neomigMeasured(repo, ['snapshot', file], dir, server);
    const sizeMb = statSync(file).size / 1024 / 1024;
    await driver.executeQuery('MATCH (x:Item) WITH x LIMIT 1 SET x.changed = true');
    log('bench: snapshot: neomig restore…');
    const rest = await neomigMeasured(repo, ['restore', file, '--yes'], dir, server);
    const check = await driver.executeQuery('MATCH (x:Item) WITH count(x) AS nodes MATCH ()-[r:NEXT]->() RETURN nodes, count(r) AS rels');
    const [nodes, rels] = [Number(check.records[0]!.get('nodes')), Number(check.records[0]!.get('rels'))];
    if (nodes !== n || rels !== 2 * n) throw new Error(`restore left ${nodes} nodes and ${rels} relationships, not ${n} and ${2 * n}`);

    const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);
    const fmt = (x: number) => x.toLocaleString('en-US');
    const snapRate = rate(rows, snap.ms);
    const restoreRate = rate(rows, rest.ms);
    const bareRate = rate(bareRows, bareReadMs);
    const genRate = rate(rows, generateMs);
    const ok = (mb: number) => (mb <= MEMORY_GOAL_MB ? 'ok' : 'OVER');
    return [
      `snapshot and restore, ${fmt(n)} nodes + ${fmt(2 * n)} relationships (${fmt(rows)} rows), whole CLI processes:`,
      `  neomig snapshot   ${(snap.ms / 1000).toFixed(1)} s  ${fmt(snapRate)} rows/s  peak RSS ${snap.peakMb.toFixed(0)} MB (${ok(snap.peakMb)}, goal <= ${MEMORY_GOAL_MB})  file ${sizeMb.toFixed(1)} MB`,
      `  bare driver read  ${(bareReadMs / 1000).toFixed(1)} s  ${fmt(bareRate)} rows/s  -> snapshot at ${(snapRate / bareRate).toFixed(2)}x of a bare read`,
      `  neomig restore    ${(rest.ms / 1000).toFixed(1)} s  ${fmt(restoreRate)} rows/s  peak RSS ${rest.peakMb.toFixed(0)} MB (${ok(rest.peakMb)}, goal <= ${MEMORY_GOAL_MB})`,
      `  Cypher generate   ${(generateMs / 1000).toFixed(1)} s  ${fmt(genRate)} rows/s  -> restore at ${(restoreRate / genRate).toFixed(2)}x of generating the graph in Cypher`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await resetDatabase(driver);
  }
}

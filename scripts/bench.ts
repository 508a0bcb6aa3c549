/**
 * `npm run bench`: figures for neomig's hot paths, each against a baseline measured in the same run.
 *
 * 1. Round trips to Neo4j for `up` of one single-statement migration, counted by a TCP proxy between
 *    the driver and the server (one round trip = the client sends after having received), next to the
 *    queries/transactions neomig's own client counts.
 * 2. Applying 30 single-statement migrations with `up`, against the floor: the same 30 statements sent
 *    by the bare driver, one transaction each.
 * 3. Splitting a 5,000-statement Cypher file, against a naive split(';') that is wrong but fast.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { resolveConfig } from '../src/config/resolve.js';
import { splitStatements } from '../src/core/splitter.js';
import { createMigrator } from '../src/runner/migrator.js';
import { startLocalNeo4j } from '../tools/neo4j-local/provider.js';

interface Proxy {
  uri: string;
  roundTrips(): number;
  reset(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy that counts request/response turns on every connection. */
async function countingProxy(target: URL): Promise<Proxy> {
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const server = await startLocalNeo4j();
const dirs: string[] = [];
const tempDir = (files: Record<string, string>) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'neomig-bench-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
};
const driver = neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password));
const wipe = async () => {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
};

try {
  // 1. round trips for one single-statement migration
  const proxy = await countingProxy(new URL(server.uri.replace('bolt://', 'http://')));
  const one = tempDir({ 'V1__one.up.cypher': 'CREATE (:Bench {n: 1});', 'V1__one.down.cypher': 'MATCH (b:Bench) DELETE b;' });
  const config = (dir: string, uri = server.uri) =>
    resolveConfig({ uri, username: server.username, password: server.password, migrations: dir }, { baseDir: dir, processEnv: {} });
  // warm the server's caches and neomig's schema with a first run, then measure a fresh process-like run
  for (const round of ['warm-up', 'measured']) {
    await wipe();
    proxy.reset();
    const migrator = createMigrator(config(one, proxy.uri));
    await migrator.up();
    await migrator.close();
    if (round === 'measured') {
      console.log(`round trips for \`up\` of one single-statement migration (proxy count, incl. Bolt handshake and login): ${proxy.roundTrips()}`);
    }
  }
  proxy.reset();
  const bare = neo4j.driver(proxy.uri, neo4j.auth.basic(server.username, server.password));
  await bare.executeQuery('CREATE (:Bench {n: 1})');
  await bare.close();
  console.log(`baseline, the bare driver running the same statement once (incl. handshake and login): ${proxy.roundTrips()}`);
  await proxy.close();

  // 2. throughput of up
  const files: Record<string, string> = {};
  for (let i = 1; i <= 30; i++) {
    files[`V${i}__m${i}.up.cypher`] = `CREATE (:Bench {n: ${i}});`;
    files[`V${i}__m${i}.down.cypher`] = `MATCH (b:Bench {n: ${i}}) DELETE b;`;
  }
  const many = tempDir(files);
  const neomigTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let r = 0; r < 3; r++) {
    await wipe();
    const t0 = performance.now();
    const migrator = createMigrator(config(many));
    await migrator.up();
    await migrator.close();
    neomigTimes.push(performance.now() - t0);

    await wipe();
    const t1 = performance.now();
    const d = neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password));
    const session = d.session();
    for (let i = 1; i <= 30; i++) await session.executeWrite((tx) => tx.run(`CREATE (:Bench {n: ${i}})`));
    await session.close();
    await d.close();
    bareTimes.push(performance.now() - t1);
  }
  const a = median(neomigTimes);
  const b = median(bareTimes);
  console.log(`up of 30 migrations: ${a.toFixed(0)} ms (median of 3); bare driver, same statements: ${b.toFixed(0)} ms; ratio ${(a / b).toFixed(1)}x, ${((a - b) / 30).toFixed(1)} ms of bookkeeping per migration`);

  // 3. splitter
  const text = Array.from({ length: 5000 }, (_, i) => `// step ${i}\nMATCH (a:A {s: 'x;y'})-->(b) WHERE b.\`odd;name\` = "q" /* ; */ SET b.n = ${i}`).join(';\n');
  const time = (f: () => unknown) => {
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      f();
      ts.push(performance.now() - t);
    }
    return median(ts);
  };
  const split = time(() => splitStatements(text));
  const naive = time(() => text.split(';'));
  console.log(`split 5,000 statements (${(text.length / 1024).toFixed(0)} KiB): ${split.toFixed(1)} ms; naive split(';'): ${naive.toFixed(2)} ms; ratio ${(split / naive).toFixed(0)}x`);
} finally {
  await driver.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await server.stop();
}

/**
 * Loads a verified snapshot into an emptied database. Nodes go in first, in batches (UNWIND with
 * parameters, one query per label combination), each carrying a temporary label and key (its id in
 * the file) under a temporary index, so that relationships find their two nodes by index seek; then
 * the relationships; then the temporary marks and index go; then the constraints and indexes
 * (populated once, over the loaded data, which is faster than maintaining them row by row). A few
 * batches are in flight at a time: memory stays flat whatever the graph's size.
 */
import { randomBytes } from 'node:crypto';
import type { SchemaItem } from '../core/schema.js';
import type { BatchProgressEvent } from '../core/vocabulary.js';
import { NeomigError } from '../errors.js';
import { readSchema } from '../neo4j/catalog.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { errorMessage, neo4jCode } from '../neo4j/errors.js';
import { snapshotElements, type Verified } from './file.js';
import type { NodeLine, RelationshipLine } from './format.js';
import { Progress } from './progress.js';
import { decodeProperties } from './values.js';

/** The temporary label, key and index of one restore: named afresh each time, so that no label or
 *  property of the data (which the file may hold, under any name) is taken for them. */
interface Marks {
  label: string;
  key: string;
  index: string;
}

function newMarks(): Marks {
  const tag = randomBytes(6).toString('hex');
  return { label: `NeomigRestore_${tag}`, key: `neomigRestoreId_${tag}`, index: `neomig_restore_${tag}` };
}
export const DEFAULT_RESTORE_BATCH = 5_000;
/** node batches written at once; relationship batches go one at a time (two at once lock the same nodes),
 *  the next read from the file while one is written */
const NODE_BATCHES_IN_FLIGHT = 2;

export interface Loaded {
  nodes: number;
  /** relationships created */
  relationships: number;
  /** relationships of the file not created: one of their nodes is not in it (a snapshot taken while
   *  the application wrote: nodes and relationships are read one after the other) */
  dangling: number;
  schema: number;
  elapsedMs: number;
}

export async function loadSnapshot(
  client: Neo4jClient,
  file: string,
  verified: Verified,
  options: { batchSize?: number; progress?: (event: BatchProgressEvent) => void; loaded?: () => Promise<void> } = {},
): Promise<Loaded> {
  const started = performance.now();
  const size = options.batchSize ?? DEFAULT_RESTORE_BATCH;
  const { manifest } = verified;
  const marks = newMarks();
  await client.query(`CREATE INDEX ${marks.index} IF NOT EXISTS FOR (n:${marks.label}) ON (n.${marks.key})`);
  await client.autoCommit('CALL db.awaitIndexes(300)');

  const nodeProgress = new Progress('restore', 'nodes', manifest.nodes, options.progress);
  const relProgress = new Progress('restore', 'relationships', manifest.relationships, options.progress);
  nodeProgress.start();
  const inFlight: Promise<void>[] = [];
  let nodes: NodeLine[] = [];
  let rels: RelationshipLine[] = [];
  let phase: 'nodes' | 'relationships' = 'nodes';
  const sendNodes = async () => {
    const batch = nodes;
    nodes = [];
    inFlight.push(awaitedLater(writeNodes(client, marks, batch).then(() => nodeProgress.add(batch.length))));
    if (inFlight.length >= NODE_BATCHES_IN_FLIGHT) await inFlight.shift();
  };
  // one relationship batch is written while the next is read from the file: two written at once would
  // lock the same nodes in different orders (deadlocks)
  let relWrite: Promise<void> = Promise.resolve();
  let created = 0;
  const sendRelationships = async () => {
    const batch = rels;
    rels = [];
    await relWrite;
    relWrite = awaitedLater(writeRelationships(client, marks, batch).then((n) => {
      created += n;
      relProgress.add(batch.length);
    }));
  };
  // every node is in before the first relationship looks for its ends
  const finishNodes = async () => {
    if (nodes.length > 0) await sendNodes();
    await allWritten(inFlight.splice(0));
    nodeProgress.done();
    relProgress.start();
    phase = 'relationships';
  };
  try {
    for await (const line of snapshotElements(file)) {
      if ('n' in line) {
        nodes.push(line);
        if (nodes.length >= size) await sendNodes();
        continue;
      }
      if (phase === 'nodes') await finishNodes();
      rels.push(line as RelationshipLine);
      if (rels.length >= size) await sendRelationships();
    }
  } catch (e) {
    // what is being written ends before the failure is reported
    await Promise.allSettled([...inFlight, relWrite]);
    throw e;
  }
  if (phase === 'nodes') await finishNodes();
  if (rels.length > 0) await sendRelationships();
  await relWrite;
  relProgress.done();

  // the marks go before the schema comes: a constraint or index that cannot be recreated leaves the data clean
  const session = client.session();
  try {
    await client.implicit(session, `MATCH (n:${marks.label}) CALL (n) { REMOVE n:${marks.label}, n.${marks.key} } IN TRANSACTIONS OF 10000 ROWS`);
  } finally {
    await session.close();
  }
  await client.query(`DROP INDEX ${marks.index} IF EXISTS`);
  // the data is in, whatever becomes of the schema
  await options.loaded?.();
  await recreateSchema(client, file, verified.schema);
  return {
    nodes: manifest.nodes,
    relationships: created,
    dangling: manifest.relationships - created,
    schema: verified.schema.length,
    elapsedMs: performance.now() - started,
  };
}

/** One query per label combination (labels cannot be parameters on every supported server). */
async function writeNodes(client: Neo4jClient, marks: Marks, batch: NodeLine[]): Promise<void> {
  const groups = groupBy(batch, (n) => n.l.join('\u0000'));
  await client.writeTransaction(async (run) => {
    for (const rows of groups.values()) {
      const labels = rows[0]!.l.map((l) => `:${quote(l)}`).join('');
      await run(`UNWIND $rows AS row CREATE (n:${marks.label}${labels}) SET n += row.p SET n.${marks.key} = row.id`, {
        rows: rows.map((n) => ({ id: n.n, p: decodeProperties(n.p) })),
      });
    }
  });
}

/** Creates a batch of relationships between loaded nodes; returns how many (a row whose node is not
 *  in the file creates none). */
async function writeRelationships(client: Neo4jClient, marks: Marks, batch: RelationshipLine[]): Promise<number> {
  const groups = groupBy(batch, (r) => r.t);
  return client.writeTransaction(async (run) => {
    let created = 0;
    for (const [type, rows] of groups) {
      const [row] = await run(
        `UNWIND $rows AS row
         MATCH (a:${marks.label} {${marks.key}: row.a}) MATCH (b:${marks.label} {${marks.key}: row.b})
         CREATE (a)-[r:${quote(type)}]->(b) SET r = row.p
         RETURN count(r) AS created`,
        { rows: rows.map((r) => ({ a: r.a, b: r.b, p: decodeProperties(r.p) })) },
      );
      created += Number(row?.['created'] ?? 0);
    }
    return created;
  });
}

/** The snapshot's constraints and indexes, with the statements the server gave; LOOKUP indexes are made
 *  to match (a fresh database has two, which the snapshot may have dropped or renamed). */
async function recreateSchema(client: Neo4jClient, file: string, items: SchemaItem[]): Promise<void> {
  const lookups = (await readSchema(client)).filter((i) => i.type === 'LOOKUP');
  const wanted = items.filter((i) => i.type === 'LOOKUP');
  for (const live of lookups) {
    if (!wanted.some((w) => w.name === live.name && w.entityType === live.entityType)) await client.query(`DROP INDEX ${quote(live.name)} IF EXISTS`);
  }
  for (const item of items) {
    if (item.type === 'LOOKUP' && lookups.some((l) => l.name === item.name && l.entityType === item.entityType)) continue;
    if (!item.createStatement) continue;
    try {
      await client.query(item.createStatement);
    } catch (e) {
      throw new NeomigError('MIGRATION_FAILED', `${file}: recreating ${item.kind} ${item.name} failed: ${errorMessage(e)}`, {
        file,
        neo4jCode: neo4jCode(e),
        hint: `The data is loaded; create it by hand (${item.createStatement}) or fix the cause and restore again.`,
      });
    }
  }
  await client.autoCommit('CALL db.awaitIndexes(300)');
}

/** A write awaited later: a failure surfaces there, and until then does not count as unhandled. */
function awaitedLater(write: Promise<void>): Promise<void> {
  write.catch(() => undefined);
  return write;
}

/** Waits for every write, then throws the first failure: none is left running behind it. */
async function allWritten(writes: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

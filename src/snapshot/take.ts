/**
 * Reads a database into a snapshot file: its constraints and indexes, then every node and every
 * relationship in id order, a batch of ids at a time (each batch its own read, found by id seeks, so no
 * batch rescans the graph), written as it is read. The next batch is fetched while the current one is
 * compressed and written; memory holds two batches whatever the graph's size. neomig's lock node is
 * left out (it belongs to the run holding it); the history and audit nodes are in, so a restore brings
 * back the history that matches the data.
 */
import neo4j from 'neo4j-driver';
import type { BatchProgressEvent } from '../core/vocabulary.js';
import { readSchema } from '../neo4j/catalog.js';
import { type Neo4jClient, label } from '../neo4j/client.js';
import type { LosslessReader } from './driver.js';
import { SnapshotWriter } from './file.js';
import type { NodeLine, RelationshipLine, SnapshotHeader, SnapshotLine, SnapshotTrailer } from './format.js';
import { Progress } from './progress.js';
import { encodeProperties } from './values.js';

export const DEFAULT_BATCH_IDS = 10_000;

export interface TakeOptions {
  file: string;
  header: SnapshotHeader;
  /** ids per batch (default 10,000) */
  batchSize?: number;
  progress?: (event: BatchProgressEvent) => void;
}

const num = (v: unknown): number => (neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : Number(v));

export async function takeSnapshot(client: Neo4jClient, reader: LosslessReader, options: TakeOptions): Promise<SnapshotTrailer> {
  const batch = options.batchSize ?? DEFAULT_BATCH_IDS;
  const lock = label(options.header.historyLabels.lock);
  const writer = await SnapshotWriter.open(options.file, options.header);
  try {
    await writer.write((await readSchema(client)).map((item) => ({ schema: item })));
    const [sizes] = await reader.rows(
      // counts from the count store; the highest ids bound the batches (one scan each)
      `CALL { MATCH (n) RETURN count(n) AS all, max(id(n)) AS maxNode }
       CALL { MATCH (l:${lock}) RETURN count(l) AS locks }
       CALL { MATCH ()-[r]->() RETURN count(r) AS rels, max(id(r)) AS maxRel }
       RETURN all - locks AS nodes, maxNode, rels, maxRel`,
    );
    const nodes = `UNWIND range($lo, $hi) AS i MATCH (n) WHERE id(n) = i AND NOT n:${lock}
      RETURN i AS id, labels(n) AS l, properties(n) AS p`;
    const rels = `UNWIND range($lo, $hi) AS i MATCH (a)-[r]->(b) WHERE id(r) = i
      RETURN i AS id, id(a) AS a, id(b) AS b, type(r) AS t, properties(r) AS p`;
    // the next id in use after an empty batch (see copy)
    const nextNode = `MATCH (n) WHERE id(n) > $after AND NOT n:${lock} RETURN min(id(n)) AS next`;
    const nextRel = 'MATCH ()-[r]->() WHERE id(r) > $after RETURN min(id(r)) AS next';
    const props = (r: Record<string, unknown>) => encodeProperties(r['p'] as Record<string, unknown>);
    const toNode = (r: Record<string, unknown>): NodeLine => ({ n: num(r['id']), l: r['l'] as string[], p: props(r) });
    const toRel = (r: Record<string, unknown>): RelationshipLine => ({
      r: num(r['id']), a: num(r['a']), b: num(r['b']), t: String(r['t']), p: props(r),
    });
    const size = (key: string, none: number) => num(sizes?.[key] ?? none);
    const progress = (what: string, total: number) => new Progress('snapshot', what, total, options.progress);
    await copy(reader, writer, { rows: nodes, next: nextNode }, size('maxNode', -1), batch, toNode, progress('nodes', size('nodes', 0)));
    await copy(reader, writer, { rows: rels, next: nextRel }, size('maxRel', -1), batch, toRel, progress('relationships', size('rels', 0)));
    return await writer.finish();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

/**
 * Reads ids 0..maxId in batches, fetching the next batch while the current one is written. After a
 * batch with no id in use it jumps to the next id in use (one scan): a server that does not reuse
 * freed ids at once (2026.x) leaves long empty ranges behind what was deleted, and seeking every id of
 * them cost seconds per million.
 */
async function copy(
  reader: LosslessReader,
  writer: SnapshotWriter,
  cypher: { rows: string; next: string },
  maxId: number,
  batch: number,
  toLine: (row: Record<string, unknown>) => SnapshotLine,
  progress: Progress,
): Promise<void> {
  progress.start();
  const fetch = (lo: number) => (lo > maxId ? undefined : reader.rows(cypher.rows, { lo: neo4j.int(lo), hi: neo4j.int(Math.min(lo + batch - 1, maxId)) }));
  let lo = 0;
  let next = fetch(lo);
  while (next) {
    const rows = await next;
    if (rows.length === 0) {
      const [row] = await reader.rows(cypher.next, { after: neo4j.int(Math.min(lo + batch - 1, maxId)) });
      const found = row?.['next'];
      if (found === null || found === undefined) break;
      lo = num(found);
      next = fetch(lo);
      continue;
    }
    lo += batch;
    next = fetch(lo);
    const lines = rows.map(toLine);
    await writer.write(lines);
    progress.add(lines.length);
  }
  progress.done();
}

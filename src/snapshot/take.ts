/**
 * Reads a database into a snapshot file: its constraints and indexes, then every node and every
 * relationship, each as one streamed query in one read transaction (one pass over the store, whatever
 * the server's plan for id lookups), written as they arrive. The driver fetches ahead while a chunk is
 * compressed and written, and stops fetching while the writer is behind: memory holds a chunk and a
 * fetch whatever the graph's size. neomig's lock node is left out (it belongs to the run holding it);
 * the history and audit nodes are in, so a restore brings back the history that matches the data.
 */
import neo4j from 'neo4j-driver';
import type { BatchProgressEvent } from '../core/vocabulary.js';
import { readSchema } from '../neo4j/catalog.js';
import { type Neo4jClient, label } from '../neo4j/client.js';
import type { LosslessReader, RowStream } from './driver.js';
import { SnapshotWriter } from './file.js';
import type { NodeLine, RelationshipLine, SnapshotHeader, SnapshotLine, SnapshotTrailer } from './format.js';
import { Progress } from './progress.js';
import { encodeProperties } from './values.js';

const DEFAULT_CHUNK = 10_000;

export interface TakeOptions {
  file: string;
  header: SnapshotHeader;
  /** elements per written chunk and progress event (default 10,000) */
  batchSize?: number;
  progress?: (event: BatchProgressEvent) => void;
}

const num = (v: unknown): number => (neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : Number(v));

export async function takeSnapshot(client: Neo4jClient, reader: LosslessReader, options: TakeOptions): Promise<SnapshotTrailer> {
  const chunk = options.batchSize ?? DEFAULT_CHUNK;
  const lock = label(options.header.historyLabels.lock);
  const writer = await SnapshotWriter.open(options.file, options.header);
  try {
    await writer.write((await readSchema(client)).map((item) => ({ schema: item })));
    const props = (r: Record<string, unknown>) => encodeProperties(r['p'] as Record<string, unknown>);
    const toNode = (r: Record<string, unknown>): NodeLine => ({ n: num(r['id']), l: r['l'] as string[], p: props(r) });
    const toRel = (r: Record<string, unknown>): RelationshipLine => ({
      r: num(r['id']), a: num(r['a']), b: num(r['b']), t: String(r['t']), p: props(r),
    });
    const progress = (what: string, total: unknown) => new Progress('snapshot', what, num(total ?? 0), options.progress);
    await reader.streamed(async (stream) => {
      const [sizes] = await all(stream(
        // from the count store: totals for the progress events' ETA
        // not `all` as the name: on 2026.08 `all - locks` came out 0 (the progress total was 0 or -1)
        `CALL { MATCH (n) RETURN count(n) AS everything }
         CALL { MATCH (l:${lock}) RETURN count(l) AS locks }
         CALL { MATCH ()-[r]->() RETURN count(r) AS rels }
         RETURN everything - locks AS nodes, rels`,
      ));
      await copy(stream(`MATCH (n) WHERE NOT n:${lock} RETURN id(n) AS id, labels(n) AS l, properties(n) AS p`),
        writer, chunk, toNode, progress('nodes', sizes?.['nodes']));
      await copy(stream('MATCH (a)-[r]->(b) RETURN id(r) AS id, id(a) AS a, id(b) AS b, type(r) AS t, properties(r) AS p'),
        writer, chunk, toRel, progress('relationships', sizes?.['rels']));
    });
    return await writer.finish();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

async function all(rows: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Writes a query's rows as lines, `chunk` at a time (one progress event each). */
async function copy(
  rows: ReturnType<RowStream>,
  writer: SnapshotWriter,
  chunk: number,
  toLine: (row: Record<string, unknown>) => SnapshotLine,
  progress: Progress,
): Promise<void> {
  progress.start();
  let lines: SnapshotLine[] = [];
  for await (const row of rows) {
    lines.push(toLine(row));
    if (lines.length >= chunk) {
      await writer.write(lines);
      progress.add(lines.length);
      lines = [];
    }
  }
  if (lines.length > 0) {
    await writer.write(lines);
    progress.add(lines.length);
  }
  progress.done();
}

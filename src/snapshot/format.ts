/**
 * The snapshot file: gzip-compressed JSON lines, one graph element per line, in this order:
 *
 *   {"neomig":"snapshot","format":1, ...header}          who, where, when, at which history version
 *   {"schema":{...SchemaItem}}                           each constraint and index
 *   {"n":<id>,"l":[labels],"p":{properties}}             each node, by id
 *   {"r":<id>,"a":<start id>,"b":<end id>,"t":"TYPE","p":{...}}   each relationship, by id
 *   {"end":{nodes, relationships, labels, types, schema, checksum}}   the trailer
 *
 * The checksum (sha256 of every byte before the trailer line) and the counts live in the trailer,
 * which is written last: a file cut short has none and is refused, a file edited anywhere fails the
 * checksum. Header and trailer together are the manifest. Ids are the ones the source database gave;
 * they only pair relationships with their nodes inside the file.
 */
import { createHash, type Hash } from 'node:crypto';
import type { SchemaItem } from '../core/schema.js';
import { NeomigError } from '../errors.js';
import type { Encoded } from './values.js';

export const SNAPSHOT_FORMAT = 1;

export interface SnapshotHeader {
  neomig: 'snapshot';
  format: number;
  /** ISO 8601, when the snapshot started */
  createdAt: string;
  server: { version: string; edition: string };
  database: string;
  /** the history's current version when the snapshot was taken (null: nothing applied) */
  historyVersion: string | null;
  /** neomig's labels: the history and audit nodes are in the snapshot, the lock node is not */
  historyLabels: { history: string; audit: string; lock: string };
}

export interface SnapshotTrailer {
  nodes: number;
  relationships: number;
  /** nodes per label (a node with two labels counts for both) */
  labels: Record<string, number>;
  /** relationships per type */
  types: Record<string, number>;
  schema: number;
  /** `sha256:<hex>` of every byte before the trailer line */
  checksum: string;
}

export type SnapshotManifest = SnapshotHeader & SnapshotTrailer;

export interface NodeLine {
  n: number;
  l: string[];
  p: Record<string, Encoded>;
}

export interface RelationshipLine {
  r: number;
  a: number;
  b: number;
  t: string;
  p: Record<string, Encoded>;
}

export type SnapshotLine = { schema: SchemaItem } | NodeLine | RelationshipLine;

/** Running counts and checksum over the lines as they are written or read. */
export class Tally {
  nodes = 0;
  relationships = 0;
  schema = 0;
  // no prototype: a label or type may be called `constructor` or `__proto__`
  readonly labels: Record<string, number> = Object.create(null) as Record<string, number>;
  readonly types: Record<string, number> = Object.create(null) as Record<string, number>;
  private readonly hash: Hash = createHash('sha256');

  /** Adds one line's text (without its newline) to the checksum and the totals; the header counts in
   *  the checksum only. The kind is told by the line's first key, which the writer always puts first. */
  text(line: string): void {
    this.hash.update(line);
    this.hash.update('\n');
    if (line.startsWith('{"n":')) this.nodes++;
    else if (line.startsWith('{"r":')) this.relationships++;
    else if (line.startsWith('{"schema":')) this.schema++;
  }

  /** Adds a written element to the counts per label and type. */
  classify(line: SnapshotLine): void {
    if ('n' in line) for (const l of line.l) this.labels[l] = (this.labels[l] ?? 0) + 1;
    else if ('r' in line) this.types[line.t] = (this.types[line.t] ?? 0) + 1;
  }

  trailer(): SnapshotTrailer {
    const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      nodes: this.nodes,
      relationships: this.relationships,
      labels: sorted(this.labels),
      types: sorted(this.types),
      schema: this.schema,
      checksum: `sha256:${this.hash.copy().digest('hex')}`,
    };
  }
}

/** A snapshot file that cannot be used, named in the message; exit 3 like any failed integrity check. */
export function damaged(file: string, problem: string): NeomigError {
  return new NeomigError('INTEGRITY', `${file}: ${problem}; the database was not touched`, {
    file,
    hint: 'Use another snapshot, or take a new one with `neomig snapshot`. A snapshot is never restored in part.',
  });
}

/** The header line, checked. */
export function parseHeader(file: string, text: string | undefined): SnapshotHeader {
  const header = parseLine(file, text ?? '', 1) as Partial<SnapshotHeader>;
  if (header.neomig !== 'snapshot') throw damaged(file, 'is not a neomig snapshot (its first line is not a snapshot header)');
  if (header.format !== SNAPSHOT_FORMAT) {
    throw damaged(file, `has snapshot format ${String(header.format)}, and this neomig reads format ${SNAPSHOT_FORMAT}`);
  }
  return header as SnapshotHeader;
}

/** One line as JSON, or a clear error naming the file and line. */
export function parseLine(file: string, text: string, lineNo: number): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw damaged(file, `line ${lineNo} is not a snapshot line`);
}

/** Compares what was read with what the trailer promises. */
export function checkTrailer(file: string, trailer: SnapshotTrailer | undefined, read: SnapshotTrailer): void {
  if (!trailer) throw damaged(file, 'is truncated (it ends before its trailer: the snapshot did not finish, or the file was cut short)');
  if (trailer.checksum !== read.checksum) {
    const [recorded, content] = [trailer.checksum.slice(0, 19), read.checksum.slice(0, 19)];
    throw damaged(file, `does not match its checksum (recorded ${recorded}…, content ${content}…): it was altered`);
  }
  if (trailer.nodes !== read.nodes || trailer.relationships !== read.relationships || trailer.schema !== read.schema) {
    const holds = `${read.nodes} nodes, ${read.relationships} relationships and ${read.schema} schema items`;
    throw damaged(file, `holds ${holds} where its trailer says ${trailer.nodes}, ${trailer.relationships} and ${trailer.schema}`);
  }
}

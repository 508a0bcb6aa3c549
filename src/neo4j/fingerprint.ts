/**
 * Reads fingerprints (core/fingerprint.ts): node counts per label and relationship counts per type, all
 * answered by Neo4j's count store (`COUNT { (:L) }` plans as NodeCountFromCountStore: no scan, and it
 * sees the writes of the transaction it runs in), plus the schema (readSchema).
 *
 * Costs, measured on 5.26: counts with dynamic labels (`MATCH (n:$(l))`) scan every node, and
 * db.stats.retrieve('GRAPH COUNTS') does not see the open transaction, so the counts are one query with
 * the labels written in. It also returns the labels and types in use: only when a label or type appears
 * that the query did not count (a migration introduced it) is a second query sent. Its text changes
 * only with the set of labels and types, so a run plans it again only when that set changes or an
 * index comes online (see the plan-cache note in history.ts). The schema costs two SHOW queries and is
 * read again only after neomig ran a schema statement (Neo4jClient.schemaChanges moved); after a step
 * of schema statements neomig can read, not even then: the schema is told from the statements and their
 * counters (core/schema-step.ts). `fresh()` (verify) always reads it.
 */
import type { Fingerprint } from '../core/fingerprint.js';
import type { SchemaItem } from '../core/schema.js';
import type { NamedEntities } from '../core/touches.js';
import { type RanStatement, schemaAfterStatements } from '../core/schema-step.js';
import { readSchema } from './catalog.js';
import { type Neo4jClient, type Row, type TransactionRun, label } from './client.js';

/** neomig's own labels; their nodes and HAS_EVENT relationships are history, not the user's graph. */
export interface OwnLabels {
  history: string;
  audit: string;
  lock: string;
}

/** The relationship type linking a history entry to its audit events (see history.ts). */
const AUDIT_TYPE = 'HAS_EVENT';

const quote = (name: string) => '`' + name.replace(/`/g, '``') + '`';

export class Fingerprinter {
  private labels: string[] = [];
  private types: string[] = [];
  private schema: { at: number; items: SchemaItem[] } | undefined;
  /** the state after the last step this run fingerprinted, while nothing else has run since */
  private last: Fingerprint | undefined;

  constructor(
    private readonly client: Neo4jClient,
    private readonly own: OwnLabels,
  ) {}

  /** The state before a step: the last step's after when there is one, else read now. */
  async before(): Promise<Fingerprint> {
    return this.last ?? (await this.read());
  }

  /** Counts and schema as they are now (schema from cache while neomig changed none). Remembered as the
   *  next step's before. `countsOf`: a state whose counts still hold (the step ran schema statements
   *  only, which create and delete no node): the count query is not sent. */
  async read(countsOf?: Fingerprint): Promise<Fingerprint> {
    const counts = countsOf
      ? { labels: countsOf.labels, types: countsOf.types }
      : await this.counts((cypher) => this.client.rows(cypher, {}, 'read'));
    const fingerprint = { ...counts, schema: await this.currentSchema() };
    this.last = fingerprint;
    return fingerprint;
  }

  /** The state after a step that ran schema statements only: the counts are `before`'s (schema
   *  statements create and delete no node) and the schema is told from the statements when it can be,
   *  else read. Remembered as the next step's before. */
  async afterSchema(before: Fingerprint, ran: RanStatement[]): Promise<Fingerprint> {
    const derived = schemaAfterStatements(before.schema, ran);
    if (!derived) return this.read(before);
    this.schema = { at: this.client.schemaChanges, items: derived };
    const fingerprint = { labels: before.labels, types: before.types, schema: derived };
    this.last = fingerprint;
    return fingerprint;
  }

  /** Counts read inside a data transaction (seeing its writes); a data transaction cannot change the
   *  schema, so it is `before`'s. Call settle() with it once the transaction committed. `named`: every
   *  label and type the step could have added (core/touches.ts namedEntities), when its text says them
   *  all: then the server is not asked which labels are in use (~1 ms a migration on 5.26). */
  async inTransaction(run: TransactionRun, before: Fingerprint, named?: NamedEntities | null): Promise<Fingerprint> {
    if (named) this.know(named.labels.filter((l) => !this.isOwn('labels', l)), named.types);
    return { ...(await this.counts(run, !named)), schema: before.schema };
  }

  /** The state after a committed step, as read in its transaction. */
  settle(after: Fingerprint): void {
    this.last = after;
  }

  /** Something ran that was not fingerprinted (a failure): the next before is read afresh. */
  forget(): void {
    this.last = undefined;
    // a failed schema group may have committed part of its statements without saying so
    this.schema = undefined;
  }

  /** Reads everything again, ignoring what is cached (verify compares states it must not assume). */
  async fresh(): Promise<Fingerprint> {
    this.schema = undefined;
    return this.read();
  }

  private async currentSchema(): Promise<SchemaItem[]> {
    const at = this.client.schemaChanges;
    if (!this.schema || this.schema.at !== at) this.schema = { at, items: await readSchema(this.client) };
    return this.schema.items;
  }

  /** `inUse`: also ask which labels and types are in use, and count the ones not known yet. */
  private async counts(run: (cypher: string) => Promise<Row[]>, inUse = true): Promise<Omit<Fingerprint, 'schema'>> {
    let row = (await run(this.query(inUse)))[0] ?? {};
    const listed = (key: string) => ((row[key] as string[] | undefined) ?? []).filter((n) => !this.isOwn(key, n));
    if (inUse && this.know(listed('labels'), listed('types'))) row = (await run(this.query()))[0] ?? {};
    const nodes = (row['nodes'] as number[] | undefined) ?? [];
    const rels = (row['rels'] as number[] | undefined) ?? [];
    const labels: Record<string, number> = {};
    const types: Record<string, number> = {};
    this.labels.forEach((l, i) => (labels[l] = Number(nodes[i] ?? 0)));
    this.types.forEach((t, i) => (types[t] = Number(rels[i] ?? 0)));
    // HAS_EVENT relationships from history entries are neomig's; a user's own HAS_EVENT stay counted
    if (AUDIT_TYPE in types) types[AUDIT_TYPE] = types[AUDIT_TYPE]! - Number(row['own'] ?? 0);
    return { labels, types };
  }

  /** Adds labels and types to the ones counted; true when one was new. */
  private know(labels: string[], types: string[]): boolean {
    const newLabels = labels.filter((l) => !this.labels.includes(l));
    const newTypes = types.filter((t) => !this.types.includes(t));
    if (!newLabels.length && !newTypes.length) return false;
    this.labels = [...this.labels, ...newLabels].sort();
    this.types = [...this.types, ...newTypes].sort();
    return true;
  }

  private isOwn(key: string, name: string): boolean {
    return key === 'labels' && [this.own.history, this.own.audit, this.own.lock].includes(name);
  }

  /** One query: the count of each label and type known so far and, with `inUse`, the labels and types in use. */
  private query(inUse = true): string {
    const nodes = this.labels.map((l) => `COUNT { (:${quote(l)}) }`).join(', ');
    const rels = this.types.map((t) => `COUNT { ()-[:${quote(t)}]->() }`).join(', ');
    const own = this.types.includes(AUDIT_TYPE) ? `COUNT { (:${label(this.own.history)})-[:${AUDIT_TYPE}]->() }` : '0';
    const counts = `[${nodes}] AS nodes, [${rels}] AS rels, ${own} AS own`;
    if (!inUse) return `RETURN ${counts}`;
    // each list in a subquery of its own: one row even when no label or no type is in use
    return `CALL { CALL db.labels() YIELD label RETURN collect(label) AS labels }
      CALL { CALL db.relationshipTypes() YIELD relationshipType RETURN collect(relationshipType) AS types }
      RETURN labels, types, ${counts}`;
  }
}

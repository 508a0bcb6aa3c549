/**
 * The workloads: N one-statement migrations of one kind, written once per size as neomig files
 * (paired .up/.down, so neomig records a down script as it would in a real project), as neo4j-migrations
 * files (V<n>__x.cypher) and as the bare driver's statement list.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { neo4jMigrationsFile } from './neo4j-migrations.js';

export type Kind = 'data' | 'index';

export interface MigrationSet {
  kind: Kind;
  size: number;
  neomigDir: string;
  neo4jMigrationsDir: string;
  /** JSON file with the statements in order, for bare-driver.mjs */
  statementsFile: string;
}

export function statementFor(kind: Kind, n: number): { up: string; down: string } {
  return kind === 'data'
    ? { up: `CREATE (:Bench {i: ${n}})`, down: `MATCH (b:Bench {i: ${n}}) DELETE b` }
    : { up: `CREATE INDEX bench_i_${n} FOR (b:Bench) ON (b.p${n})`, down: `DROP INDEX bench_i_${n}` };
}

export function writeMigrationSet(root: string, kind: Kind, size: number): MigrationSet {
  const base = path.join(root, `${kind}-${size}`);
  const set: MigrationSet = {
    kind,
    size,
    neomigDir: path.join(base, 'neomig'),
    neo4jMigrationsDir: path.join(base, 'neo4j-migrations'),
    statementsFile: path.join(base, 'statements.json'),
  };
  mkdirSync(set.neomigDir, { recursive: true });
  mkdirSync(set.neo4jMigrationsDir, { recursive: true });
  const statements: string[] = [];
  for (let n = 1; n <= size; n++) {
    const { up, down } = statementFor(kind, n);
    statements.push(up);
    writeFileSync(path.join(set.neomigDir, `V${n}__${kind}_${n}.up.cypher`), `${up};\n`);
    writeFileSync(path.join(set.neomigDir, `V${n}__${kind}_${n}.down.cypher`), `${down};\n`);
    writeFileSync(path.join(set.neo4jMigrationsDir, neo4jMigrationsFile(n)), `${up};\n`);
  }
  writeFileSync(set.statementsFile, JSON.stringify(statements));
  return set;
}

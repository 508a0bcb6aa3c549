/**
 * Refactorings that write their own down, through the real bin/neomig on one graph of 100,000 nodes
 * (50,000 KNOWS relationships) built once: for each kind, `create --refactor` (its dry run first), `up`
 * (which runs the validate queries), then `down` gives back the graph it started from (counts per label,
 * type and property key, and a sample of nodes and relationships with their values). Then ctx.refactor in
 * TypeScript migrations, the refusal when the down could not be exact (and --force / allowInexact), and
 * the irreversible merge, which runs last because it changes the graph for good.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { connectionEnv, openDriver, resetDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];
/** not one of neomig's own nodes (history, audit, lock) */
const own = (v: string) => `NOT ${v}:SchemaVersion AND NOT ${v}:SchemaVersionEvent AND NOT ${v}:NeomigLock`;
const OWN = own('n');

beforeAll(async () => {
  ensureBuilt();
  driver = openDriver();
  await resetDatabase(driver);
  const session = driver.session();
  try {
    await session.run(`
      UNWIND range(0, 49999) AS i
      CALL (i) {
        CREATE (a:Person {id: 2 * i, name: 'p' + (2 * i), score: i % 7,
                          flag: CASE i % 3 WHEN 0 THEN 'yes' WHEN 1 THEN 'no' ELSE 'maybe' END})
        CREATE (b:Person {id: 2 * i + 1, name: 'p' + (2 * i + 1), score: i % 5, flag: i % 2 = 0})
        CREATE (a)-[:KNOWS {since: 2000 + i % 20}]->(b)
        FOREACH (_ IN CASE WHEN i % 4 = 0 THEN [1] ELSE [] END | SET b:Employee)
        FOREACH (_ IN CASE WHEN i % 2 = 0 THEN [1] ELSE [] END | SET a.status = 'open')
      } IN TRANSACTIONS OF 10000 ROWS`);
  } finally {
    await session.close();
  }
}, 300_000);

afterAll(async () => {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  await driver?.close();
});

/** A fresh project folder; the history of earlier projects is removed, so each starts at no version. */
async function project(): Promise<string> {
  await driver.executeQuery('MATCH (n) WHERE n:SchemaVersion OR n:SchemaVersionEvent OR n:NeomigLock DETACH DELETE n');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-refactor-it-'));
  dirs.push(dir);
  return dir;
}

function neomig(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, env: connectionEnv(), timeoutMs: 600_000 });
}

async function rows(cypher: string): Promise<Record<string, unknown>[]> {
  return (await driver.executeQuery(cypher)).records.map((r) => r.toObject());
}

/** What a user would compare: counts per label, type and property key, and a sample of values. */
async function graph(): Promise<Record<string, unknown>> {
  return {
    labels: await rows(`MATCH (n) WHERE ${OWN} UNWIND labels(n) AS l RETURN l, count(*) AS c ORDER BY l`),
    types: await rows(`MATCH (a)-[r]->() WHERE ${own('a')} RETURN type(r) AS t, count(*) AS c ORDER BY t`),
    nodeKeys: await rows(`MATCH (n) WHERE ${OWN} UNWIND keys(n) AS k RETURN k, count(*) AS c ORDER BY k`),
    relKeys: await rows(`MATCH (a)-[r]->() WHERE ${own('a')} UNWIND keys(r) AS k RETURN k, count(*) AS c ORDER BY k`),
    nodes: await rows(
      `MATCH (n) WHERE ${OWN} AND n.id % 997 IN [0, 1] ` +
        'RETURN n.id AS id, COLLECT { UNWIND labels(n) AS l RETURN l ORDER BY l } AS labels, properties(n) AS props ORDER BY id',
    ),
    rels: await rows(
      'MATCH (a)-[r]->(b) WHERE a.id % 997 IN [0, 1] RETURN a.id AS a, type(r) AS t, properties(r) AS props, b.id AS b ORDER BY a, t',
    ),
  };
}

async function count(cypher: string): Promise<number> {
  return Number((await rows(cypher))[0]!['c']);
}

const LONG = 900_000;

/** Each kind, applied one after the other by one `up` and reversed by one `down --all`. */
const KINDS: [string, string[]][] = [
  ['score to rating', ['--refactor', 'rename-property', '--label', 'Person', '--from', 'score', '--to', 'rating']],
  ['default status', ['--refactor', 'add-property', '--label', 'Person', '--property', 'status', '--default', '"closed"']],
  ['prefix names', ['--refactor', 'transform-property', '--label', 'Person', '--property', 'name', '--expression', "'P-' + value"]],
  ['flag to boolean', ['--refactor', 'normalize-boolean', '--label', 'Person', '--property', 'flag', '--true-values', 'yes', '--false-values', 'no']],
  ['manages', ['--refactor', 'retype-relationship', '--start', 'Person', '--from', 'KNOWS', '--to', 'MANAGES', '--end', 'Employee']],
  ['friends', ['--refactor', 'rename-type', '--from', 'KNOWS', '--to', 'FRIEND_OF']],
  ['since to year', ['--refactor', 'rename-property', '--from', 'since', '--to', 'year', '--scope', 'all']],
  ['person to human', ['--refactor', 'rename-label', '--from', 'Person', '--to', 'Human']],
];

describe('create --refactor on 100,000 nodes', () => {
  it('each kind: the dry run shows its statements; up validates; down --all gives back the graph', async () => {
    const before = await graph();
    const dir = await project();
    const plans: { up: string[]; down: string[]; validate: string[] }[] = [];
    for (const [description, args] of KINDS) {
      const flags = [...args, '--batch-size', '10000'];
      const dry = await neomig(['create', description, ...flags, '--dry-run'], dir);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('Dry run: would create migration');
      const created = await neomig(['create', description, ...flags, '--json'], dir);
      expect(created.code, created.stderr).toBe(0);
      const plan = created.json()['refactor'] as (typeof plans)[number];
      for (const s of [...plan.up, ...plan.down]) expect(dry.stdout).toContain(s);
      expect(plan.up.join('\n')).toContain('IN TRANSACTIONS OF 10000 ROWS');
      plans.push(plan);
    }
    expect(readdirSync(path.join(dir, 'migrations'))).toHaveLength(KINDS.length * 2 + 1); // pairs + neomig.sum

    const upDry = await neomig(['up', '--dry-run'], dir);
    expect(upDry.code, upDry.stderr).toBe(0);
    for (const p of plans) for (const s of p.up) expect(upDry.stdout).toContain(s.split('\n')[1]);

    const up = await neomig(['up'], dir);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await count('MATCH (n:Human) RETURN count(n) AS c')).toBe(100_000);
    expect(await count('MATCH (n:Person) RETURN count(n) AS c')).toBe(0);
    expect(await count('MATCH (n:Human) WHERE n.rating IS NOT NULL RETURN count(n) AS c')).toBe(100_000);
    expect(await count("MATCH (n:Human {status: 'closed'}) RETURN count(n) AS c")).toBe(75_000);
    expect(await count("MATCH (n:Human {status: 'open'}) RETURN count(n) AS c")).toBe(25_000);
    expect(await rows('MATCH (n:Human) WHERE n.id IN [0, 2, 4, 7] RETURN n.name AS name, n.flag AS flag ORDER BY n.id')).toEqual([
      { name: 'P-p0', flag: true },
      { name: 'P-p2', flag: false },
      { name: 'P-p4', flag: null }, // 'maybe' is neither true nor false: null until the down gives it back
      { name: 'P-p7', flag: false },
    ]);
    expect(await count('MATCH (:Human)-[r:MANAGES]->(:Employee) WHERE r.year >= 2000 RETURN count(r) AS c')).toBe(12_500);
    expect(await count('MATCH ()-[r:FRIEND_OF]->() WHERE r.year >= 2000 RETURN count(r) AS c')).toBe(37_500);
    expect(await count('MATCH ()-[r:KNOWS]->() RETURN count(r) AS c')).toBe(0);
    // a global refactoring leaves neomig's own history alone
    expect(await count('MATCH (v:SchemaVersion) WHERE v.version IS NOT NULL RETURN count(v) AS c')).toBe(KINDS.length);
    // the validate queries the files carry hold after the whole up (each also ran after its own step)
    expect(await count('MATCH (n:Human) WHERE n.flag IS NOT NULL AND NOT n.flag IS :: BOOLEAN RETURN count(n) AS c')).toBe(0);

    const down = await neomig(['down', '--all'], dir);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(await graph()).toEqual(before);
  }, LONG);
});

describe('ctx.refactor in TypeScript migrations', () => {
  it('runs the up with its checks and a one-line down; create --refactor --ts writes such a module', async () => {
    const before = await graph();
    const dir = await project();
    const created = await neomig(['create', 'rating', '--ts', '--refactor', 'rename-property', '--label', 'Person', '--from', 'score', '--to', 'rating'], dir);
    expect(created.code, created.stderr).toBe(0);
    const file = path.join(dir, 'migrations', 'V1.0.0__rating.ts');
    expect(readFileSync(file, 'utf8')).toContain('await ctx.refactor.renameProperty.down(refactoring);');
    writeFileSync(
      path.join(dir, 'migrations', 'V1.1.0__humans.ts'),
      `import { defineMigration } from 'neomig';
const staff = { from: 'Employee', to: 'Staff' };
const flag = { label: 'Person', property: 'flag', trueValues: ['yes'], falseValues: ['no'], batchSize: 20000 };
export default defineMigration({
  async up(ctx) {
    await ctx.refactor.renameLabel(staff);
    await ctx.refactor.normalizeBoolean(flag);
    await ctx.refactor.addProperty({ type: 'KNOWS', property: 'weight', default: 1 });
  },
  async down(ctx) {
    await ctx.refactor.addProperty.down({ type: 'KNOWS', property: 'weight', default: 1 });
    await ctx.refactor.normalizeBoolean.down(flag);
    await ctx.refactor.renameLabel.down(staff);
  },
});
`,
    );
    expect((await neomig(['hash'], dir)).code).toBe(0);
    const up = await neomig(['up'], dir);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await count('MATCH (n:Person) WHERE n.rating IS NOT NULL AND (n.flag IS NULL OR n.flag IS :: BOOLEAN) RETURN count(n) AS c'))
      .toBe(100_000);
    expect(await count('MATCH (n:Staff) RETURN count(n) AS c')).toBe(12_500);
    expect(await count('MATCH ()-[r:KNOWS {weight: 1}]->() RETURN count(r) AS c')).toBe(50_000);
    const down = await neomig(['down', '--all'], dir);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(await graph()).toEqual(before);
  }, LONG);
});

describe('refusal when the down could not be exact', () => {
  it('create --refactor: up exits 1 and changes nothing; --force writes it without the check', async () => {
    await driver.executeQuery("CREATE (:Staff {id: -1, name: 'already staff'})");
    try {
      const before = await graph();
      const dir = await project();
      expect((await neomig(['create', 'staff', '--refactor', 'rename-label', '--from', 'Employee', '--to', 'Staff'], dir)).code).toBe(0);
      const up = await neomig(['up'], dir);
      expect(up.code).toBe(1);
      expect(up.stdout + up.stderr).toContain('refused to rename label :Employee to :Staff: 1 nodes already have the label :Staff');
      expect(up.stdout + up.stderr).toContain('nothing of it was committed');
      expect(await graph()).toEqual(before);

      const forced = await project();
      const args = ['create', 'staff', '--refactor', 'rename-label', '--from', 'Employee', '--to', 'Staff', '--force'];
      expect((await neomig(args, forced)).code).toBe(0);
      const up2 = await neomig(['up'], forced);
      expect(up2.code, up2.stdout + up2.stderr).toBe(0);
      expect(await count('MATCH (n:Staff) RETURN count(n) AS c')).toBe(12_501);
      // the documented inexactness: the down renames the node that was :Staff before, too
      expect((await neomig(['down'], forced)).code).toBe(0);
      expect(await count('MATCH (n:Employee) RETURN count(n) AS c')).toBe(12_501);
    } finally {
      await driver.executeQuery('MATCH (n {id: -1}) DETACH DELETE n');
    }
  }, LONG);

  it('ctx.refactor: refused before anything changes unless allowInexact', async () => {
    await driver.executeQuery("CREATE (:Staff {id: -1, name: 'already staff'})");
    try {
      const before = await graph();
      const dir = await project();
      const migration = (allow: boolean) => `import { defineMigration } from 'neomig';
export default defineMigration({
  async up(ctx) {
    await ctx.run("MATCH (n:Person {id: 3}) SET n.touched = true");
    await ctx.refactor.renameLabel({ from: 'Employee', to: 'Staff', allowInexact: ${allow} });
  },
  async down(ctx) {
    await ctx.refactor.renameLabel.down({ from: 'Employee', to: 'Staff' });
    await ctx.run("MATCH (n:Person {id: 3}) REMOVE n.touched");
  },
});
`;
      mkdirSync(path.join(dir, 'migrations'));
      writeFileSync(path.join(dir, 'migrations', 'V1__humans.ts'), migration(false));
      const up = await neomig(['up'], dir);
      expect(up.code).toBe(1);
      expect(up.stdout + up.stderr).toContain('ctx.refactor: refused to rename label :Employee to :Staff: 1 nodes already have the label :Staff');
      expect(await graph()).toEqual(before);

      const forced = await project();
      mkdirSync(path.join(forced, 'migrations'));
      writeFileSync(path.join(forced, 'migrations', 'V1__humans.ts'), migration(true));
      const up2 = await neomig(['up'], forced);
      expect(up2.code, up2.stdout + up2.stderr).toBe(0);
      expect(await count('MATCH (n:Staff) RETURN count(n) AS c')).toBe(12_501);
      expect((await neomig(['down'], forced)).code).toBe(0);
    } finally {
      await driver.executeQuery('MATCH (n {id: -1}) DETACH DELETE n');
    }
  }, LONG);
});

describe('merge-nodes', () => {
  it('is written and recorded irreversible: down refuses (exit 3) and changes nothing', async () => {
    // 1,000 nodes share 10 team values: 990 of them are merged into the first of their team
    await driver.executeQuery('MATCH (n:Person) WHERE n.id % 100 = 0 SET n.team = n.id % 1000');
    const dir = await project();
    const created = await neomig(['create', 'teams', '--refactor', 'merge-nodes', '--label', 'Person', '--key', 'team'], dir);
    expect(created.code, created.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'migrations')).filter((f) => f.endsWith('.cypher'))).toEqual(['V1.0.0__teams.up.cypher']);
    expect(readFileSync(path.join(dir, 'migrations', 'V1.0.0__teams.up.cypher'), 'utf8')).toContain('// irreversible: true');
    const relsOfMerged = await count('MATCH (n:Person)-[r]-() WHERE n.team IS NOT NULL RETURN count(r) AS c');

    const up = await neomig(['up'], dir);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await count('MATCH (n:Person) RETURN count(n) AS c')).toBe(100_000 - 990);
    expect(await count('MATCH (n:Person) WHERE n.team IS NOT NULL RETURN count(n) AS c')).toBe(10);
    // every relationship of a merged node now hangs on the node kept for its team
    expect(await count('MATCH (n:Person)-[r]-() WHERE n.team IS NOT NULL RETURN count(r) AS c')).toBe(relsOfMerged);

    const before = await graph();
    const down = await neomig(['down', '--json'], dir);
    expect(down.code).toBe(3);
    expect(down.json()['error']['message']).toContain('1.0.0 is irreversible');
    expect(await graph()).toEqual(before);
  }, LONG);
});

/**
 * `neomig create` as a user meets it, through the real bin/neomig in a temp project outside this
 * repository: numbered Cypher pairs from the templates; a template that still holds only comments is a
 * warning for status and validate and refused by up; then `up` and `status` once real Cypher is written in; and a TypeScript
 * migration written from `create --ts` that imports `defineMigration` from 'neomig' where no
 * node_modules/neomig exists (the runner resolves 'neomig' to its own copy).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An empty project folder in the OS temp dir: not inside this repository, no node_modules. */
function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-create-it-'));
  dirs.push(dir);
  return dir;
}

function neomig(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, env: connectionEnv() });
}

async function labels(): Promise<Record<string, number>> {
  const r = await driver.executeQuery(
    'MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:SchemaVersionEvent AND NOT n:NeomigLock UNWIND labels(n) AS l RETURN l, count(*) AS c ORDER BY l',
  );
  return Object.fromEntries(r.records.map((x) => [x.get('l') as string, Number(x.get('c'))]));
}

/** Appends Cypher after the template's comments, as a user would type it in. */
function append(file: string, cypher: string): void {
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n${cypher}\n`);
}

describe('neomig create', () => {
  it('writes numbered Cypher pairs that up applies once real Cypher is in them; status lists them', async () => {
    const dir = project();
    const migrations = path.join(dir, 'migrations');

    const first = await neomig(['create', 'add people'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      '✓ Created migration 1.0.0 (add people):\n  migrations/V1.0.0__add_people.up.cypher\n  migrations/V1.0.0__add_people.down.cypher\n'
        + '  migrations/neomig.sum (updated: run `neomig hash` after you edit the new files)\n',
    );
    const second = await neomig(['create', 'add cities', '--json'], dir);
    expect(second.code).toBe(0);
    expect(second.json()).toEqual({
      ok: true,
      command: 'create',
      version: '1.1.0',
      description: 'add cities',
      files: [path.join(migrations, 'V1.1.0__add_cities.up.cypher'), path.join(migrations, 'V1.1.0__add_cities.down.cypher')],
      sumUpdated: true,
    });
    expect(readdirSync(migrations).sort()).toEqual([
      'V1.0.0__add_people.down.cypher',
      'V1.0.0__add_people.up.cypher',
      'V1.1.0__add_cities.down.cypher',
      'V1.1.0__add_cities.up.cypher',
      'neomig.sum',
    ]);
    // the templates name their version and their partner file
    const peopleUp = readFileSync(path.join(migrations, 'V1.0.0__add_people.up.cypher'), 'utf8');
    expect(peopleUp).toContain('1.0.0 add people (up)');
    expect(peopleUp).toContain('V1.0.0__add_people.down.cypher');
    expect(readFileSync(path.join(migrations, 'V1.0.0__add_people.down.cypher'), 'utf8')).toContain('Undoes V1.0.0__add_people.up.cypher');

    // A fresh template is normal while someone writes it: status and validate warn and exit 0 ...
    const warning = /V1\.0\.0__add_people\.up\.cypher: still the template: write at least one statement/;
    const templates = await neomig(['status'], dir);
    expect(templates.code).toBe(0);
    expect(templates.stdout.replace(/\s+/g, ' ')).toMatch(warning); // the issue lines wrap at 80 columns
    expect(templates.stdout).toMatch(/1\.0\.0 +add people .*pending +still the template/);
    const validate = await neomig(['validate', '--offline'], dir);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/^✓ 2 migrations valid \(files only\), 2 warnings:\n/);
    expect(validate.stdout).toMatch(warning);
    const online = await neomig(['validate', '--json'], dir);
    expect(online.code).toBe(0);
    expect(online.json()).toMatchObject({
      ok: true,
      issues: [],
      warnings: [
        { kind: 'still_template', version: '1.0.0', file: 'V1.0.0__add_people.up.cypher' },
        { kind: 'still_template', version: '1.1.0', file: 'V1.1.0__add_cities.up.cypher' },
      ],
    });
    // ... but up refuses to record a migration that does nothing: exit 2, naming the file, nothing run
    const emptyUp = await neomig(['up'], dir);
    expect(emptyUp.code).toBe(2);
    expect(emptyUp.stdout).toBe('');
    expect(emptyUp.stderr).toMatch(/^error \[MIGRATION_FILE\] V1\.0\.0__add_people\.up\.cypher: still the template: write at least one statement/m);
    const emptyUpJson = await neomig(['up', '--json'], dir);
    expect(emptyUpJson.code).toBe(2);
    expect(emptyUpJson.json()).toMatchObject({ ok: false, command: 'up', error: { code: 'MIGRATION_FILE', file: 'V1.0.0__add_people.up.cypher', version: '1.0.0' } });
    expect(await labels()).toEqual({});
    expect(Number((await driver.executeQuery('MATCH (v:SchemaVersion) RETURN count(v) AS n')).records[0]!.get('n'))).toBe(0);

    append(path.join(migrations, 'V1.0.0__add_people.up.cypher'),
      'CREATE CONSTRAINT person_name IF NOT EXISTS FOR (p:Person) REQUIRE p.name IS UNIQUE;\nCREATE (:Person {name: "Ada"}), (:Person {name: "Grace"});');
    append(path.join(migrations, 'V1.0.0__add_people.down.cypher'), 'MATCH (p:Person) DELETE p;\nDROP CONSTRAINT person_name IF EXISTS;');
    append(path.join(migrations, 'V1.1.0__add_cities.up.cypher'),
      'CREATE (:City {name: "London"});\nMATCH (p:Person {name: "Ada"}), (c:City {name: "London"}) CREATE (p)-[:LIVES_IN]->(c);');
    append(path.join(migrations, 'V1.1.0__add_cities.down.cypher'), 'MATCH (c:City) DETACH DELETE c;');

    // the edited files no longer match the lines create wrote: hashed after the deliberate edit
    const unhashed = await neomig(['validate', '--offline'], dir);
    expect(unhashed.code).toBe(3);
    expect(unhashed.stdout).toContain('V1.0.0__add_people.up.cypher differs from its line in neomig.sum');
    expect((await neomig(['hash', '--offline'], dir)).code).toBe(0);
    const valid = await neomig(['validate', '--offline'], dir);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('2 migrations valid');

    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    const doc = up.json();
    expect(doc).toMatchObject({ ok: true, command: 'up', dryRun: false, from: null, to: '1.1.0', pending: [] });
    expect(doc.applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.1.0']);

    expect(await labels()).toEqual({ City: 1, Person: 2 });
    const lives = await driver.executeQuery('MATCH (p:Person)-[:LIVES_IN]->(c:City) RETURN p.name AS p, c.name AS c');
    expect(lives.records.map((r) => [r.get('p'), r.get('c')])).toEqual([['Ada', 'London']]);
    const constraints = await driver.executeQuery("SHOW CONSTRAINTS YIELD name WHERE name = 'person_name' RETURN name");
    expect(constraints.records).toHaveLength(1);
    const history = await driver.executeQuery(
      'MATCH (v:SchemaVersion) RETURN v.version AS version, v.description AS description, v.type AS type, v.status AS status, v.script AS script ORDER BY v.version',
    );
    expect(history.records.map((r) => r.toObject())).toEqual([
      { version: '1.0.0', description: 'add people', type: 'cypher', status: 'applied', script: 'V1.0.0__add_people.up.cypher' },
      { version: '1.1.0', description: 'add cities', type: 'cypher', status: 'applied', script: 'V1.1.0__add_cities.up.cypher' },
    ]);

    const status = await neomig(['status', '--json'], dir);
    expect(status.code).toBe(0);
    const st = status.json();
    expect(st).toMatchObject({ ok: true, command: 'status', current: '1.1.0', issues: [] });
    expect(st.migrations.map((m: Record<string, unknown>) => [m.version, m.description, m.type, m.status, m.file, m.checksumChanged])).toEqual([
      ['1.0.0', 'add people', 'cypher', 'applied', 'V1.0.0__add_people.up.cypher', false],
      ['1.1.0', 'add cities', 'cypher', 'applied', 'V1.1.0__add_cities.up.cypher', false],
    ]);

    // the next one continues the numbering after what is applied
    const third = await neomig(['create', 'add', 'pets', '--patch'], dir);
    expect(third.code).toBe(0);
    expect(existsSync(path.join(migrations, 'V1.1.1__add_pets.up.cypher'))).toBe(true);
    expect(existsSync(path.join(migrations, 'V1.1.1__add_pets.down.cypher'))).toBe(true);
  });

  it('create --ts writes a defineMigration module that up applies with "neomig" resolved by the runner', async () => {
    const dir = project();
    const migrations = path.join(dir, 'migrations');
    // nothing on the way up from the project provides a package named neomig
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);

    const created = await neomig(['create', 'tag people', '--ts', '--json'], dir);
    expect(created.code).toBe(0);
    const file = path.join(migrations, 'V1.0.0__tag_people.ts');
    expect(created.json()).toEqual({ ok: true, command: 'create', version: '1.0.0', description: 'tag people', files: [file], sumUpdated: true });
    expect(readdirSync(migrations).sort()).toEqual(['V1.0.0__tag_people.ts', 'neomig.sum']);

    const template = readFileSync(file, 'utf8');
    expect(template).toMatch(/^import \{ defineMigration \} from 'neomig';$/m);
    expect(template).toContain('export default defineMigration({');
    // fill the template's up and down in place, and set metadata through defineMigration
    const filled = template
      .replace('export default defineMigration({', "export default defineMigration({\n  description: 'people get tags',")
      .replace('async up(ctx) {', "async up(ctx) {\n    await ctx.run('CREATE (:Person {name: $name})-[:TAGGED]->(:Tag {name: $tag})', { name: 'Ada', tag: 'math' });")
      .replace('async down(ctx) {', "async down(ctx) {\n    await ctx.run('MATCH (p:Person)-[:TAGGED]->(t:Tag) DETACH DELETE p, t');");
    expect(filled.match(/ctx\.run\('(CREATE|MATCH) \(/g)).toHaveLength(2);
    writeFileSync(file, filled);
    expect((await neomig(['hash', '--offline'], dir)).code).toBe(0);

    const valid = await neomig(['validate', '--offline'], dir);
    expect(valid.code, valid.stderr).toBe(0);

    const up = await neomig(['up', '--json'], dir);
    expect(up.code, up.stderr).toBe(0);
    expect(up.json()).toMatchObject({ ok: true, command: 'up', to: '1.0.0' });
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0']);
    expect(await labels()).toEqual({ Person: 1, Tag: 1 });
    const v = await driver.executeQuery("MATCH (v:SchemaVersion {version: '1.0.0'}) RETURN v.type AS type, v.status AS status, v.description AS description, v.script AS script");
    expect(v.records.map((r) => r.toObject())).toEqual([{ type: 'typescript', status: 'applied', description: 'people get tags', script: 'V1.0.0__tag_people.ts' }]);

    const status = await neomig(['status', '--json'], dir);
    expect(status.json().migrations.map((m: Record<string, unknown>) => [m.version, m.type, m.status])).toEqual([['1.0.0', 'typescript', 'applied']]);

    // its down runs too (the recorded module, with the same 'neomig' resolution)
    const down = await neomig(['down', '--json'], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0']);
    expect(await labels()).toEqual({});
  });
});

describe("a folder numbered as neo4j-migrations and Flyway number theirs (V0001__, V0009__)", () => {
  it('applies in number order, goes down to a padded version, and create goes on with the next number', async () => {
    const dir = project();
    writeFiles(dir, {
      'migrations/V0001__Create_people.cypher': 'CREATE (:Person {name: "Ada"});\n',
      'migrations/U0001__Create_people.cypher': 'MATCH (p:Person) DELETE p;\n',
      'migrations/V0009__Add_cities.cypher': 'CREATE (:City {name: "London"});\n',
      'migrations/U0009__Add_cities.cypher': 'MATCH (c:City) DELETE c;\n',
      // unpadded, and after 9 by number though before it as text
      'migrations/V10__Add_books.cypher': 'CREATE (:Book {title: "Dune"});\n',
      'migrations/U10__Add_books.cypher': 'MATCH (b:Book) DELETE b;\n',
    });
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '9.0.0', '10.0.0']);
    expect(await labels()).toEqual({ Book: 1, City: 1, Person: 1 });
    const status = await neomig(['status', '--json'], dir);
    expect(status.json().migrations.map((m: { version: string; status: string }) => `${m.version} ${m.status}`))
      .toEqual(['1.0.0 applied', '9.0.0 applied', '10.0.0 applied']);

    const down = await neomig(['down', '--to', '0001', '--json'], dir);
    expect(down.code).toBe(0);
    expect(down.json().applied.map((s: { version: string }) => s.version)).toEqual(['10.0.0', '9.0.0']);
    expect(await labels()).toEqual({ Person: 1 });

    const created = await neomig(['create', 'add genre'], dir);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created migration 11.0.0 (add genre):\n  ${path.join('migrations', 'V0011__add_genre.up.cypher')}`);

    // two spellings of one version are refused, naming both files, before anything runs
    writeFiles(dir, { 'migrations/V1__Again.cypher': 'CREATE (:Again);\n' });
    const twice = await neomig(['up'], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/V0001__Create_people\.cypher and V1__Again\.cypher both have version 1\.0\.0|V1__Again\.cypher and V0001__Create_people\.cypher both have version 1\.0\.0/);
    expect(await labels()).toEqual({ Person: 1 });
  });
});

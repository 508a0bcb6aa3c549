/**
 * `${placeholders}` through the real bin/neomig against two real Neo4j servers: one migration, two
 * environments with different values, one checksum in both histories; strings stay unless declared;
 * the recorded down is stored as written and filled again when it runs; unresolved is exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { openDriver, resetDatabase, testServer, useCleanDatabase } from '../support/neo4j.js';
import { useSecondServer } from '../support/second-server.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const MIGRATION = {
  // line 3 puts a placeholder in code, a backtick name, an undeclared string and a declared built-in
  'migrations/V1.0.0__people.up.cypher': [
    '// ${label} in a comment stays',
    'CREATE CONSTRAINT ${label}_name IF NOT EXISTS FOR (p:`${label}`) REQUIRE p.name IS UNIQUE;',
    "CREATE (:${label} {name: 'Ada', raw: '${label}', db: '${neomig:database}', version: '${neomig:version}'});",
    '',
  ].join('\n'),
  'migrations/V1.0.0__people.down.cypher': 'MATCH (p:${label}) DELETE p;\nDROP CONSTRAINT ${label}_name IF EXISTS;\n',
};

function project(files: Record<string, string>, environments: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-placeholders-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  const config = { placeholders: { label: 'Base' }, placeholdersInStrings: ['neomig:database', 'neomig:version'], environments };
  writeFileSync(path.join(dir, 'neomig.config.json'), JSON.stringify(config, null, 2));
  return dir;
}

/** Credentials from the env, the server from the environment's `uri` in the config. */
function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  const s = testServer();
  return runCli(args, { cwd, env: { NEO4J_USERNAME: s.username, NEO4J_PASSWORD: s.password, ...env } });
}

async function people(d: Driver): Promise<Record<string, unknown>[]> {
  const { records } = await d.executeQuery('MATCH (p) WHERE p.name = "Ada" RETURN labels(p) AS labels, p.raw AS raw, p.db AS db, p.version AS version');
  return records.map((r) => r.toObject());
}

async function history(d: Driver): Promise<{ checksum: string; downScript: string }> {
  const { records } = await d.executeQuery("MATCH (v:SchemaVersion {version: '1.0.0'}) RETURN v.checksum AS checksum, v.downScript AS downScript");
  return records[0]!.toObject() as { checksum: string; downScript: string };
}

describe('placeholders', () => {
  const second = useSecondServer();

  it('one migration runs with each environment\'s values on two databases, with one checksum', async () => {
    const other = openDriver(second());
    try {
      await resetDatabase(other);
      const dir = project(MIGRATION, { alpha: { uri: testServer().uri, placeholders: { label: 'Alpha' } }, beta: { uri: second().uri, placeholders: { label: 'Beta' } } });

      // the dry run shows the filled statements
      const dry = await neomig(['up', '--env', 'alpha', '--dry-run'], dir);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('CREATE CONSTRAINT Alpha_name IF NOT EXISTS FOR (p:`Alpha`)');
      expect(dry.stdout).toContain("CREATE (:Alpha {name: 'Ada', raw: '${label}', db: 'neo4j', version: '1.0.0'})");
      // NEOMIG_PLACEHOLDER_<NAME> wins over the config
      const fromEnv = await neomig(['up', '--env', 'alpha', '--dry-run'], dir, { NEOMIG_PLACEHOLDER_LABEL: 'Gamma' });
      expect(fromEnv.stdout).toContain('CREATE (:Gamma {');

      expect((await neomig(['up', '--env', 'alpha'], dir)).code).toBe(0);
      expect((await neomig(['up', '--env', 'beta'], dir)).code).toBe(0);
      expect(await people(driver)).toEqual([{ labels: ['Alpha'], raw: '${label}', db: 'neo4j', version: '1.0.0' }]);
      expect(await people(other)).toEqual([{ labels: ['Beta'], raw: '${label}', db: 'neo4j', version: '1.0.0' }]);

      const [a, b] = [await history(driver), await history(other)];
      expect(a.checksum).toBe(b.checksum);
      // recorded as written
      expect(a.downScript).toBe(MIGRATION['migrations/V1.0.0__people.down.cypher']);
      expect((await neomig(['validate', '--env', 'beta'], dir)).code).toBe(0);

      // down fills the recorded text again, with the environment's values
      const downDry = await neomig(['down', '--env', 'beta', '--dry-run'], dir);
      expect(downDry.stdout).toContain('MATCH (p:Beta) DELETE p');
      expect((await neomig(['down', '--env', 'beta'], dir)).code).toBe(0);
      expect(await people(other)).toEqual([]);
      const { records } = await other.executeQuery("SHOW CONSTRAINTS YIELD name WHERE name = 'Beta_name' RETURN name");
      expect(records).toEqual([]);
      expect(await people(driver)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('an unresolved placeholder fails validate --offline (exit 2) naming the file and line', async () => {
    const dir = project({ ...MIGRATION, 'migrations/V1.1.0__broken.up.cypher': 'CREATE (:A);\n\nMATCH (n:${x}) RETURN n;\n', 'migrations/V1.1.0__broken.down.cypher': 'RETURN 1;\n' }, {});
    const offline = await neomig(['validate', '--offline', '--json'], dir);
    expect(offline.code).toBe(2);
    expect(offline.json().error).toMatchObject({ code: 'MIGRATION_FILE', message: 'V1.1.0__broken.up.cypher:3: placeholder ${x} has no value' });
    const human = await neomig(['validate', '--offline'], dir);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('V1.1.0__broken.up.cypher:3');
    expect(human.stderr).toContain('NEOMIG_PLACEHOLDER_X');
    // a value from the environment resolves it
    expect((await neomig(['validate', '--offline'], dir, { NEOMIG_PLACEHOLDER_X: 'Thing' })).code).toBe(0);
    // nothing ran against the database
    const { records } = await driver.executeQuery('MATCH (n) RETURN count(n) AS n');
    expect(neo4j.integer.toNumber(records[0]!.get('n'))).toBe(0);
  });
});

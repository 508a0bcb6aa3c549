import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConfigFile, findConfigUpwards, loadConfigFile, parseDotenv, readConfig, validateConfig } from '../../src/config/index.js';
import { NeomigError } from '../../src/errors.js';
import { errorOf } from '../support/errors.js';

const DEFINE = path.resolve('src/define.ts');
let root: string;
let n = 0;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'neomig-config-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh folder holding the given files. */
function folder(files: Record<string, string>): string {
  const dir = path.join(root, `case-${++n}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<NeomigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof NeomigError) return e;
    throw e;
  }
  throw new Error('expected a NeomigError');
}


describe('validateConfig: accepts every documented key', () => {
  it('keeps a complete config as it is', () => {
    const full = {
      uri: 'neo4j+s://db.example.com',
      username: 'neo4j',
      password: 'pw',
      database: 'movies',
      connectionTimeoutMs: 5000,
      migrations: 'db/migrations',
      outOfOrder: true,
      validateOnMigrate: false,
      atomic: false,
      transaction: 'statement',
      schemaProcedures: ['acme.schema.apply', 'acme.ddl.*'],
      cleanEnabled: true,
      protected: false,
      installedBy: 'ci',
      lock: { mode: 'fail', timeoutSeconds: 0, ttlSeconds: 30, heartbeatSeconds: 5 },
      labels: { history: 'Hist', audit: 'Audit_1', lock: '_Lock' },
      fingerprints: false,
      environments: { staging: { uri: 'bolt://s:7687', lock: { mode: 'wait' }, protected: true, disposable: true } },
    };
    expect(validateConfig(full, '/x/neomig.config.json')).toEqual(full);
  });

  it('skips keys whose value is undefined (a TS config spreading optional values)', () => {
    expect(validateConfig({ uri: undefined, lock: { mode: undefined } }, 'c.ts')).toEqual({ lock: {} });
  });
});

describe('validateConfig: names the file and the key path of every problem', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['an unknown top-level key', { uri: 'bolt://h', outOfOrdr: true }, 'outOfOrdr', /Did you mean 'outOfOrder'\?/],
    ['an unknown key in an environment', { environments: { staging: { databse: 'x' } } }, 'environments.staging.databse', /Did you mean 'database'\?/],
    ['an unknown key in an environment\'s lock', { environments: { staging: { lock: { mod: 'wait' } } } }, 'environments.staging.lock.mod', /Did you mean 'mode'\?/],
    ['an unknown key in labels', { labels: { histroy: 'X' } }, 'labels.histroy', /Did you mean 'history'\?.*history, audit, lock/],
    ['environments nested in an environment', { environments: { a: { environments: {} } } }, 'environments.a.environments', /Keys allowed in an environment/],
    ['a dotted key', { 'lock.mode': 'wait' }, 'lock.mode', /unknown key|Keys allowed/],
    ['a key with no near match', { flux: 1 }, 'flux', /^Keys allowed in the config: uri, username/],
  ])('%s', (_, raw, key, hint) => {
    const e = errorOf(() => validateConfig(raw, '/proj/neomig.config.yaml'));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toBe(`neomig.config.yaml: ${key}: unknown key`);
    expect(e.details.key).toBe(key);
    expect(e.details.file).toBe('/proj/neomig.config.yaml');
    expect(e.details.hint).toMatch(hint);
  });

  it.each<[unknown, string, RegExp]>([
    [{ environments: { staging: { lock: { mode: 'sometimes' } } } }, 'environments.staging.lock.mode', /expected one of 'wait', 'fail'/],
    [{ atomic: 'yes' }, 'atomic', /expected true or false, got a string/],
    [{ lock: { timeoutSeconds: -1 } }, 'lock.timeoutSeconds', /must be at least 0/],
    [{ lock: { timeoutSeconds: '60' } }, 'lock.timeoutSeconds', /expected a number, got a string/],
    [{ lock: 'wait' }, 'lock', /expected an object/],
    [{ connectionTimeoutMs: 1.5 }, 'connectionTimeoutMs', /expected a whole number/],
    [{ labels: { history: 'Schema Version' } }, 'labels.history', /a label is a letter/],
    [{ labels: { lock: 'Lock`) DETACH DELETE n //' } }, 'labels.lock', /is not valid/],
    [{ uri: 'http://localhost:7474' }, 'uri', /use bolt:\/\//],
    [{ uri: '' }, 'uri', /must not be empty/],
    [{ transaction: 'batch' }, 'transaction', /expected one of 'auto', 'migration', 'statement', 'implicit'/],
    [{ database: null }, 'database', /expected a string, got null/],
    [{ schemaProcedures: 'acme.schema.apply' }, 'schemaProcedures', /expected a list of strings, got a string/],
    [{ schemaProcedures: ['acme.ok', 'acme schema'] }, 'schemaProcedures', /item 2 is not valid: a procedure name/],
    [{ schemaProcedures: ['acme.ok', 7] }, 'schemaProcedures', /item 2: expected a string, got a number/],
    [{ migrations: ['a', 'b'] }, 'migrations', /expected a string, got a list/],
    [{ environments: [] }, 'environments', /expected an object of named environments/],
    [{ environments: { prod: 'neo4j://prod' } }, 'environments.prod', /expected an object of settings/],
  ])('rejects %j at %s', (raw, key, problem) => {
    const e = errorOf(() => validateConfig(raw, '/proj/neomig.config.ts'));
    expect(e.code).toBe('CONFIG');
    expect(e.message.startsWith(`neomig.config.ts: ${key}: `)).toBe(true);
    expect(e.message).toMatch(problem);
    expect(e.details.key).toBe(key);
    expect(e.details.hint).toBeTruthy();
  });

  it('never echoes a value, so a password in the wrong place is not printed', () => {
    const e = errorOf(() => validateConfig({ password: 424242, environments: { x: { uri: 'hunter2-uri' } } }, 'c.json'));
    expect(e.message).toBe('c.json: password: expected a string, got a number');
    expect(JSON.stringify(e.toJSON())).not.toContain('424242');
    const e2 = errorOf(() => validateConfig({ environments: { x: { uri: 'hunter2-uri' } } }, 'c.json'));
    expect(JSON.stringify(e2.toJSON())).not.toContain('hunter2');
  });

  it.each([[null], [[]], ['bolt://h'], [42]])('rejects a config that is not an object: %j', (raw) => {
    const e = errorOf(() => validateConfig(raw, '/p/neomig.config.mjs'));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(/^neomig\.config\.mjs: must export an object/);
    expect(e.details.hint).toMatch(/defineConfig/);
  });
});

describe('loadConfigFile: every supported format', () => {
  const expected = { uri: 'bolt://h:7687', lock: { timeoutSeconds: 5 } };
  it.each<[string, string]>([
    ['neomig.config.json', '{ "uri": "bolt://h:7687", "lock": { "timeoutSeconds": 5 } }'],
    ['neomig.config.yaml', 'uri: bolt://h:7687\nlock:\n  timeoutSeconds: 5\n'],
    ['neomig.config.yml', '\uFEFFuri: "bolt://h:7687"\nlock: { timeoutSeconds: 5 }\n'],
    ['neomig.config.ts', `import { defineConfig } from ${JSON.stringify(DEFINE)};\nconst t: number = 5;\nexport default defineConfig({ uri: 'bolt://h:7687', lock: { timeoutSeconds: t } });\n`],
    ['neomig.config.mts', `export default { uri: 'bolt://h:7687', lock: { timeoutSeconds: 5 as number } };\n`],
    ['neomig.config.mjs', `export default { uri: 'bolt://h:7687', lock: { timeoutSeconds: 5 } };\n`],
    ['neomig.config.js', `export default async () => ({ uri: 'bolt://h:7687', lock: { timeoutSeconds: 5 } });\n`],
  ])('%s', async (name, text) => {
    const dir = folder({ [name]: text });
    expect(await loadConfigFile(path.join(dir, name))).toEqual(expected);
  });

  it('reads an empty YAML file as an empty config', async () => {
    const dir = folder({ 'neomig.config.yaml': '# nothing yet\n' });
    expect(await loadConfigFile(path.join(dir, 'neomig.config.yaml'))).toEqual({});
  });

  it('validates what a module exports', async () => {
    const dir = folder({ 'neomig.config.ts': `export default { environments: { prod: { lock: { mode: 'never' } } } };\n` });
    const e = await rejection(loadConfigFile(path.join(dir, 'neomig.config.ts')));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toBe("neomig.config.ts: environments.prod.lock.mode: expected one of 'wait', 'fail'");
  });
});

describe('loadConfigFile: unreadable files', () => {
  it('reports a YAML syntax error by line without quoting the file (it may hold a password)', async () => {
    const dir = folder({ 'neomig.config.yaml': 'uri: bolt://h\npassword: "s3cr3t-pa55\nlock: [\n' });
    const e = await rejection(loadConfigFile(path.join(dir, 'neomig.config.yaml')));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(/^neomig\.config\.yaml: cannot be parsed: .*line \d+/);
    expect(JSON.stringify(e.toJSON())).not.toContain('s3cr3t');
  });

  it.each<[string, string]>([
    ['{\n  "password": "s3cr3t-pa55",\n}', 'neomig.config.json: cannot be parsed: not valid JSON at line 3, column 1'],
    ['{ "password": s3cr3t-pa55 }', 'neomig.config.json: cannot be parsed: not valid JSON'],
  ])('reports invalid JSON strictly and without quoting it: %j', async (text, message) => {
    const dir = folder({ 'neomig.config.json': text });
    const e = await rejection(loadConfigFile(path.join(dir, 'neomig.config.json')));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toBe(message);
    expect(JSON.stringify(e.toJSON())).not.toContain('s3cr3t');
  });

  it('reports a config module that throws', async () => {
    const dir = folder({ 'neomig.config.ts': `throw new Error('no settings today');\nexport default {};\n` });
    const e = await rejection(loadConfigFile(path.join(dir, 'neomig.config.ts')));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toBe('neomig.config.ts: cannot be loaded: no settings today');
    expect(e.details.hint).toMatch(/export default defineConfig/);
  });

  it('reports a config module with a syntax error', async () => {
    const dir = folder({ 'neomig.config.ts': `export default { uri: 'bolt://h' \n` });
    const e = await rejection(loadConfigFile(path.join(dir, 'neomig.config.ts')));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(/^neomig\.config\.ts: cannot be loaded: /);
  });

  it('reports a missing file', async () => {
    const e = await rejection(loadConfigFile(path.join(root, 'nope', 'neomig.config.ts')));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(/^Config file not found: .*nope/);
    expect(e.details.hint).toMatch(/--config/);
  });

  it('reports an unsupported extension', async () => {
    const dir = folder({ 'neomig.config.toml': 'uri = "bolt://h"' });
    const e = await rejection(loadConfigFile(path.join(dir, 'neomig.config.toml')));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toBe("neomig.config.toml: unsupported config file type '.toml'");
  });
});

describe('findConfigFile', () => {
  it('returns null when there is none', () => {
    expect(findConfigFile(folder({ 'other.json': '{}' }))).toBeNull();
  });

  it('finds the one that is there', () => {
    const dir = folder({ 'neomig.config.mjs': 'export default {}' });
    expect(findConfigFile(dir)).toBe(path.join(dir, 'neomig.config.mjs'));
  });

  it('refuses to guess between two', () => {
    const dir = folder({ 'neomig.config.ts': 'export default {}', 'neomig.config.yaml': '' });
    const e = errorOf(() => findConfigFile(dir));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(/Found 2 config files .*neomig\.config\.ts, neomig\.config\.yaml/);
    expect(e.details.hint).toMatch(/--config/);
  });
});

describe('findConfigUpwards', () => {
  it('finds the config of a folder above, the nearest first', () => {
    const dir = folder({ 'neomig.config.yaml': '', 'packages/app/neomig.config.json': '{}', 'packages/app/src/x.ts': '' });
    expect(findConfigUpwards(path.join(dir, 'packages', 'app', 'src'))).toBe(path.join(dir, 'packages', 'app', 'neomig.config.json'));
    expect(findConfigUpwards(path.join(dir, 'packages'))).toBe(path.join(dir, 'neomig.config.yaml'));
  });

  it('stops at the repository root (a folder holding .git)', () => {
    const dir = folder({ 'neomig.config.yaml': '', 'repo/.git/HEAD': '', 'repo/src/x.ts': '' });
    expect(findConfigUpwards(path.join(dir, 'repo', 'src'))).toBeNull();
  });
});

describe('parseDotenv', () => {
  it.each<[string, string, Record<string, string>]>([
    ['plain', 'A=1\nB = two words ', { A: '1', B: 'two words' }],
    ['comments and blanks', '# c\n\nA=1 # trailing\nB=x#y', { A: '1', B: 'x#y' }],
    ['export', 'export A=1', { A: '1' }],
    ['quotes', `A="a # b"\nB='c \\n d'\nC=\`e\``, { A: 'a # b', B: 'c \\n d', C: 'e' }],
    ['escapes in double quotes', 'A="x\\ny \\"q\\""', { A: 'x\ny "q"' }],
    ['a quoted value over lines', 'A="one\ntwo"\nB=3', { A: 'one\ntwo', B: '3' }],
    ['CRLF and a BOM', '\uFEFFA=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['empty', 'A=\nnot an assignment', { A: '' }],
  ])('%s', (_, text, vars) => {
    expect(parseDotenv(text)).toEqual(vars);
  });
});

describe('readConfig: file, env and flags together', () => {
  it('finds the config above the cwd; migrations stay relative to the config', async () => {
    const dir = folder({ 'neomig.config.yaml': 'migrations: db\n', 'src/api/x.ts': '' });
    const c = await readConfig({ cwd: path.join(dir, 'src', 'api'), processEnv: {} });
    expect(c.configFile).toBe(path.join(dir, 'neomig.config.yaml'));
    expect(c.migrationsDir).toBe(path.join(dir, 'db'));
  });

  it('reads a .env next to the config into the environment; variables already set win', async () => {
    const dir = folder({ 'neomig.config.yaml': '', '.env': 'NEO4J_PASSWORD=from-file\nNEO4J_DATABASE=filedb\nOTHER=x\n', 'src/x.ts': '' });
    const processEnv: Record<string, string | undefined> = { NEO4J_DATABASE: 'envdb' };
    const secrets: string[] = [];
    const c = await readConfig({ cwd: path.join(dir, 'src'), processEnv, onSecret: (s) => secrets.push(s) });
    expect(c.envFile).toBe(path.join(dir, '.env'));
    expect(c.connection).toMatchObject({ password: 'from-file', database: 'envdb' });
    expect(processEnv).toEqual({ NEO4J_DATABASE: 'envdb', NEO4J_PASSWORD: 'from-file', OTHER: 'x' });
    expect(secrets).toContain('from-file');
    const without = await readConfig({ cwd: dir, processEnv: {}, dotenv: false });
    expect(without).toMatchObject({ envFile: null, connection: { password: undefined } });
  });


  it('finds the config in the cwd and resolves migrations against it', async () => {
    const dir = folder({ 'neomig.config.yaml': 'migrations: db/migrations\nenvironments:\n  ci:\n    database: cidb\n' });
    const c = await readConfig({ cwd: dir, env: 'ci', processEnv: {} });
    expect(c.configFile).toBe(path.join(dir, 'neomig.config.yaml'));
    expect(c.migrationsDir).toBe(path.join(dir, 'db/migrations'));
    expect(c.connection.database).toBe('cidb');
  });

  it('takes --config relative to the cwd; migrations stay relative to the config file', async () => {
    const dir = folder({ 'conf/neomig.config.json': '{ "migrations": "m" }' });
    const c = await readConfig({ cwd: dir, configPath: 'conf/neomig.config.json' });
    expect(c.migrationsDir).toBe(path.join(dir, 'conf', 'm'));
  });

  it('takes NEOMIG_CONFIG when --config is absent, and --config over it', async () => {
    const dir = folder({ 'a.yaml': 'database: a\n', 'b.yaml': 'database: b\n' });
    expect((await readConfig({ cwd: dir, processEnv: { NEOMIG_CONFIG: 'a.yaml' } })).connection.database).toBe('a');
    expect((await readConfig({ cwd: dir, configPath: 'b.yaml', processEnv: { NEOMIG_CONFIG: 'a.yaml' } })).connection.database).toBe('b');
  });

  it('works with no config file at all', async () => {
    const dir = folder({});
    const c = await readConfig({ cwd: dir, processEnv: { NEO4J_DATABASE: 'x' }, flags: { username: 'flag-user' } });
    expect(c.configFile).toBeNull();
    expect(c.migrationsDir).toBe(path.join(dir, 'migrations'));
    expect(c.connection).toMatchObject({ database: 'x', username: 'flag-user' });
  });

  it('fails for a --config that does not exist', async () => {
    const e = await rejection(readConfig({ cwd: folder({}), configPath: 'missing.ts' }));
    expect(e.code).toBe('CONFIG');
  });
});

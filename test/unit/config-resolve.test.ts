import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, readEnvLayer, resolveConfig } from '../../src/config/resolve.js';
import type { NeomigConfig } from '../../src/config/types.js';
import { errorOf } from '../support/errors.js';

const BASE = path.resolve('/project/config');
const CWD = path.resolve('/elsewhere/cwd');


const FILE: NeomigConfig = {
  uri: 'bolt://top:7687',
  username: 'top-user',
  database: 'topdb',
  lock: { mode: 'fail', timeoutSeconds: 5 },
  labels: { history: 'TopHistory' },
  environments: {
    staging: { uri: 'neo4j+s://staging:7687', lock: { timeoutSeconds: 30 }, protected: true },
    production: { uri: 'neo4j+s://prod:7687', cleanEnabled: false },
  },
};

describe('resolveConfig: defaults', () => {
  it('fills every setting from the defaults when nothing is configured', () => {
    const c = resolveConfig({}, { baseDir: BASE });
    expect(c).toEqual({
      migrationsDir: path.join(BASE, 'migrations'),
      configFile: null,
      envFile: null,
      environment: null,
      connection: { uri: 'bolt://localhost:7687', username: 'neo4j', password: undefined, database: undefined, connectionTimeoutMs: 30_000 },
      outOfOrder: false,
      allowSchemaDrift: false,
      validateOnMigrate: true,
      atomic: true,
      transaction: 'auto',
      schemaProcedures: [],
      cleanEnabled: false,
      protected: false,
      installedBy: expect.stringMatching(/^.+@.+$/),
      lock: { mode: 'wait', timeoutSeconds: 60, ttlSeconds: 60, heartbeatSeconds: 10 },
      labels: { history: 'SchemaVersion', audit: 'SchemaVersionEvent', lock: 'NeomigLock' },
      callbacks: {},
      preflight: true,
      check: { unbatchedRowLimit: 100_000 },
      fingerprints: true,
      disposable: false,
      snapshot: { beforeUp: false, restoreOnFailure: false, dir: path.join(BASE, 'snapshots') },
      placeholders: {},
      placeholdersInStrings: [],
      templatesDir: null,
    });
  });

  it('reads preflight and check.unbatchedRowLimit from the file, the environment and flags', () => {
    const file = resolveConfig({ preflight: false, check: { unbatchedRowLimit: 5 } }, { baseDir: BASE });
    expect([file.preflight, file.check.unbatchedRowLimit]).toEqual([false, 5]);
    const env = resolveConfig({ check: { unbatchedRowLimit: 5 } }, { baseDir: BASE, processEnv: { NEOMIG_PREFLIGHT: 'off', NEOMIG_UNBATCHED_ROW_LIMIT: '7' } });
    expect([env.preflight, env.check.unbatchedRowLimit]).toEqual([false, 7]);
    expect(resolveConfig({ preflight: false }, { baseDir: BASE, flags: { preflight: true } }).preflight).toBe(true);
  });

  it('reads snapshot settings per environment, the folder relative to the config, flags and env on top', () => {
    const file = { snapshot: { dir: 'backups' }, environments: { prod: { snapshot: { beforeUp: true } } } };
    expect(resolveConfig(file, { baseDir: BASE, env: 'prod' }).snapshot).toEqual({ beforeUp: true, restoreOnFailure: false, dir: path.join(BASE, 'backups') });
    const layered = resolveConfig(file, {
      baseDir: BASE, cwd: '/elsewhere', processEnv: { NEOMIG_SNAPSHOT_DIR: 'here', NEOMIG_RESTORE_ON_FAILURE: 'true' }, flags: { snapshot: { beforeUp: true } },
    });
    expect(layered.snapshot).toEqual({ beforeUp: true, restoreOnFailure: true, dir: path.resolve('/elsewhere', 'here') });
  });

  it('records the installing user as user@host', () => {
    expect(resolveConfig({}, { baseDir: BASE }).installedBy).toBe(`${os.userInfo().username}@${os.hostname()}`);
  });

  it('does not let a resolved config share the defaults objects', () => {
    const c = resolveConfig({}, { baseDir: BASE });
    c.lock.timeoutSeconds = 1;
    expect(DEFAULTS.lock.timeoutSeconds).toBe(60);
    expect(resolveConfig({}, { baseDir: BASE }).lock.timeoutSeconds).toBe(60);
  });
});

describe('resolveConfig: precedence flags > env vars > environment > top level > defaults', () => {
  it('takes the top level over the defaults', () => {
    const c = resolveConfig(FILE, { baseDir: BASE });
    expect(c.connection.uri).toBe('bolt://top:7687');
    expect(c.lock).toEqual({ mode: 'fail', timeoutSeconds: 5, ttlSeconds: 60, heartbeatSeconds: 10 });
    expect(c.labels).toEqual({ history: 'TopHistory', audit: 'SchemaVersionEvent', lock: 'NeomigLock' });
  });

  it('takes the selected environment over the top level, merging lock key by key', () => {
    const c = resolveConfig(FILE, { baseDir: BASE, env: 'staging' });
    expect(c.environment).toBe('staging');
    expect(c.connection.uri).toBe('neo4j+s://staging:7687');
    expect(c.connection.username).toBe('top-user');
    expect(c.lock).toEqual({ mode: 'fail', timeoutSeconds: 30, ttlSeconds: 60, heartbeatSeconds: 10 });
    expect(c.protected).toBe(true);
  });

  it('takes env vars over the selected environment', () => {
    const c = resolveConfig(FILE, {
      baseDir: BASE,
      env: 'staging',
      processEnv: { NEO4J_URI: 'bolt://from-env:7687', NEOMIG_LOCK_TIMEOUT: '90', NEO4J_PASSWORD: 'env-secret' },
    });
    expect(c.connection.uri).toBe('bolt://from-env:7687');
    expect(c.connection.password).toBe('env-secret');
    expect(c.lock.timeoutSeconds).toBe(90);
    expect(c.lock.mode).toBe('fail');
  });

  it('takes flags over env vars', () => {
    const c = resolveConfig(FILE, {
      baseDir: BASE,
      env: 'staging',
      processEnv: { NEO4J_URI: 'bolt://from-env:7687', NEOMIG_LOCK_TIMEOUT: '90', NEOMIG_ATOMIC: 'true' },
      flags: { uri: 'bolt://from-flag:7687', lock: { timeoutSeconds: 3 }, atomic: false },
    });
    expect(c.connection.uri).toBe('bolt://from-flag:7687');
    expect(c.lock.timeoutSeconds).toBe(3);
    expect(c.atomic).toBe(false);
  });

  it('reads the environment name from NEOMIG_ENV, and --env wins over it', () => {
    expect(resolveConfig(FILE, { baseDir: BASE, processEnv: { NEOMIG_ENV: 'production' } }).connection.uri).toBe('neo4j+s://prod:7687');
    expect(resolveConfig(FILE, { baseDir: BASE, env: 'staging', processEnv: { NEOMIG_ENV: 'production' } }).connection.uri).toBe('neo4j+s://staging:7687');
  });

  it('resolves the config migrations folder against the config file and env/flag folders against the cwd', () => {
    expect(resolveConfig({ migrations: 'db/migrations' }, { baseDir: BASE, cwd: CWD }).migrationsDir).toBe(path.join(BASE, 'db/migrations'));
    expect(resolveConfig({ environments: { x: { migrations: 'x-migrations' } } }, { baseDir: BASE, cwd: CWD, env: 'x' }).migrationsDir).toBe(path.join(BASE, 'x-migrations'));
    expect(resolveConfig({ migrations: 'db' }, { baseDir: BASE, cwd: CWD, processEnv: { NEOMIG_MIGRATIONS: 'from-env' } }).migrationsDir).toBe(path.join(CWD, 'from-env'));
    expect(resolveConfig({ migrations: 'db' }, { baseDir: BASE, cwd: CWD, flags: { migrations: 'from-flag' } }).migrationsDir).toBe(path.join(CWD, 'from-flag'));
    expect(resolveConfig({}, { baseDir: BASE, flags: { migrations: '/abs/m' } }).migrationsDir).toBe(path.resolve('/abs/m'));
  });

  it('keeps a value from a lower layer when a higher layer leaves it undefined', () => {
    const c = resolveConfig({ database: 'kept' }, { baseDir: BASE, flags: { database: undefined, lock: { mode: undefined } } });
    expect(c.connection.database).toBe('kept');
    expect(c.lock.mode).toBe('wait');
  });
});

describe('readEnvLayer', () => {
  it('reads every documented variable into its setting', () => {
    expect(
      readEnvLayer({
        NEO4J_URI: 'neo4j://h:7687',
        NEO4J_USERNAME: 'u',
        NEO4J_PASSWORD: 'p',
        NEO4J_DATABASE: 'd',
        NEOMIG_MIGRATIONS: 'm',
        NEOMIG_OUT_OF_ORDER: 'yes',
        NEOMIG_VALIDATE_ON_MIGRATE: '0',
        NEOMIG_ATOMIC: 'false',
        NEOMIG_INSTALLED_BY: 'ci@runner',
        NEOMIG_LOCK_MODE: 'fail',
        NEOMIG_LOCK_TIMEOUT: '2.5',
      }),
    ).toEqual({
      uri: 'neo4j://h:7687',
      username: 'u',
      password: 'p',
      database: 'd',
      migrations: 'm',
      outOfOrder: true,
      validateOnMigrate: false,
      atomic: false,
      installedBy: 'ci@runner',
      lock: { mode: 'fail', timeoutSeconds: 2.5 },
    });
  });

  it('treats empty variables as unset (CI often defines secrets as empty strings)', () => {
    expect(readEnvLayer({ NEO4J_URI: '', NEO4J_PASSWORD: '', NEOMIG_LOCK_TIMEOUT: '  ' })).toEqual({});
  });

  it('reads NEOMIG_SCHEMA_PROCEDURES as a comma-separated list', () => {
    expect(readEnvLayer({ NEOMIG_SCHEMA_PROCEDURES: 'acme.schema.apply, acme.ddl.* ,' })).toEqual({ schemaProcedures: ['acme.schema.apply', 'acme.ddl.*'] });
    expect(resolveConfig({ schemaProcedures: ['a.b'] }, { baseDir: BASE }).schemaProcedures).toEqual(['a.b']);
  });

  it('refuses a NEOMIG_SCHEMA_PROCEDURES item that is not a procedure name', () => {
    expect(errorOf(() => readEnvLayer({ NEOMIG_SCHEMA_PROCEDURES: 'a.b, not a name' })).message).toMatch(/NEOMIG_SCHEMA_PROCEDURES: item 2 is not valid/);
  });

  it('ignores variables it does not know and never enables clean from the environment', () => {
    expect(readEnvLayer({ NEOMIG_CLEAN_ENABLED: 'true', PATH: '/bin' })).toEqual({});
  });

  it.each([
    ['NEOMIG_LOCK_TIMEOUT', 'soon', /NEOMIG_LOCK_TIMEOUT: expected a number/],
    ['NEOMIG_LOCK_TIMEOUT', '-1', /NEOMIG_LOCK_TIMEOUT: must be at least 0/],
    ['NEOMIG_ATOMIC', 'maybe', /NEOMIG_ATOMIC: expected true or false/],
    ['NEOMIG_LOCK_MODE', 'sometimes', /NEOMIG_LOCK_MODE: expected one of 'wait', 'fail'/],
    ['NEO4J_URI', 'http://localhost:7474', /NEO4J_URI: is not valid: use bolt:\/\//],
  ])('rejects %s=%s with a CONFIG error naming the variable', (name, value, message) => {
    const e = errorOf(() => readEnvLayer({ [name]: value }));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toMatch(message);
    expect(e.details.hint).toContain(`unset ${name}`);
    expect(e.message).not.toContain(value);
  });
});

describe('resolveConfig: environments', () => {
  it('rejects an unknown --env, listing the known ones', () => {
    const e = errorOf(() => resolveConfig(FILE, { baseDir: BASE, env: 'prod', configFile: path.join(BASE, 'neomig.config.ts') }));
    expect(e.code).toBe('CONFIG');
    expect(e.message).toBe("Unknown environment 'prod' in neomig.config.ts");
    expect(e.details.hint).toBe('Known environments: staging, production.');
  });

  it('rejects an unknown NEOMIG_ENV the same way', () => {
    const e = errorOf(() => resolveConfig(FILE, { baseDir: BASE, processEnv: { NEOMIG_ENV: 'qa' } }));
    expect(e.message).toMatch(/Unknown environment 'qa'/);
  });

  it('explains that the config has no environments at all', () => {
    const e = errorOf(() => resolveConfig({}, { baseDir: BASE, env: 'staging' }));
    expect(e.code).toBe('CONFIG');
    expect(e.details.hint).toMatch(/defines no environments/);
  });

  it('does not treat an inherited property name as an environment', () => {
    expect(errorOf(() => resolveConfig(FILE, { baseDir: BASE, env: 'toString' })).code).toBe('CONFIG');
  });
});

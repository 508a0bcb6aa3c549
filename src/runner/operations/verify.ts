import type { ResolvedConfig } from '../../config/types.js';
import { type ChangeSet, diffFingerprints, isEmptyChangeSet } from '../../core/fingerprint.js';
import { currentVersion, reconcile } from '../../core/reconcile.js';
import type { LocalMigration } from '../../core/types.js';
import { compareVersions, parseVersion } from '../../core/version.js';
import { NeomigError } from '../../errors.js';
import { errorMessage } from '../../neo4j/errors.js';
import { Fingerprinter } from '../../neo4j/fingerprint.js';
import { MigratorSession } from '../session.js';
import { down } from './down.js';
import { up } from './up.js';

/** Where verify runs: the configured database when it is `disposable`, else this one. */
export interface VerifyTarget {
  uri: string;
  /** default: the configured user and password */
  username?: string;
  password?: string;
  /** default: the server's default database */
  database?: string;
}

export interface VerifyOptions {
  /** versions to verify (default: every migration pending on the target) */
  versions?: string[];
  target?: VerifyTarget;
}

/** `reversible`: the down returned counts and schema to where they were. `leaves_changes`: it did not
 *  (`leftBehind` says what). The others: the up or the down failed, there is no down, or it is
 *  irreversible on purpose (not a failure). */
export type VerifyOutcome = 'reversible' | 'leaves_changes' | 'irreversible' | 'no_down' | 'up_failed' | 'down_failed' | 'reapply_failed';

export interface VerifiedMigration {
  version: string;
  description: string;
  outcome: VerifyOutcome;
  /** what the up changed */
  upChanges: ChangeSet | null;
  /** what is different after the down from before the up (empty when reversible) */
  leftBehind: ChangeSet | null;
  error?: string;
}

export interface VerifyResult {
  /** where it ran (no credentials) */
  target: { uri: string; database: string; disposable: boolean };
  /** versions applied first to bring the target to the state before the first one verified */
  prepared: string[];
  migrations: VerifiedMigration[];
  /** true when every migration verified is reversible (or irreversible on purpose) */
  reversible: boolean;
}

const PASSING: VerifyOutcome[] = ['reversible', 'irreversible'];

/**
 * Proves each migration can be reversed, on a database that may be changed: up, down, compare the
 * fingerprint with the one before the up, up again. The runner's own up and down do the work (lock,
 * history, validation, trust), on a session of their own when the target is another database.
 */
export async function verify(session: MigratorSession, options: VerifyOptions = {}): Promise<VerifyResult> {
  const target = targetSession(session, options.target);
  try {
    return await verifyOn(target, options.versions ?? []);
  } finally {
    if (target !== session) await target.close();
  }
}

function targetSession(session: MigratorSession, target: VerifyTarget | undefined): MigratorSession {
  const config = session.config;
  if (!target) {
    if (config.disposable) return session.config.fingerprints ? session : new MigratorSession({ ...config, fingerprints: true });
    throw new NeomigError('USAGE', `neomig verify runs migrations up and down, and ${where(config)} is not marked disposable`, {
      hint:
        'Give a throwaway database with --target-uri bolt://host:7687 (same credentials unless NEOMIG_TARGET_USERNAME/' +
        'NEOMIG_TARGET_PASSWORD are set), or set `disposable: true` for a scratch environment in the config.',
    });
  }
  const sameDatabase = (target.database ?? config.connection.database) === config.connection.database;
  const same = sameUri(target.uri, config.connection.uri) && sameDatabase;
  if (same && !config.disposable) {
    throw new NeomigError('USAGE', `--target-uri ${target.uri} is the configured database, which is not marked disposable`, {
      hint: 'Give another server (a throwaway one) as --target-uri, or set `disposable: true` for this environment.',
    });
  }
  const connection = {
    ...config.connection,
    uri: target.uri,
    username: target.username ?? config.connection.username,
    password: target.password ?? config.connection.password,
    database: target.database,
  };
  const s = new MigratorSession({ ...config, connection, fingerprints: true, disposable: true });
  s.events.on((e) => session.events.emit(e));
  return s;
}

async function verifyOn(session: MigratorSession, requested: string[]): Promise<VerifyResult> {
  const local = await session.load();
  const client = await session.connect();
  const states = reconcile(local, await session.historyOf(client).readAll());
  const byVersion = new Map(local.map((m) => [m.version, m]));
  const chosen = requested.length
    ? requested.map((raw) => localVersion(raw, byVersion))
    : states.filter((s) => s.status === 'pending' && s.local).map((s) => s.version);
  const versions = [...new Set(chosen)].sort(compareVersions);
  const current = currentVersion(states);
  for (const v of versions) {
    const state = states.find((s) => s.version === v);
    if (state && state.status !== 'pending') {
      throw new NeomigError('USAGE', `${v} is ${state.status} on the target ${client.databaseName}: verify proves migrations that are not applied yet`, {
        version: v,
        hint: 'Give a fresh throwaway database with --target-uri, or leave the version out.',
      });
    }
  }
  if (current && versions[0] && compareVersions(current, versions[0]) > 0) {
    throw new NeomigError('USAGE', `the target is at ${current}, past ${versions[0]}: verify needs it before the first migration it verifies`, {
      hint: 'Give a fresh throwaway database with --target-uri.',
    });
  }
  const fingerprints = new Fingerprinter(client, session.config.labels);
  const result: VerifyResult = {
    target: { uri: session.config.connection.uri, database: client.databaseName, disposable: true },
    prepared: [],
    migrations: [],
    reversible: true,
  };
  const sorted = local.map((m) => m.version).sort(compareVersions);
  for (const v of versions) {
    const m = byVersion.get(v)!;
    // the earlier migrations first, so this one meets the graph it was written for
    const previous = sorted.filter((x) => compareVersions(x, v) < 0).at(-1);
    if (previous) {
      try {
        const prepared = await up(session, { to: previous });
        result.prepared.push(...prepared.applied.map((r) => r.version));
      } catch (e) {
        result.migrations.push(row(m, 'up_failed', null, null, `applying the migrations before it failed: ${errorMessage(e)}`));
        break;
      }
    }
    const verified = await verifyOne(session, fingerprints, m);
    result.migrations.push(verified);
    if (['up_failed', 'down_failed', 'reapply_failed'].includes(verified.outcome)) break;
  }
  result.reversible = result.migrations.every((r) => PASSING.includes(r.outcome));
  return result;
}

async function verifyOne(session: MigratorSession, fingerprints: Fingerprinter, m: LocalMigration): Promise<VerifiedMigration> {
  const apply = async () => (await up(session, { to: m.version })).applied.find((r) => r.version === m.version);
  const reversible = m.down && !m.meta.irreversible;
  const before = await fingerprints.fresh();
  try {
    await apply();
  } catch (e) {
    return row(m, 'up_failed', null, null, errorMessage(e));
  }
  const upChanges = diffFingerprints(before, await fingerprints.fresh());
  if (!reversible) return row(m, m.meta.irreversible ? 'irreversible' : 'no_down', upChanges, null);
  try {
    await down(session, { steps: 1 });
  } catch (e) {
    return row(m, 'down_failed', upChanges, null, errorMessage(e));
  }
  const leftBehind = diffFingerprints(before, await fingerprints.fresh());
  try {
    await apply();
  } catch (e) {
    return row(m, 'reapply_failed', upChanges, leftBehind, `applying it again after its down failed: ${errorMessage(e)}`);
  }
  return row(m, isEmptyChangeSet(leftBehind) ? 'reversible' : 'leaves_changes', upChanges, leftBehind);
}

function row(
  m: LocalMigration,
  outcome: VerifyOutcome,
  upChanges: ChangeSet | null,
  leftBehind: ChangeSet | null,
  error?: string,
): VerifiedMigration {
  return { version: m.version, description: m.description, outcome, upChanges, leftBehind, ...(error ? { error } : {}) };
}

function localVersion(raw: string, local: Map<string, LocalMigration>): string {
  const v = parseVersion(raw);
  if (v === null || !local.has(v)) {
    throw new NeomigError('USAGE', `${raw}: ${v === null ? 'not a version' : 'no such migration in the migrations folder'}`, {
      hint: 'Give versions of local migrations (neomig status lists them), or none to verify every pending one.',
    });
  }
  return v;
}

function where(config: ResolvedConfig): string {
  return config.environment ? `environment '${config.environment}'` : 'the configured database';
}

/** Two URIs naming the same server (scheme variants bolt/neo4j and a trailing slash do not count). */
function sameUri(a: string, b: string): boolean {
  const norm = (u: string) => u.replace(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, '').replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}



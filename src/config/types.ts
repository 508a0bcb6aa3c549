import type { CallbackPhase } from '../core/callbacks.js';
import type { TransactionMode } from '../core/types.js';
import type { CallbackContext } from '../runner/types.js';

/** A library callback: gets the same ctx as a TS callback file (a migration's ctx plus phase, plan, result). */
export type CallbackFunction = (ctx: CallbackContext) => unknown;

/** Functions per phase, run after the phase's files in `migrations/callbacks/`. */
export type CallbacksConfig = Partial<Record<CallbackPhase, CallbackFunction | CallbackFunction[]>>;

/** How neomig reaches Neo4j. */
export interface ConnectionConfig {
  /** bolt://, bolt+s://, neo4j://, neo4j+s:// ... (env NEO4J_URI) */
  uri?: string;
  /** (env NEO4J_USERNAME) */
  username?: string;
  /** (env NEO4J_PASSWORD); never printed */
  password?: string;
  /** target database; default: the server's default database (env NEO4J_DATABASE) */
  database?: string;
  /** connection timeout in milliseconds */
  connectionTimeoutMs?: number;
}

export interface LockConfig {
  /** what to do when another run holds the lock: `wait` up to timeoutSeconds, or `fail` at once */
  mode?: 'wait' | 'fail';
  /** how long `wait` waits before giving up with exit code 4 */
  timeoutSeconds?: number;
  /** a lease whose heartbeat is older than this may be taken over */
  ttlSeconds?: number;
  /** how often the holder renews its heartbeat */
  heartbeatSeconds?: number;
}

/** What `neomig check` flags. */
export interface CheckConfig {
  /** a data statement that is not batched (no CALL { } IN TRANSACTIONS) and matches more nodes or
   *  relationships than this is reported (default 100000) */
  unbatchedRowLimit?: number;
}

export interface LabelsConfig {
  /** label of the history nodes */
  history?: string;
  /** label of the audit entries */
  audit?: string;
  /** label of the lock node */
  lock?: string;
}

/** Snapshots (`neomig snapshot`, `up --snapshot`). */
export interface SnapshotConfig {
  /** take a snapshot before `up` runs its first pending migration (flag --snapshot) */
  beforeUp?: boolean;
  /** restore it when a failure cannot be reversed by the downs (flag --restore-on-failure) */
  restoreOnFailure?: boolean;
  /** folder for snapshot files, relative to the config file (default `snapshots`) */
  dir?: string;
}

/** The settings of one environment; `environments` entries override the top level. */
export interface EnvironmentConfig extends ConnectionConfig {
  /** folder holding the migrations, relative to the config file */
  migrations?: string;
  /** allow pending versions lower than the highest applied one */
  outOfOrder?: boolean;
  /** constraints or indexes created or dropped outside neomig make `validate` warn instead of fail */
  allowSchemaDrift?: boolean;
  /** validate files, checksums and history before `up` (default true) */
  validateOnMigrate?: boolean;
  /** reverse this run's applied migrations when one fails (default true) */
  atomic?: boolean;
  /** default transaction mode for migrations that do not set one */
  transaction?: TransactionMode;
  /** procedures Neo4j runs in schema mode, besides the ones neomig knows (apoc.schema.assert, ...);
   *  `acme.schema.*` names a namespace */
  schemaProcedures?: string[];
  /** allow `neomig clean` (default false) */
  cleanEnabled?: boolean;
  /** `down`, `repair` and `baseline` need --yes (`clean` always needs it, and cleanEnabled) */
  protected?: boolean;
  /** who is recorded as having run the migrations (default: OS user@host) */
  installedBy?: string;
  lock?: LockConfig;
  labels?: LabelsConfig;
  /** compile every planned statement (EXPLAIN) and check new constraints against the data before `up`
   *  applies anything (default true; --no-preflight) */
  preflight?: boolean;
  check?: CheckConfig;
  /** record what each migration changed (counts per label/type, schema added/dropped) in its history
   *  entry (default true; `--no-fingerprints` on up/down) */
  fingerprints?: boolean;
  /** this database may be wiped: `neomig verify` may run on it (default false) */
  disposable?: boolean;
  snapshot?: SnapshotConfig;
  /** values of `${name}` placeholders in Cypher migrations; an environment's entries override these
   *  one by one, and NEOMIG_PLACEHOLDER_<NAME> overrides both */
  placeholders?: Record<string, string | number | boolean>;
  /** placeholder names also replaced inside string literals (`*`: all); elsewhere they stay as written */
  placeholdersInStrings?: string[];
  /** folder of team templates for `neomig create` (relative to the config file); see README "Templates" */
  templates?: string;
}

export interface NeomigConfig extends EnvironmentConfig {
  /** named environments selected with --env */
  environments?: Record<string, EnvironmentConfig>;
  /** functions per callback phase (top level only), e.g. `{ afterMigrate: async (ctx) => ... }` */
  callbacks?: CallbacksConfig;
}

/** A config after files, environment, env vars and flags are merged, with every default filled in. */
export interface ResolvedConfig {
  /** absolute path of the migrations folder */
  migrationsDir: string;
  /** absolute path of the config file used, if any */
  configFile: string | null;
  /** absolute path of the `.env` file whose variables were read, if any */
  envFile: string | null;
  /** the --env selected, if any */
  environment: string | null;
  connection: Required<Pick<ConnectionConfig, 'uri' | 'username'>> & {
    password: string | undefined;
    database: string | undefined;
    connectionTimeoutMs: number;
  };
  outOfOrder: boolean;
  allowSchemaDrift: boolean;
  validateOnMigrate: boolean;
  atomic: boolean;
  transaction: TransactionMode;
  schemaProcedures: string[];
  cleanEnabled: boolean;
  protected: boolean;
  installedBy: string;
  lock: Required<LockConfig>;
  labels: Required<LabelsConfig>;
  callbacks: CallbacksConfig;
  preflight: boolean;
  check: Required<CheckConfig>;
  fingerprints: boolean;
  disposable: boolean;
  /** `dir` absolute */
  snapshot: Required<SnapshotConfig>;
  /** placeholder values: config, environment and NEOMIG_PLACEHOLDER_* merged (env-only ones keyed as in the variable) */
  placeholders: Record<string, string>;
  placeholdersInStrings: string[];
  /** absolute path of the templates folder, if one is configured */
  templatesDir: string | null;
}

import type { ChangeSet } from '../../core/fingerprint.js';
import { reconcile } from '../../core/reconcile.js';
import type { MigrationStatus, StatementKind } from '../../core/types.js';
import { parseVersion } from '../../core/version.js';
import { NeomigError } from '../../errors.js';
import { type AuditRecord, readAuditEvents } from '../../neo4j/audit.js';
import type { MigratorSession } from '../session.js';

export interface ShownStatement {
  index: number;
  line: number;
  kind: StatementKind;
  text: string;
  /** as the last apply recorded them; null when not recorded (not applied, or applied before neomig recorded them) */
  counters: Record<string, number> | null;
}

/** One migration in full (`neomig show`). */
export interface ShowResult {
  version: string;
  description: string;
  type: 'cypher' | 'typescript' | 'baseline';
  status: MigrationStatus;
  files: { up: string; down: string | null };
  checksum: { local: string | null; applied: string | null; changed: boolean };
  installedBy: string | null;
  installedAt: string | null;
  executionTimeMs: number | null;
  /** the up's counters, summed over its statements */
  counters: Record<string, number> | null;
  /** Cypher ups: each statement, from the local file, with its recorded counters */
  statements: ShownStatement[];
  /** each validate query; `passed` for an applied migration (it is not applied otherwise) */
  validate: { query: string; result: 'passed' | 'not run' }[];
  /** what the up changed (fingerprints) */
  changes: ChangeSet | null;
  /** what its down changed, when it was reversed with fingerprints on */
  downChanges: ChangeSet | null;
  partialChanges: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  events: AuditRecord[];
}

/** Everything neomig knows about one version: its files, its history entry and its audit trail. */
export async function show(session: MigratorSession, raw: string): Promise<ShowResult> {
  const version = parseVersion(raw);
  if (version === null) {
    throw new NeomigError('USAGE', `${raw}: not a version`, { hint: 'Give a version such as 1.2.0 (neomig status lists them).' });
  }
  const local = await session.load();
  const c = await session.connect();
  const states = reconcile(local, await session.historyOf(c).readAll());
  const state = states.find((s) => s.version === version);
  if (!state) {
    const known = states.map((s) => s.version);
    throw new NeomigError('USAGE', `${version}: no such migration, neither in ${session.config.migrationsDir} nor in the history`, {
      version,
      hint: known.length
        ? `Known versions: ${known.slice(-10).join(', ')}${known.length > 10 ? ' …' : ''}. neomig status lists them all.`
        : 'There are no migrations yet: neomig create <description> writes one.',
    });
  }
  const m = state.local;
  const a = state.applied;
  const recorded = new Map((a?.statementCounters ?? []).map((s) => [s.index, s.counters]));
  // an entry applied, or reversed since: its last apply ran every statement and passed every validate
  const inEffect = a?.status === 'applied' || a?.status === 'rolled_back';
  return {
    version,
    description: state.description,
    type: m?.type ?? a?.type ?? 'cypher',
    status: state.status,
    files: { up: m?.up.file ?? a?.script ?? '', down: m?.down?.file ?? a?.downScriptName ?? null },
    checksum: { local: m?.checksum ?? null, applied: a?.checksum ?? null, changed: state.checksumChanged },
    installedBy: a?.installedBy ?? null,
    installedAt: a?.installedAt ?? null,
    executionTimeMs: a ? a.executionTimeMs : null,
    counters: a ? a.counters : null,
    statements:
      m?.up.kind === 'cypher'
        ? m.up.statements.map((s) => {
            const counters = inEffect ? (recorded.get(s.index) ?? null) : null;
            return { index: s.index, line: s.line, kind: s.kind, text: s.text, counters };
          })
        : [],
    validate: (m?.meta.validate ?? []).map((query) => ({ query, result: inEffect ? 'passed' : 'not run' })),
    changes: a?.changes ?? null,
    downChanges: a?.downChanges ?? null,
    partialChanges: a?.partialChanges ?? null,
    errorCode: a?.errorCode ?? null,
    errorMessage: a?.errorMessage ?? null,
    events: a ? await readAuditEvents(c, session.config.labels, version) : [],
  };
}

/**
 * Whether a recorded down may run. The text comes from the database, which more people and services
 * can write than the repository; so before neomig runs it (Cypher, or a TS module it would evaluate),
 * the text must match the checksum recorded with it, and that checksum must match the local file, the
 * file's line in neomig.sum, or a file this process applied itself (dev). Otherwise it refuses, unless
 * the user reviewed the text and names the version in --trust-recorded (an audit event records it).
 * Without neomig.sum, a recorded Cypher down that is not tampered still runs, with a warning.
 */
import { SUM_FILE } from '../core/integrity.js';
import { recordedDownChecksum, tamperOf } from '../core/recorded.js';
import type { AppliedMigration, LocalMigration } from '../core/types.js';
import { parseVersion } from '../core/version.js';
import { readSum } from '../discovery/integrity.js';
import { NeomigError } from '../errors.js';
import { type TrustAuditTarget, recordTrustOverride } from '../neo4j/trust-audit.js';
import type { Neo4jClient } from '../neo4j/client.js';
import type { Events } from './events.js';
import type { MigratorSession } from './session.js';

export interface TrustOptions {
  /** versions whose recorded downs the user reviewed and wants run even if neomig cannot vouch for them */
  trustRecorded?: string[];
  /** why, written into the audit event of --trust-recorded */
  trustReason?: string;
}

/** How a recorded down was vouched for, or why it was not. */
export type Verdict =
  | { ok: true; via: 'local' | 'sum' | 'self' }
  | { ok: false; tampered: boolean; why: string };

export interface Vouchers {
  /** neomig.sum's lines (file -> checksum); null when the folder has no neomig.sum */
  sum: ReadonlyMap<string, string> | null;
  /** files this process applied itself, with their checksums (dev mode) */
  self?: ReadonlyMap<string, string>;
}

/** The pure decision for one entry. `local` is the local migration of the same version, if any. */
export function verdictFor(applied: AppliedMigration, local: LocalMigration | undefined, v: Vouchers): Verdict {
  const tamper = tamperOf(applied);
  if (tamper) return { ok: false, tampered: true, why: tamper };
  const recorded = applied.downChecksum ?? recordedDownChecksum(applied);
  const file = applied.downScriptName ?? applied.script;
  const localDown = local?.down ? local.downChecksum : undefined;
  if (localDown !== undefined && localDown === recorded) return { ok: true, via: 'local' };
  if (v.sum?.get(file) === recorded) return { ok: true, via: 'sum' };
  if (v.self?.get(file) === recorded) return { ok: true, via: 'self' };
  const localSays = !local
    ? `no local ${file}`
    : localDown
      ? `the local ${local.down!.file} (${short(localDown)})`
      : `the local ${local.up.file}, which has no down`;
  const sumSays = !v.sum
    ? `no ${SUM_FILE}`
    : v.sum.has(file)
      ? `its ${SUM_FILE} line (${short(v.sum.get(file)!)})`
      : `no line for ${file} in ${SUM_FILE}`;
  const why = `its recorded checksum ${short(recorded)} matches neither: ${localSays}, ${sumSays}`;
  return { ok: false, tampered: false, why };
}

/** False when the down that runs is the local, unchanged TS module rather than text from the database. */
export function runsRecordedText(applied: AppliedMigration, local: LocalMigration | undefined): boolean {
  const localModule = applied.type === 'typescript' && local?.type === 'typescript' && local.down !== undefined;
  return !(localModule && local!.checksum === applied.checksum);
}

/** The trust of one operation of `session`: its folder's neomig.sum, the user's overrides, its audit target. */
export function trustFor(
  session: MigratorSession,
  client: Neo4jClient,
  options: TrustOptions,
  self?: ReadonlyMap<string, string>,
): Promise<DownTrust> {
  const { config, events, runId } = session;
  const audit = { client, labels: config.labels, by: config.installedBy, runId };
  return DownTrust.forFolder(config.migrationsDir, events, options, audit, self);
}

/** Checks recorded downs before they run; one per operation. */
export class DownTrust {
  private readonly trusted: Set<string>;

  constructor(
    private readonly vouchers: Vouchers,
    private readonly events: Events,
    private readonly options: TrustOptions = {},
    private readonly audit?: TrustAuditTarget,
  ) {
    this.trusted = new Set((options.trustRecorded ?? []).map((v) => parseVersion(v) ?? v));
  }

  /** The vouchers of a migrations folder: its neomig.sum, and what this process applied itself. */
  static async forFolder(
    dir: string,
    events: Events,
    options: TrustOptions = {},
    audit?: TrustAuditTarget,
    self?: ReadonlyMap<string, string>,
  ): Promise<DownTrust> {
    const parsed = await readSum(dir);
    const sum = parsed ? new Map(parsed.lines.map((l) => [l.file, l.checksum])) : null;
    return new DownTrust({ sum, self }, events, options, audit);
  }

  /**
   * Throws INTEGRITY unless the recorded down of `applied` may run. With `dryRun`, nothing is written
   * (no audit event) and nothing is warned twice.
   */
  async check(applied: AppliedMigration, local: LocalMigration | undefined, dryRun = false): Promise<void> {
    // only text from the database needs a voucher; an unchanged local TS module is the repository's
    if (applied.downScript === null || !runsRecordedText(applied, local)) return;
    const verdict = verdictFor(applied, local, this.vouchers);
    if (verdict.ok) return;
    const version = applied.version;
    const file = applied.downScriptName ?? applied.script;
    if (this.trusted.has(version)) {
      const reason = this.options.trustReason?.trim() || 'no reason given';
      this.events.warn(`running the recorded down of ${version} on --trust-recorded: ${verdict.why}`, version);
      const detail = `--trust-recorded: ${verdict.why}; reason: ${reason}`;
      if (!dryRun && this.audit) await recordTrustOverride(this.audit, version, detail);
      return;
    }
    if (!verdict.tampered && this.vouchers.sum === null && applied.type !== 'typescript') {
      if (!dryRun) {
        this.events.warn(
          `the recorded down of ${version} (${file}) runs unverified: ${verdict.why}. Commit an integrity file ` +
            '(`neomig hash`) so that neomig can check recorded downs before running them.',
          version,
        );
      }
      return;
    }
    throw new NeomigError('INTEGRITY', `refusing to run the recorded down of ${version} (${file}): ${verdict.why}`, {
      version,
      file,
      tampered: verdict.tampered,
      hint:
        `The down text comes from the database (the downScript property of its :SchemaVersion node), which neomig ` +
        `does not trust on its own. Inspect it: \`neomig down --dry-run --trust-recorded ${version}\` prints it for ` +
        `Cypher, or MATCH (v:SchemaVersion {version: '${version}'}) RETURN v.downScript. If it is right, run again ` +
        `with --trust-recorded ${version} --trust-reason "<why>" (recorded as an audit event)` +
        (this.vouchers.sum === null
          ? ', or restore the file and adopt an integrity file with `neomig hash`.'
          : ', or restore the file.'),
    });
  }
}

function short(checksum: string | null | undefined): string {
  return checksum ? checksum.slice(0, 8) : 'none';
}

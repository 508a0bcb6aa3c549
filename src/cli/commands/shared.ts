/** Helpers the command files share: --to parsing, run outcomes, JSON shapes of results. */
import { Option } from 'commander';
import { NeomigError, isNeomigError } from '../../errors.js';
import { parseVersion } from '../../core/version.js';
import type { MigrationState, Target } from '../../core/types.js';
import type { RunResult, StatusResult } from '../../runner/types.js';
import type { CommandOutcome } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';
import { failureJson, renderRunSummary } from '../render/run.js';
import { renderError } from '../render/error.js';

const KEYWORDS = ['current', 'latest', 'next'];

/** `--target`, Flyway's name for `--to` (the two conflict: give one). */
export function targetOption(description: string): Option {
  return new Option('--target <version>', `the same as --to: ${description}`).conflicts(['to']);
}

/** --to (or --target): a version (normalized) or current | latest | next. */
export function parseTarget(raw: string | undefined, alias?: string): Target | undefined {
  if (raw === undefined) raw = alias;
  if (raw === undefined) return undefined;
  const keyword = raw.trim().toLowerCase();
  if (KEYWORDS.includes(keyword)) return keyword;
  const version = parseVersion(raw);
  if (version === null) {
    throw new NeomigError('USAGE', `--to ${raw}: not a version`, { hint: 'Give a version such as 1.2.0, or current, latest or next.' });
  }
  return version;
}

/**
 * Runs up or down and presents the outcome. A failed migration arrives as a MIGRATION_FAILED error
 * carrying the run's result (what was applied, rolled back, left): it is shown as a summary with exit
 * code 1 rather than as a bare error, so the reader learns where the database stands.
 */
export async function presentRun(run: () => Promise<RunResult>, output: Output): Promise<CommandOutcome> {
  let result: RunResult;
  let failure: NeomigError | undefined;
  try {
    result = await run();
  } catch (e) {
    if (!isNeomigError(e) || !isRunResult((e as { result?: unknown }).result)) throw e;
    failure = e;
    result = (e as unknown as { result: RunResult }).result;
  }
  if (failure || result.failed) {
    // a failure is an error report: stderr, like every other error
    output.log(renderRunSummary(result, output.errPaint, failure?.details.hint));
    if (failure && !result.failed) output.log(renderError(failure, output.errPaint));
  } else {
    output.print(renderRunSummary(result, output.paint));
  }
  const json = { ...result } as Record<string, unknown>;
  if (failure) return { result: json, exitCode: EXIT.MIGRATION_FAILED, error: { ...failure.toJSON(), ...(result.failed ? { partialChanges: result.failed.partialChanges } : {}) } };
  if (result.failed) return { result: json, exitCode: EXIT.MIGRATION_FAILED, error: failureJson(result.failed) };
  return { result: json };
}

function isRunResult(value: unknown): value is RunResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as RunResult).applied) && Array.isArray((value as RunResult).rolledBack);
}

/** One row of `status --json`: what a script needs, without script texts or loaded modules. */
export function stateJson(m: MigrationState): Record<string, unknown> {
  const a = m.applied;
  return {
    version: m.version,
    /** `repeatable` for an R__ migration (version holds its key), else `versioned` */
    kind: m.repeatable ? 'repeatable' : 'versioned',
    description: m.description,
    type: m.local?.type ?? a?.type ?? null,
    status: m.status,
    file: m.local?.up.file ?? a?.script ?? null,
    checksum: m.local?.checksum ?? null,
    appliedChecksum: a?.checksum ?? null,
    installedAt: a?.installedAt ?? null,
    installedBy: a?.installedBy ?? null,
    executionTimeMs: a?.executionTimeMs ?? null,
    appliedStatus: a?.status ?? null,
    partialChanges: a?.partialChanges ?? null,
    irreversible: Boolean(a?.irreversible || m.local?.meta.irreversible),
    dependsOn: m.local?.meta.dependsOn ?? a?.dependsOn ?? [],
    checksumChanged: m.checksumChanged,
    fileMissing: m.fileMissing,
    outOfOrder: m.outOfOrder,
    changes: a?.changes ?? null,
    ...(a?.downChanges ? { downChanges: a.downChanges } : {}),
    ...(a?.errorCode ? { errorCode: a.errorCode, errorMessage: a.errorMessage } : {}),
    ...(a?.skipReason ? { skipReason: a.skipReason } : {}),
  };
}

export function statusJson(result: StatusResult): Record<string, unknown> {
  return {
    server: result.server,
    current: result.current,
    lock: result.lock,
    migrations: result.migrations.map(stateJson),
    issues: result.issues,
    warnings: result.warnings,
    ...(result.restoreInterrupted ? { restoreInterrupted: result.restoreInterrupted } : {}),
  };
}

/** A help section listing examples, for commander's addHelpText('after', ...). */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** The end of `up` and `down`: the dry-run plan, or what happened (applied, reversed, failed, from -> to). */
import { describeLocation } from '../../errors.js';
import { leftNothing } from '../../core/types.js';
import { partialChangesText } from '../../runner/results.js';
import { caretLines } from './error.js';
import type { DryRunStep, FailureReport, RunResult, RunSnapshot } from '../../runner/types.js';
import type { Paint } from '../output.js';
import { formatDuration, plural, versionLabel } from './format.js';
import { renderPreflight } from './preflight.js';

export function renderPlan(plan: DryRunStep[], paint: Paint): string {
  const lines: string[] = [];
  for (const step of plan) {
    const arrow = step.direction === 'up' ? paint.green('▲ up  ') : paint.magenta('▼ down');
    lines.push(`${arrow} ${paint.bold(step.version)} ${step.description} ${paint.gray(step.file)}`);
    if (step.type === 'typescript') {
      lines.push(paint.gray(`    runs ${step.direction}(ctx) of the module`));
    }
    step.groups?.forEach((group, g) => {
      const kind = group.tx === 'implicit' ? 'auto-commit' : 'transaction';
      lines.push(paint.cyan(`    ${kind} ${g + 1}/${step.groups!.length}${group.awaitIndexes ? ' (then wait for indexes)' : ''}`));
      for (const st of group.statements) {
        const text = st.text.split('\n').map((l, i) => (i === 0 ? l : `          ${l}`)).join('\n');
        lines.push(`      ${paint.gray(`${st.index}: line ${st.line}`)} ${text};`);
      }
    });
    if (step.groups && step.groups.length === 0) lines.push(paint.gray('    (no statements)'));
    for (const q of step.validate ?? []) lines.push(`    ${paint.cyan('validate')} ${q}`);
  }
  return lines.join('\n');
}

export function renderRunSummary(result: RunResult, paint: Paint, hint?: string): string {
  const lines: string[] = [];
  const verb = result.command === 'up' ? 'applied' : 'reversed';
  if (result.dryRun) {
    if (result.plan?.length) {
      lines.push(renderPlan(result.plan, paint));
      lines.push('');
    }
    const n = result.plan?.length ?? 0;
    for (const sk of result.skipped ?? []) lines.push(`${paint.yellow('↷ skip')} ${paint.bold(sk.version)} ${sk.description}: ${sk.reasons.join('; ')}`);
    if (result.preflight) lines.push(renderPreflight(result.preflight, paint));
    lines.push(
      n === 0
        ? `Dry run: nothing to do; the database is at ${versionLabel(result.from)}.`
        : `Dry run: ${plural(n, 'migration')} would be ${verb}, ${versionLabel(result.from)} → ${versionLabel(result.to)}. Nothing was changed.`,
    );
    return lines.join('\n');
  }

  if (result.failed) {
    lines.push(renderFailure(result.failed, paint));
    if (result.applied.length) {
      lines.push(`${paint.bold(`${result.command === 'up' ? 'Applied' : 'Reversed'} before the failure and kept:`)} ${result.applied.map((s) => s.version).join(', ')}`);
    }
    if (result.rolledBack.length) {
      lines.push(`Atomic: rolled back ${plural(result.rolledBack.length, 'migration')} of this run: ${result.rolledBack.map((s) => s.version).join(', ')}`);
    }
    lines.push(`Database is at ${paint.bold(versionLabel(result.to))} (was ${versionLabel(result.from)}).`);
    if (result.snapshot) lines.push(snapshotLine(result.snapshot, paint));
    lines.push(counts(result, paint));
    if (hint) lines.push(`${paint.cyan('hint')} ${hint}`);
    return lines.join('\n');
  }

  if (result.applied.length === 0) {
    lines.push(result.command === 'up'
      ? `${paint.green('✓')} Nothing to apply; the database is at ${paint.bold(versionLabel(result.to))}.`
      : `${paint.green('✓')} Nothing to reverse; the database is at ${paint.bold(versionLabel(result.to))}.`);
  } else {
    const total = result.applied.reduce((sum, s) => sum + s.elapsedMs, 0);
    lines.push(`${paint.green('✓')} ${result.command === 'up' ? 'Applied' : 'Reversed'} ${plural(result.applied.length, 'migration')} in ${formatDuration(total)}: ${versionLabel(result.from)} → ${paint.bold(versionLabel(result.to))}`);
  }
  if (result.skipped?.length) lines.push(paint.yellow(`Skipped (an assume did not hold): ${result.skipped.map((s) => s.version).join(', ')}`));
  if (result.pending.length) lines.push(paint.gray(`Still pending: ${result.pending.join(', ')}`));
  if (result.snapshot) lines.push(snapshotLine(result.snapshot, paint));
  return lines.join('\n');
}

/** up --snapshot: where the snapshot is, and whether it was restored or how to restore it. */
function snapshotLine(s: RunSnapshot, paint: Paint): string {
  if (s.restored) return `${paint.yellow('Restored')} the snapshot taken before this run: ${s.file}`;
  if (s.restoreCommand) return `${paint.red('The downs could not reverse this run.')} To return to the snapshot taken before it: ${paint.bold(s.restoreCommand)}`;
  return paint.gray(`Snapshot taken before this run: ${s.file}`);
}

function renderFailure(f: FailureReport, paint: Paint): string {
  const lines = [`${paint.red('✗')} ${paint.bold(f.version)} ${f.direction} failed: ${f.message}`];
  const location = describeLocation({ file: f.file, statement: f.statement, line: f.line, column: f.column });
  if (location) lines.push(`  ${paint.gray('at')}    ${location}`);
  if (f.excerpt && f.line !== undefined) lines.push(...caretLines(f.line, f.excerpt, paint));
  if (f.neo4jCode) lines.push(`  ${paint.gray('neo4j')} ${f.neo4jCode}`);
  const changes = `partial changes: ${f.partialChanges}`;
  lines.push(
    leftNothing(f.partialChanges)
      ? `  ${paint.yellow(changes)} — ${partialChangesText(f)}`
      : f.resumes
        // repair would mark it rolled back, and the next up would run the jobs again from the start
        ? `  ${paint.red(changes)} — ${partialChangesText(f)}; fix the cause and run \`neomig up\`: it resumes its ctx.batch() jobs after ${f.resumes} (not \`neomig repair\`, which would start them over)`
        : `  ${paint.red(changes)} — ${partialChangesText(f)}; run \`neomig status\` and \`neomig repair\` once the database is fixed`,
  );
  return lines.join('\n');
}

function counts(result: RunResult, paint: Paint): string {
  const failed = result.failed ? 1 : 0;
  return paint.gray(`${result.command === 'up' ? 'applied' : 'rolled back'} ${result.applied.length}${result.command === 'up' ? `, rolled back ${result.rolledBack.length}` : ''}, failed ${failed}`);
}

/** The `error` member of the JSON document for a run that failed without throwing. */
export function failureJson(f: FailureReport): Record<string, unknown> {
  return {
    code: 'MIGRATION_FAILED',
    message: `Migration ${f.version} (${f.direction}) failed: ${f.message}`,
    version: f.version,
    file: f.file,
    ...(f.statement !== undefined ? { statement: f.statement } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.column !== undefined ? { column: f.column } : {}),
    ...(f.neo4jCode ? { neo4jCode: f.neo4jCode } : {}),
    partialChanges: f.partialChanges,
    ...(f.undoError ? { undoError: f.undoError } : {}),
    ...(f.undoneBy ? { undoneBy: f.undoneBy } : {}),
    ...(f.resumes ? { resumes: f.resumes } : {}),
  };
}

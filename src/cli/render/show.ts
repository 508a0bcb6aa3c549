/** `neomig show`: one migration in full. */
import { type ChangeSet, describeChanges, isEmptyChangeSet } from '../../core/fingerprint.js';
import type { ShowResult } from '../../runner/types.js';
import type { Paint } from '../output.js';
import { formatCounters, formatDuration, formatTimestamp } from './format.js';

export function renderShow(r: ShowResult, paint: Paint): string {
  const lines: string[] = [];
  const field = (name: string, value: string) => lines.push(`${paint.gray(name.padEnd(12))} ${value}`);
  lines.push(`${paint.bold(r.version)} ${r.description}`);
  field('Status', r.status === 'pending' && r.events.length ? 'pending (rolled back)' : r.status.replace('_', ' '));
  field('Type', r.type);
  field('Up', r.files.up);
  field('Down', r.files.down ?? paint.gray('(none)'));
  const drift = r.checksum.changed ? paint.yellow(` (applied: ${r.checksum.applied}, the file changed since)`) : '';
  field('Checksum', `${r.checksum.local ?? r.checksum.applied ?? ''}${drift}`);
  if (r.installedAt) {
    field('Applied', `${formatTimestamp(r.installedAt)} by ${r.installedBy ?? '?'}, took ${formatDuration(r.executionTimeMs ?? 0)}`);
  }
  if (r.counters && Object.keys(r.counters).length) field('Counters', formatCounters(r.counters));
  if (r.errorMessage) field('Error', paint.red(`${r.errorCode ? r.errorCode + ': ' : ''}${r.errorMessage}`));
  if (r.partialChanges) field('Partial', r.partialChanges);

  if (r.statements.length) {
    lines.push('', paint.bold('Statements'));
    for (const s of r.statements) {
      const text = s.text.split('\n').map((l, i) => (i === 0 ? l : `        ${l}`)).join('\n');
      lines.push(`  ${paint.gray(`${s.index}: line ${s.line}`)} ${text};`);
      if (s.counters) lines.push(paint.cyan(`        ${formatCounters(s.counters) || 'no changes'}`));
    }
  } else if (r.type === 'typescript') {
    lines.push('', paint.gray('Statements: a TypeScript migration runs up(ctx); its counters are per step (above).'));
  }
  if (r.validate.length) {
    lines.push('', paint.bold('Validate'));
    for (const v of r.validate) lines.push(`  ${v.result === 'passed' ? paint.green('passed') : paint.gray('not run')} ${v.query}`);
  }
  lines.push('', paint.bold('Changes (before → after the up)'), ...changeLines(r.changes, paint));
  if (r.downChanges) lines.push('', paint.bold('Changes of its down'), ...changeLines(r.downChanges, paint));
  if (r.events.length) {
    lines.push('', paint.bold('Audit events'));
    for (const e of r.events) {
      const took = e.durationMs != null ? ` ${formatDuration(e.durationMs)}` : '';
      const what = [e.detail, e.errorMessage].filter(Boolean).join('; ');
      lines.push(`  ${formatTimestamp(e.at)}  ${e.action.padEnd(11)} ${e.by ?? ''}${took}${what ? `  ${paint.gray(what)}` : ''}`);
    }
  }
  return lines.join('\n');
}

function changeLines(c: ChangeSet | null, paint: Paint): string[] {
  if (!c) return [paint.gray('  not recorded (not applied, or applied with fingerprints off)')];
  if (isEmptyChangeSet(c)) return [paint.gray('  no label, type, constraint or index changed')];
  return describeChanges(c).map((l) => `  ${l.startsWith('-') ? paint.red(l) : paint.green(l)}`);
}

/**
 * `neomig status`: every version, local and applied, in one table that fits the terminal (80 columns
 * off a terminal): the time is compacted, `By` and then `Type` go when the room is short, and the
 * description, then the notes, are cut with an ellipsis. `--wide` shows every column in full; `--json` is always complete.
 */
import { summarizeChanges } from '../../core/fingerprint.js';
import type { MigrationState, MigrationStatus, PartialChanges } from '../../core/types.js';
import { type Checkpoint, checkpointProgress, isResumable } from '../../core/checkpoint.js';
import type { StatusResult } from '../../runner/types.js';
import type { Paint } from '../output.js';
import { formatDuration, formatShortTimestamp, formatTimestamp, plural, truncate, versionLabel, wrap } from './format.js';
import { renderTable } from './table.js';

export interface StatusLayout {
  /** the width to fit (default 80) */
  width?: number;
  /** every column in full, however wide (`status --wide`) */
  wide?: boolean;
  /** a Changes column with each migration's delta in short (`status --verbose`) */
  verbose?: boolean;
}

/** Below this, a description makes `By` and then `Type` give way. */
const COMFORTABLE_DESCRIPTION = 24;
const DROPPABLE = ['By', 'Type'];
/** What is cut when the table is still too wide, in order, and down to how many characters (notes
 *  like "failed, NOT reversed" matter more than the rest of a description). */
const CUTS: [string, number][] = [
  ['Description', COMFORTABLE_DESCRIPTION],
  ['Notes', 20],
  ['Changes', 20],
  ['Description', 12],
  ['Notes', 12],
  ['Changes', 8],
];
const GAP = 2;

interface Column {
  header: string;
  cells: string[];
  color?: (cell: string, row: number) => string;
}

export function renderStatus(result: StatusResult, paint: Paint, layout: StatusLayout = {}): string {
  const width = layout.width ?? 80;
  const wide = layout.wide === true;
  const fit = (text: string) => (wide ? [text] : wrap(text, width));
  const lines: string[] = [];
  const { server } = result;
  lines.push(paint.gray(`Neo4j ${server.version} ${server.edition}, database ${server.database}`));
  lines.push(`Current version: ${paint.bold(versionLabel(result.current))}`);
  if (result.lock) {
    const l = result.lock;
    const text = `Locked by ${l.owner} (${l.host}, pid ${l.pid}) since ${formatTimestamp(l.acquiredAt)}, heartbeat ${formatTimestamp(l.heartbeatAt)}`;
    lines.push(...fit(text).map((line) => paint.yellow(line)));
  }
  if (result.restoreInterrupted) {
    const r = result.restoreInterrupted;
    const text = `A restore of ${r.file} started at ${formatTimestamp(r.startedAt)} did not finish: the database holds part of that snapshot. `
      + `Run \`neomig restore ${r.file} --yes\` again; until then other commands refuse to run.`;
    lines.push(...fit(text).map((line) => paint.red(line)));
  }
  lines.push('');
  if (result.migrations.length === 0) {
    lines.push('No migrations found and nothing applied.');
  } else {
    lines.push(renderTable(...table(result.migrations, paint, wide ? Infinity : width, layout.verbose === true), { header: paint.bold }));
  }
  lines.push('');
  lines.push(countLine(result.migrations));
  for (const [list, word] of [[result.issues, 'issue'], [result.warnings, 'warning']] as const) {
    if (!list.length) continue;
    lines.push('');
    lines.push(paint.yellow(`${plural(list.length, word)}:`));
    for (const issue of list) {
      const prefix = `  ! ${issue.version}  `;
      const [first = '', ...more] = wide ? [issue.message] : wrap(issue.message, Math.max(20, width - prefix.length));
      lines.push(`  ${paint.yellow('!')} ${issue.version}  ${first}`, ...more.map((m) => `${' '.repeat(prefix.length)}${m}`));
    }
  }
  return lines.join('\n');
}

/** The table's headers and colored rows, fitted to `width` (Infinity: everything in full). */
function table(migrations: MigrationState[], paint: Paint, width: number, verbose: boolean): [string[], string[][]] {
  const wide = width === Infinity;
  const shown = (m: MigrationState) => m.status !== 'pending';
  const columns: Column[] = [
    { header: 'Version', cells: migrations.map((m) => m.version) },
    { header: 'Description', cells: migrations.map((m) => m.description) },
    { header: 'Type', cells: migrations.map((m) => typeLabel(m.local?.type ?? m.applied?.type, wide)) },
    { header: 'Status', cells: migrations.map((m) => statusLabel(m.status)), color: (c, i) => colorStatus(migrations[i]!.status, c, paint) },
    {
      header: wide ? 'Installed at' : 'Installed (UTC)',
      cells: migrations.map((m) => (shown(m) ? (wide ? formatTimestamp : formatShortTimestamp)(m.applied?.installedAt) : '')),
    },
    { header: 'By', cells: migrations.map((m) => (shown(m) ? (m.applied?.installedBy ?? '') : '')) },
    { header: 'Duration', cells: migrations.map((m) => (shown(m) && m.applied ? formatDuration(m.applied.executionTimeMs) : '')) },
    ...(verbose ? [{ header: 'Changes', cells: migrations.map(changesCell) }] : []),
    { header: 'Notes', cells: migrations.map((m) => notes(m).join(', ')), color: (c) => (c ? paint.yellow(c) : c) },
  ];
  let fitted = columns;
  if (!wide) {
    // drop `By`, then `Type`, while the description has less than a comfortable width
    const description = columns[1]!;
    const comfortable = Math.min(COMFORTABLE_DESCRIPTION, columnWidth(description));
    for (const name of DROPPABLE) {
      if (width - (tableWidth(fitted) - columnWidth(description)) >= comfortable) break;
      fitted = fitted.filter((c) => c.header !== name);
    }
    for (const [name, floor] of CUTS) {
      const over = tableWidth(fitted) - width;
      if (over <= 0) break;
      const column = fitted.find((c) => c.header === name);
      if (!column) continue;
      const target = Math.max(floor, column.header.length, columnWidth(column) - over);
      column.cells = column.cells.map((cell) => truncate(cell, target));
    }
  }
  const rows = migrations.map((_, i) => fitted.map((c) => (c.color ? c.color(c.cells[i]!, i) : c.cells[i]!)));
  return [fitted.map((c) => c.header), rows];
}

/** The delta of an entry in effect, in short; blank when none was recorded (fingerprints off, older entries). */
function changesCell(m: MigrationState): string {
  if (m.status !== 'applied' || !m.applied?.changes) return '';
  return summarizeChanges(m.applied.changes) || 'nothing';
}

function columnWidth(column: Column): number {
  return Math.max(column.header.length, ...column.cells.map((c) => c.length));
}

function tableWidth(columns: Column[]): number {
  // the last column's padding is trimmed, so its width is its longest cell
  return columns.reduce((sum, c) => sum + columnWidth(c), 0) + GAP * (columns.length - 1);
}

function typeLabel(type: string | undefined, wide: boolean): string {
  if (!type) return '';
  return !wide && type === 'typescript' ? 'ts' : type;
}

/** What is odd about a version, in words: drift, missing file, out of order, failure state. */
export function notes(m: MigrationState): string[] {
  const out: string[] = [];
  if (m.status === 'outdated') out.push('file changed');
  else if (m.checksumChanged) out.push('checksum changed');
  if (m.repeatable && !m.local?.down && !m.applied?.downScript) out.push('no down');
  if (m.fileMissing) out.push('file missing');
  if (m.outOfOrder) out.push('out of order');
  if (m.status === 'failed' && m.applied?.checkpoint && isResumable(m)) out.push(resumeNote(m.applied.partialChanges, m.applied.checkpoint));
  else if (m.status === 'failed' && m.applied?.partialChanges) out.push(FAILURE_NOTES[m.applied.partialChanges]);
  if (m.status === 'pending' && m.applied?.status === 'rolled_back') out.push('rolled back');
  if (m.status === 'skipped') out.push(`skipped: ${m.applied?.skipReason ?? 'an assume did not hold'}`);
  if (m.applied?.irreversible || m.local?.meta.irreversible) out.push('irreversible');
  if (m.local?.empty && m.status === 'pending') out.push('still the template');
  return out;
}

/** "interrupted at 120,000/200,000 rows, resumes on up" */
function resumeNote(changes: PartialChanges | null, checkpoint: Checkpoint): string {
  return `${changes === 'unknown' ? 'interrupted' : 'failed'} at ${checkpointProgress(checkpoint)}, resumes on up`;
}

const FAILURE_NOTES: Record<PartialChanges, string> = {
  none: 'nothing committed',
  undone: 'partial changes undone',
  remain: 'partial changes REMAIN',
  unknown: 'interrupted: changes may remain',
};

function statusLabel(status: MigrationStatus): string {
  return status === 'below_baseline' ? 'below baseline' : status === 'rolled_back' ? 'rolled back' : status;
}

function colorStatus(status: MigrationStatus, text: string, paint: Paint): string {
  switch (status) {
    default:
      return text;
    case 'applied':
      return paint.green(text);
    case 'pending':
    case 'outdated':
      return paint.yellow(text);
    case 'failed':
      return paint.red(text);
    case 'baseline':
      return paint.cyan(text);
    case 'below_baseline':
    case 'rolled_back':
      return paint.gray(text);
  }
}

function countLine(migrations: MigrationState[]): string {
  const counts = new Map<string, number>();
  for (const m of migrations) counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
  const order: MigrationStatus[] = ['applied', 'baseline', 'pending', 'outdated', 'skipped', 'failed', 'rolled_back', 'below_baseline'];
  const parts = order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s.replace('_', ' ')}`);
  return parts.length ? parts.join(', ') : '';
}

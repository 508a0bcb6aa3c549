/** `neomig status`: every version, local and applied, in one table. */
import type { MigrationState, MigrationStatus, PartialChanges } from '../../core/types.js';
import type { StatusResult } from '../../runner/types.js';
import type { Paint } from '../output.js';
import { formatDuration, formatTimestamp, plural, versionLabel } from './format.js';
import { renderTable } from './table.js';

export function renderStatus(result: StatusResult, paint: Paint): string {
  const lines: string[] = [];
  const { server } = result;
  lines.push(paint.gray(`Neo4j ${server.version} ${server.edition}, database ${server.database}`));
  lines.push(`Current version: ${paint.bold(versionLabel(result.current))}`);
  if (result.lock) {
    lines.push(paint.yellow(`Locked by ${result.lock.owner} (${result.lock.host}, pid ${result.lock.pid}) since ${formatTimestamp(result.lock.acquiredAt)}, heartbeat ${formatTimestamp(result.lock.heartbeatAt)}`));
  }
  lines.push('');
  if (result.migrations.length === 0) {
    lines.push('No migrations found and nothing applied.');
  } else {
    const rows = result.migrations.map((m) => [
      m.version,
      m.description,
      m.local?.type ?? m.applied?.type ?? '',
      colorStatus(m.status, paint),
      m.status === 'pending' ? '' : formatTimestamp(m.applied?.installedAt),
      m.status === 'pending' ? '' : (m.applied?.installedBy ?? ''),
      m.status === 'pending' || !m.applied ? '' : formatDuration(m.applied.executionTimeMs),
      notes(m).map((n) => paint.yellow(n)).join(', '),
    ]);
    lines.push(renderTable(['Version', 'Description', 'Type', 'Status', 'Installed at', 'By', 'Duration', 'Notes'], rows, { header: paint.bold }));
  }
  lines.push('');
  lines.push(countLine(result.migrations));
  if (result.issues.length) {
    lines.push('');
    lines.push(paint.yellow(`${plural(result.issues.length, 'issue')}:`));
    for (const issue of result.issues) lines.push(`  ${paint.yellow('!')} ${issue.version}  ${issue.message}`);
  }
  return lines.join('\n');
}

/** What is odd about a version, in words: drift, missing file, out of order, failure state. */
export function notes(m: MigrationState): string[] {
  const out: string[] = [];
  if (m.checksumChanged) out.push('checksum changed');
  if (m.fileMissing) out.push('file missing');
  if (m.outOfOrder) out.push('out of order');
  if (m.status === 'failed' && m.applied?.partialChanges) out.push(FAILURE_NOTES[m.applied.partialChanges]);
  if (m.status === 'pending' && m.applied?.status === 'rolled_back') out.push('rolled back');
  if (m.applied?.irreversible || m.local?.meta.irreversible) out.push('irreversible');
  return out;
}

const FAILURE_NOTES: Record<PartialChanges, string> = {
  none: 'nothing committed',
  undone: 'partial changes undone',
  remain: 'partial changes REMAIN',
  unknown: 'interrupted: changes may remain',
};

function colorStatus(status: MigrationStatus, paint: Paint): string {
  switch (status) {
    default:
      return status;
    case 'applied':
      return paint.green(status);
    case 'pending':
      return paint.yellow(status);
    case 'failed':
      return paint.red(status);
    case 'baseline':
      return paint.cyan(status);
    case 'below_baseline':
      return paint.gray('below baseline');
    case 'rolled_back':
      return paint.gray('rolled back');
  }
}

function countLine(migrations: MigrationState[]): string {
  const counts = new Map<string, number>();
  for (const m of migrations) counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
  const order: MigrationStatus[] = ['applied', 'baseline', 'pending', 'failed', 'rolled_back', 'below_baseline'];
  const parts = order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s.replace('_', ' ')}`);
  return parts.length ? parts.join(', ') : '';
}

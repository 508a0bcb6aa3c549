/** `schema diff` and schema drift for people. */
import type { SchemaDiff } from '../../core/schema-diff.js';
import { renderCreateOrOwn } from '../../core/schema-render.js';
import { canonicalType, describeSchemaItem, type SchemaItem } from '../../core/schema.js';
import type { DriftReport } from '../../runner/types.js';
import type { Paint } from '../output.js';
import { plural } from './format.js';

function describe(item: SchemaItem): string {
  return describeSchemaItem({ ...item, type: canonicalType(item.type), name: item.name || '(unnamed)' });
}

export function renderSchemaDiff(diff: SchemaDiff, from: string, to: string, paint: Paint): string[] {
  const lines = [`Schema diff: ${from} → ${to}`];
  for (const i of diff.added) lines.push(`  ${paint.green('+')} ${describe(i)}`);
  for (const i of diff.dropped) lines.push(`  ${paint.red('-')} ${describe(i)}`);
  for (const c of diff.changed) {
    lines.push(`  ${paint.yellow('~')} ${c.from.kind} ${c.from.name}${c.to.name !== c.from.name ? ` → ${c.to.name}` : ''}`);
    lines.push(`      ${paint.gray('from:')} ${renderCreateOrOwn(c.from) ?? describe(c.from)}`);
    lines.push(`      ${paint.gray('to:')}   ${renderCreateOrOwn(c.to) ?? describe(c.to)}`);
  }
  return lines;
}

export function diffSummary(diff: SchemaDiff): string {
  const n = diff.added.length + diff.dropped.length + diff.changed.length;
  const { added, dropped, changed } = diff;
  return `${plural(n, 'difference')} (${added.length} added, ${dropped.length} dropped, ${changed.length} changed)`;
}

/** The drift lines of `status` and `validate`: each item, then why the comparison may be incomplete. */
export function renderDrift(report: DriftReport, paint: Paint, failing: boolean): string[] {
  const lines: string[] = [];
  const mark = failing ? paint.red('drift:') : paint.yellow('drift:');
  for (const d of report.drift) lines.push(`  ${mark} ${d.message}`);
  for (const w of report.incomplete) lines.push(`  ${paint.yellow('warning')} schema drift detection is incomplete: ${w}`);
  return lines;
}

/** Drift in --json: each item with its kind and message. */
export function driftJson(report: DriftReport | undefined): Record<string, unknown> {
  if (!report) return {};
  return { drift: report.drift.map((d) => ({ ...d })), driftIncomplete: report.incomplete };
}

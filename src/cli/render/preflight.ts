/** The preflight's result as a dry run shows it (failures are errors and are rendered as such). */
import { describeConstraint } from '../../core/constraints.js';
import type { PreflightReport } from '../../runner/preflight.js';
import type { Paint } from '../output.js';
import { plural } from './format.js';

export function renderPreflight(report: PreflightReport, paint: Paint): string {
  const constraints = plural(report.constraints.length, 'new constraint');
  const lines = [`${paint.green('✓')} Preflight: ${plural(report.compiled, 'statement')} compile; ${constraints} checked against the data.`];
  for (const c of report.constraints) {
    const state = c.status === 'check' ? 'holds' : c.status === 'exists' ? 'exists already'
      : c.status === 'fixed' ? `left to the fix ${c.fixedBy}, which runs first` : 'created earlier in the plan';
    lines.push(`  ${paint.gray(c.version)} ${describeConstraint(c.spec)}: ${state}`);
  }
  for (const n of report.notChecked) lines.push(`  ${paint.yellow('not checked')} ${n.version} ${paint.gray(n.file)}: ${n.reason}`);
  return lines.join('\n');
}

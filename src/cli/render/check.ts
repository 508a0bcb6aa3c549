/** `neomig check` for people: a terminal report, and Markdown for a pull-request comment. */
import { type ConstraintCheck, type MigrationTouches, describeViolations, formatValue, touchName, violates } from '../../core/check.js';
import { describeConstraint } from '../../core/constraints.js';
import type { CheckResult } from '../../runner/types.js';
import type { Paint } from '../output.js';
import { plural } from './format.js';

function constraintName(c: ConstraintCheck): string {
  return `${c.spec.name ?? '(unnamed)'} ${describeConstraint(c.spec)}`;
}

function state(c: ConstraintCheck): string {
  if (c.status === 'exists') return 'exists already';
  if (c.status === 'earlier') return 'created earlier in the plan';
  if (c.status === 'fixed') {
    const found = c.violations && violates(c.violations) ? `${describeViolations(c.spec, c.violations)}, ` : '';
    return `${found}resolved by the pending fix ${c.fixedBy}, which runs first`;
  }
  return c.fails ? describeViolations(c.spec, c.violations!) : 'the data holds it';
}

function touchesText(m: MigrationTouches): string {
  if (!m.checked) return 'not checked (TypeScript: its statements are known only when it runs)';
  if (m.touches.length === 0) return 'touches no label or type';
  return `touches ${m.touches.map((t) => `${t.count} ${touchName(t)}`).join(', ')}`;
}

function unbatchedText(u: MigrationTouches['unbatched'][number], limit: number): string {
  return `statement ${u.statement} (line ${u.line}) is not batched and visits ${u.rows} ${touchName(u)} (limit ${limit})`;
}

/** One line of the verdict, shared by both renderings. */
export function checkVerdict(result: CheckResult): string {
  const failing = result.constraints.filter((c) => c.fails).length;
  const unbatched = result.migrations.reduce((n, m) => n + m.unbatched.length, 0);
  if (result.pending.length === 0) return 'Nothing pending: nothing to check.';
  const warn = unbatched ? `; ${plural(unbatched, 'unbatched statement')} over the limit` : '';
  return failing
    ? `${plural(failing, 'constraint')} would fail: \`neomig up\` would stop before applying anything${warn}.`
    : `Nothing would fail${warn}.`;
}

export function renderCheck(result: CheckResult, paint: Paint): string {
  const { version, database } = result.server;
  const lines = [`Checked ${plural(result.pending.length, 'pending migration')} against Neo4j ${version} (database ${database}).`];
  if (result.constraints.length) {
    lines.push('', paint.bold('Constraints the pending migrations create'));
    for (const c of result.constraints) {
      const mark = c.fails ? paint.red('✗') : paint.green('✓');
      lines.push(`  ${mark} ${paint.bold(c.version)} ${paint.gray(`${c.file}:${c.line}`)} ${constraintName(c)}: ${state(c)}`);
      for (const g of c.violations?.duplicates?.first ?? []) {
        lines.push(`      ${formatValue(g.value)} ×${g.count} ${paint.gray(g.elementIds.join(', '))}`);
      }
      const missing = c.violations?.missing;
      if (missing?.count) lines.push(`      missing: ${missing.count} ${paint.gray(missing.elementIds.join(', '))}`);
      for (const w of c.violations?.wrongType?.first ?? []) lines.push(`      ${formatValue(w.value)} ${paint.gray(w.elementId)}`);
    }
  }
  if (result.migrations.length) {
    lines.push('', paint.bold('What each pending migration touches (counts now)'));
    for (const m of result.migrations) {
      lines.push(`  ${paint.bold(m.version)} ${paint.gray(m.file)} ${touchesText(m)}`);
      for (const u of m.unbatched) {
        lines.push(`    ${paint.yellow('⚠')} ${unbatchedText(u, result.unbatchedRowLimit)}: wrap it in CALL { … } IN TRANSACTIONS`);
      }
    }
  }
  lines.push('', `${result.ok ? paint.green('✓') : paint.red('✗')} ${checkVerdict(result)}`);
  if (!result.ok && result.fixes.length === 0) {
    lines.push(`${paint.cyan('hint')} \`neomig check --fix\` writes a migration pair that resolves the violations, for review.`);
  }
  return lines.join('\n');
}

/** A cell of a Markdown table: pipes escaped, one line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function renderCheckMarkdown(result: CheckResult): string {
  const lines = [`### neomig check: ${result.ok ? '✅' : '❌'} ${cell(checkVerdict(result))}`, ''];
  if (result.constraints.length) {
    lines.push('| Migration | Constraint | Data now |', '|---|---|---|');
    for (const c of result.constraints) {
      const values = (c.violations?.duplicates?.first ?? []).map((g) => `\`${formatValue(g.value)}\` ×${g.count}`).join(', ');
      const detail = `${c.fails ? '❌' : '✅'} ${state(c)}${values ? `<br>${values}` : ''}`;
      lines.push(`| ${c.version} \`${c.file}\` line ${c.line} | ${cell(constraintName(c))} | ${cell(detail)} |`);
    }
    lines.push('');
  }
  if (result.migrations.length) {
    lines.push('| Migration | Touches (counts now) | Not batched |', '|---|---|---|');
    for (const m of result.migrations) {
      const unbatched = m.unbatched.map((u) => `⚠️ ${unbatchedText(u, result.unbatchedRowLimit)}`).join('<br>') || '—';
      lines.push(`| ${m.version} \`${m.file}\` | ${cell(touchesText(m))} | ${cell(unbatched)} |`);
    }
    lines.push('');
  }
  for (const f of result.fixes) {
    lines.push(`Fix written: \`V${f.version}__${f.description.replace(/\s+/g, '_')}\` (up/down), runs before ${f.before}.`);
  }
  return lines.join('\n').trimEnd();
}

/** `neomig verify`: one line per migration, then what each failing down left behind. */
import { describeLeftBehind, summarizeChanges } from '../../core/fingerprint.js';
import type { VerifyOutcome, VerifyResult } from '../../runner/types.js';
import type { Paint } from '../output.js';
import { plural } from './format.js';
import { renderTable } from './table.js';

const WORDS: Record<VerifyOutcome, string> = {
  reversible: 'reversible',
  leaves_changes: 'LEAVES CHANGES',
  irreversible: 'irreversible (by design)',
  no_down: 'NO DOWN',
  up_failed: 'UP FAILED',
  down_failed: 'DOWN FAILED',
  reapply_failed: 'UP AGAIN FAILED',
};

export function renderVerify(r: VerifyResult, paint: Paint): string {
  const lines = [paint.gray(`Verified on ${r.target.uri}, database ${r.target.database}`)];
  if (r.prepared.length) lines.push(paint.gray(`Applied first: ${r.prepared.join(', ')}`));
  lines.push('');
  if (!r.migrations.length) {
    lines.push('Nothing to verify: no migration is pending on the target.');
    return lines.join('\n');
  }
  const color = (o: VerifyOutcome, text: string) =>
    o === 'reversible' ? paint.green(text) : o === 'irreversible' ? paint.gray(text) : paint.red(text);
  const rows = r.migrations.map((m) => [
    m.version,
    m.description,
    color(m.outcome, WORDS[m.outcome]),
    m.upChanges ? summarizeChanges(m.upChanges) || 'nothing' : '',
    m.leftBehind ? summarizeChanges(m.leftBehind) : '',
  ]);
  lines.push(renderTable(['Version', 'Description', 'Result', 'Up changed', 'Left behind by the down'], rows, { header: paint.bold }));
  for (const m of r.migrations.filter((x) => x.outcome !== 'reversible' && x.outcome !== 'irreversible')) {
    lines.push('', paint.red(`${m.version} ${WORDS[m.outcome]}`));
    if (m.error) lines.push(`  ${m.error}`);
    if (m.outcome === 'no_down') lines.push('  it has no down script: write one, or mark it `irreversible: true`');
    for (const l of m.leftBehind ? describeLeftBehind(m.leftBehind) : []) lines.push(`  ${l}`);
  }
  const failed = r.migrations.filter((m) => m.outcome !== 'reversible' && m.outcome !== 'irreversible').length;
  const verdict = failed
    ? paint.red(`${plural(failed, 'migration')} cannot be reversed cleanly.`)
    : paint.green(`${plural(r.migrations.length, 'migration')} verified: every down returns the graph to where it was.`);
  lines.push('', verdict);
  return lines.join('\n');
}

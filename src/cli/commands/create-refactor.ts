/**
 * `neomig create <description> --refactor <kind> ...`: the options of each refactoring, turned into the
 * files of a migration (a Cypher up/down pair with the validate queries in its metadata and the checks
 * as its first statements, or with --ts a module calling ctx.refactor).
 */
import { Option, type Command } from 'commander';
import { NeomigError } from '../../errors.js';
import { REFACTOR_KINDS, isRefactorKind, planRefactor, type RefactorKind, type RefactorPlan } from '../../core/refactor/index.js';
import { refactorCypherFiles, refactorTsModule } from '../../core/refactor/files.js';
import type { PropertyValue, Scalar } from '../../core/refactor/cypher.js';
import type { FileValues } from './create.js';

export interface RefactorCliOptions {
  refactor?: string;
  from?: string;
  to?: string;
  label?: string;
  type?: string;
  scope?: string;
  start?: string;
  end?: string;
  property?: string;
  default?: string;
  expression?: string;
  trueValues?: string;
  falseValues?: string;
  key?: string;
  batchSize?: string;
  force?: boolean;
}

/** Each option's flag, in the order a header line shows them. */
export const REFACTOR_FLAGS: Record<keyof RefactorCliOptions, string> = {
  refactor: '--refactor', from: '--from', to: '--to', label: '--label', type: '--type', scope: '--scope', start: '--start',
  end: '--end', property: '--property', default: '--default', expression: '--expression', trueValues: '--true-values',
  falseValues: '--false-values', key: '--key', batchSize: '--batch-size', force: '--force',
};

export function addRefactorOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--refactor <kind>', 'write a refactoring with its down and validate query').choices([...REFACTOR_KINDS]),
    )
    .option('--from <name>', 'rename-*, retype-relationship: the old label, type or property')
    .option('--to <name>', 'rename-*, retype-relationship: the new label, type or property')
    .option('--label <label>', 'property refactorings, merge-nodes: the nodes of this label')
    .option('--type <type>', 'property refactorings: the relationships of this type')
    .addOption(
      new Option('--scope <scope>', 'rename-property without --label/--type: which entities')
        .choices(['nodes', 'relationships', 'all']),
    )
    .option('--start <label>', 'retype-relationship: label of the start node')
    .option('--end <label>', 'retype-relationship: label of the end node')
    .option('--property <name>', 'add-property, transform-property, normalize-boolean: the property')
    .option('--default <value>', 'add-property: the value, read as JSON when it is JSON (0, true, "0", ["a"]), else as text')
    .option(
      '--expression <cypher>',
      'transform-property: the new value, over `value` (the old one) and n (node) or r (relationship)',
    )
    .option('--true-values <list>', 'normalize-boolean: comma-separated values that become true (default true,yes,y,1)')
    .option('--false-values <list>', 'normalize-boolean: comma-separated values that become false (default false,no,n,0)')
    .option('--key <property>', 'merge-nodes: nodes of --label with the same value of this property become one')
    .option('--batch-size <n>', 'rows per transaction of each batched statement (default 1000)')
    .option('--force', 'leave out the checks that refuse when the down could not be exact');
}

export const REFACTOR_EXAMPLES = [
  'neomig create person to human --refactor rename-label --from Person --to Human',
  'neomig create knows to friend --refactor rename-type --from KNOWS --to FRIEND_OF --batch-size 5000',
  'neomig create rename born --refactor rename-property --label Person --from born --to birthYear',
  'neomig create rename everywhere --refactor rename-property --from createdAt --to created --scope all',
  'neomig create employment --refactor retype-relationship --start Person --from WORKS_AT --to EMPLOYED_BY --end Company',
  'neomig create default status --refactor add-property --label Order --property status --default \'"open"\'',
  'neomig create upper names --refactor transform-property --label Person --property name --expression \'toUpper(value)\'',
  'neomig create active flag --refactor normalize-boolean --label User --property active --true-values yes,Y,1 '
    + '--false-values no,N,0',
  'neomig create dedupe people --refactor merge-nodes --label Person --key email     # irreversible',
  'neomig create person to human --refactor rename-label --from Person --to Human --dry-run   # print, write nothing',
];

/** The refactoring's options from the command line; `exclude` are the labels neomig keeps its own nodes under. */
export function refactorOptions(kind: RefactorKind, o: RefactorCliOptions, exclude: string[]): Record<string, unknown> {
  const common = {
    ...(o.batchSize !== undefined ? { batchSize: Number(o.batchSize) } : {}),
    ...(o.force ? { allowInexact: true } : {}),
  };
  const scope = { label: o.label, type: o.type, scope: o.scope as 'nodes' | 'relationships' | 'all' | undefined };
  const defined = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  switch (kind) {
    case 'rename-label':
    case 'rename-type':
      return defined({ from: o.from, to: o.to, ...common });
    case 'rename-property':
      return defined({ from: o.from, to: o.to, ...scope, ...(o.label || o.type ? {} : { exclude }), ...common });
    case 'retype-relationship':
      return defined({ from: o.from, to: o.to, start: o.start, end: o.end, ...common });
    case 'add-property':
      if (o.default === undefined) {
        throw new NeomigError('USAGE', 'add-property needs --default <value>', {
          hint: 'For example: --default \'"open"\' or --default 0',
        });
      }
      return defined({ property: o.property, default: parseValue(o.default), ...scope, ...common });
    case 'transform-property':
      return defined({ property: o.property, expression: o.expression, ...scope, ...common });
    case 'normalize-boolean':
      return defined({
        property: o.property,
        trueValues: o.trueValues === undefined ? undefined : parseList(o.trueValues),
        falseValues: o.falseValues === undefined ? undefined : parseList(o.falseValues),
        ...scope,
        ...common,
      });
    case 'merge-nodes':
      return defined({ label: o.label, key: o.key, ...common });
  }
}

/** The plan and the renderer of the files for `createMigration`. */
export function refactorRequest(
  o: RefactorCliOptions,
  ts: boolean,
  exclude: string[],
  command: string,
): { kind: RefactorKind; plan: RefactorPlan; render: (v: FileValues) => (string | null)[] } {
  const kind = o.refactor as string;
  if (!isRefactorKind(kind)) {
    throw new NeomigError('USAGE', `unknown refactoring ${kind}`, { hint: `Use one of ${REFACTOR_KINDS.join(', ')}.` });
  }
  const options = refactorOptions(kind, o, exclude);
  const plan = planRefactor(kind, options as never, { inline: !ts });
  const render = (v: FileValues) => {
    const values = { ...v, allowInexact: Boolean(o.force), command };
    if (ts) return [refactorTsModule(plan, options, values)];
    const files = refactorCypherFiles(plan, values);
    return [files.up, files.down];
  };
  return { kind, plan, render };
}

/** A value from the command line: JSON when it parses as a string, number, boolean or list, else the text itself. */
export function parseValue(text: string): PropertyValue {
  try {
    const v: unknown = JSON.parse(text);
    const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
    if (scalar(v) || (Array.isArray(v) && v.every(scalar))) return v as PropertyValue;
  } catch {
    // not JSON: the text as given
  }
  return text;
}

/** `yes,Y,1`: each item as text, and a number or boolean item also as that number or boolean. */
export function parseList(text: string): Scalar[] {
  const out: Scalar[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    out.push(item);
    if (item === 'true' || item === 'false') out.push(item === 'true');
    else if (/^-?\d+(\.\d+)?$/.test(item)) out.push(Number(item));
  }
  return out;
}

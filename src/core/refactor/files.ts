/** The migration files `neomig create --refactor` writes: a Cypher up/down pair, or a TS module using ctx.refactor. */
import { upStatements } from './index.js';
import type { RefactorKind, RefactorPlan } from './types.js';

export interface RefactorFileValues {
  version: string;
  description: string;
  upFile: string;
  downFile: string;
  /** the refactoring runs without its checks (--force) */
  allowInexact: boolean;
  /** the command line that wrote the files, for the header */
  command: string;
}

const yamlString = (s: string) => JSON.stringify(s); // a JSON string is a YAML double-quoted scalar

/** The up file (with the validate queries in its metadata) and the down file (null when irreversible). */
export function refactorCypherFiles(plan: RefactorPlan, v: RefactorFileValues): { up: string; down: string | null } {
  const meta = ['// ---', `// description: ${yamlString(v.description)}`, '// validate:'];
  for (const q of plan.validate) meta.push(`//   - ${yamlString(q)}`);
  if (plan.down === null) meta.push('// irreversible: true');
  meta.push('// ---');
  const about = [
    `// ${v.version} ${v.description} (up): ${plan.title}.`,
    `// Written by \`${v.command}\`.`,
    ...wrap(plan.limits).map((l) => `// ${l}`),
    ...(plan.checks.length === 0
      ? []
      : v.allowInexact
        ? ['// Written with --force: the checks that keep the down exact are left out.']
        : ['// The first statements are checks: they fail, before anything changes, when the down could not be exact.']),
    plan.down === null
      ? '// Irreversible: there is no down; `neomig down` past this version refuses.'
      : `// Its down is ${v.downFile}.`,
  ];
  const up = [...meta, ...about, '', ...upStatements(plan, v.allowInexact).map((s) => `${s};\n`)].join('\n');
  if (plan.down === null) return { up, down: null };
  const down = [
    `// ${v.version} ${v.description} (down): undoes ${v.upFile} (${plan.title}).`,
    '// neomig records this text when the up is applied, so a rollback runs exactly this.',
    '',
    ...plan.down.map((s) => `${s};\n`),
  ].join('\n');
  return { up, down };
}

/** The ctx.refactor method of each kind. */
export const REFACTOR_METHODS: Record<RefactorKind, string> = {
  'rename-label': 'renameLabel',
  'rename-type': 'renameType',
  'rename-property': 'renameProperty',
  'retype-relationship': 'retypeRelationship',
  'add-property': 'addProperty',
  'transform-property': 'transformProperty',
  'normalize-boolean': 'normalizeBoolean',
  'merge-nodes': 'mergeNodes',
};

/** A TypeScript migration whose up and down are one ctx.refactor line each. */
export function refactorTsModule(plan: RefactorPlan, options: Record<string, unknown>, v: RefactorFileValues): string {
  const method = REFACTOR_METHODS[plan.kind];
  const o = JSON.stringify(options, null, 2);
  return [
    "import { defineMigration } from 'neomig';",
    '',
    `// ${v.version} ${v.description}: ${plan.title}.`,
    `// Written by \`${v.command}\`.`,
    ...wrap(plan.limits).map((l) => `// ${l}`),
    `const refactoring = ${o};`,
    '',
    'export default defineMigration({',
    `  description: ${JSON.stringify(v.description)},`,
    ...(plan.down === null ? ['  irreversible: true,'] : []),
    '  async up(ctx) {',
    `    await ctx.refactor.${method}(refactoring);`,
    '  },',
    ...(plan.down === null ? [] : ['  async down(ctx) {', `    await ctx.refactor.${method}.down(refactoring);`, '  },']),
    '});',
    '',
  ].join('\n');
}

function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

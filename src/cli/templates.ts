/**
 * Which template files `neomig create` fills: `--template <file or name>`, else the config's
 * `templates` folder, else the package's templates/. A template is text with `{{variable}}`s
 * (TEMPLATE_VARIABLES); one a template names that is not among them stays as written.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NeomigError } from '../errors.js';

/** templates/ at the package root: two levels up from src/cli and dist/cli. */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

/** What a template may use, with what each becomes (README "Templates" lists the same). */
export const TEMPLATE_VARIABLES = {
  version: 'the new version (1.4.0), or the key of a repeatable (R__refresh_views)',
  description: 'the description as typed',
  slug: 'the description as it appears in the file name (refresh_views)',
  upFile: 'the up file\'s name',
  downFile: 'the down file\'s name (the module itself for TypeScript)',
  date: 'today, UTC (2026-11-29)',
  user: 'who runs create: the config\'s installedBy, else user@host',
} as const;

export type TemplateVariables = Record<keyof typeof TEMPLATE_VARIABLES, string>;

export interface TemplateChoice {
  /** `cypher`: an up and a down template; `typescript`: one module template */
  kind: 'cypher' | 'typescript';
  /** absolute paths: [up, down] or [module] */
  files: string[];
  /** the module's extension, for a TS/JS template (`.ts` by default) */
  extension: string;
}

export interface TemplateRequest {
  kind: 'cypher' | 'typescript';
  repeatable: boolean;
  /** --template: a file (relative to `cwd`) or a name in `folder` */
  template?: string;
  /** the config's `templates` folder (absolute), if any */
  folder: string | null;
  cwd: string;
}

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** The templates to fill for this request; USAGE error naming what was looked for when one is missing. */
export function chooseTemplates(req: TemplateRequest): TemplateChoice {
  const base = req.repeatable ? 'repeatable' : 'migration';
  const fallback = (name: string) => {
    const own = req.folder ? path.join(req.folder, name) : null;
    if (own && isFile(own)) return own;
    // a team folder may give only migration.* templates: repeatables use those too
    const asMigration = req.folder ? path.join(req.folder, name.replace(/^repeatable/, 'migration')) : null;
    if (asMigration && isFile(asMigration)) return asMigration;
    return path.join(BUILTIN_TEMPLATES, name.replace(/^repeatable/, 'migration'));
  };
  const defaultDown = fallback(`${base}.down.cypher`);
  if (req.template === undefined) {
    return req.kind === 'cypher'
      ? { kind: 'cypher', files: [fallback(`${base}.up.cypher`), defaultDown], extension: '.cypher' }
      : { kind: 'typescript', files: [fallback(`${base}.ts`)], extension: '.ts' };
  }
  const tried: string[] = [];
  const given = path.resolve(req.cwd, req.template);
  const candidates = [given];
  if (req.folder) {
    const named = path.join(req.folder, req.template);
    candidates.push(named, ...['.up.cypher', '.cypher', ...MODULE_EXTENSIONS].map((ext) => named + ext));
  }
  for (const file of candidates) {
    tried.push(file);
    if (!isFile(file)) continue;
    const ext = MODULE_EXTENSIONS.find((e) => file.endsWith(e));
    if (ext) return { kind: 'typescript', files: [file], extension: ext };
    if (file.endsWith('.cypher')) {
      const stem = file.replace(/(\.up)?\.cypher$/, '');
      const down = [`${stem}.down.cypher`].find(isFile) ?? defaultDown;
      return { kind: 'cypher', files: [file, down], extension: '.cypher' };
    }
    throw new NeomigError('USAGE', `--template ${req.template}: ${file} is not a .cypher, .ts, .mts, .js or .mjs template`, {
      hint: 'Name the template like team.up.cypher (with team.down.cypher beside it) or team.ts.',
    });
  }
  throw new NeomigError('USAGE', `--template ${req.template}: no such template`, {
    hint: `Looked for ${tried.join(', ')}.` +
      (req.folder ? '' : ' A name (not a path) is looked up in the config\'s `templates` folder, which is not set.'),
  });
}

/** A template's text with its variables filled; unknown `{{names}}` stay as written. */
export function fillTemplate(file: string, values: TemplateVariables): string {
  const text = readFileSync(file, 'utf8');
  const valueOf = (key: string) => (Object.hasOwn(values, key) ? values[key as keyof TemplateVariables] : undefined);
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => valueOf(key) ?? whole);
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

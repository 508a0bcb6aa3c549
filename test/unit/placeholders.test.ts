import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { validateConfig } from '../../src/config/validate.js';
import { readScript } from '../../src/core/dialect.js';
import { type PlaceholderContext, findPlaceholders, substitutePlaceholders } from '../../src/core/placeholders.js';
import { cypherScript } from '../../src/discovery/load.js';

const ctx = (over: Partial<PlaceholderContext> = {}): PlaceholderContext => ({
  values: { label: 'Person', prop: 'name' },
  inStrings: [],
  database: 'movies',
  user: 'deployer',
  ...over,
});
const fill = (text: string, over: Partial<PlaceholderContext> = {}) => substitutePlaceholders(text, 'V1__x.cypher', '1.0.0', ctx(over));

describe('substitutePlaceholders', () => {
  it('fills code and backtick names, never comments, strings only when declared', () => {
    const text = [
      'CREATE INDEX ${label}_${prop} FOR (n:${label}) ON (n.${prop});',
      'MATCH (n:`${label}`) SET n.note = \'${label}\', n.other = "${prop}"; // ${nope}',
      '/* ${nope} */ RETURN 1;',
    ].join('\n');
    expect(fill(text)).toBe([
      'CREATE INDEX Person_name FOR (n:Person) ON (n.name);',
      'MATCH (n:`Person`) SET n.note = \'${label}\', n.other = "${prop}"; // ${nope}',
      '/* ${nope} */ RETURN 1;',
    ].join('\n'));
    expect(fill("RETURN '${label}', '${prop}'", { inStrings: ['label'] })).toBe("RETURN 'Person', '${prop}'");
    expect(fill("RETURN '${label}', '${prop}'", { inStrings: ['*'] })).toBe("RETURN 'Person', 'name'");
  });

  it('knows the built-ins', () => {
    expect(fill('RETURN "${neomig:database}", ${neomig:version}', { inStrings: ['*'] })).toBe('RETURN "movies", 1.0.0');
    expect(fill("CREATE (:Run {by: '${neomig:user}'})", { inStrings: ['neomig:user'] })).toBe("CREATE (:Run {by: 'deployer'})");
  });

  it('an unresolved placeholder in code names the file and line', () => {
    expect(() => fill('RETURN 1;\n\nMATCH (n:${x}) RETURN n;')).toThrow(/^V1__x\.cypher:3: placeholder \$\{x\} has no value$/);
    try {
      fill('RETURN 1;\nMATCH (n:${x}) RETURN n;');
    } catch (e) {
      expect(e).toMatchObject({ code: 'MIGRATION_FILE', details: { file: 'V1__x.cypher', line: 2 } });
      expect((e as { details: { hint: string } }).details.hint).toContain('NEOMIG_PLACEHOLDER_X');
    }
    // undeclared in a string or in a comment: left alone, so no error
    expect(fill("RETURN '${x}'; // ${y}")).toBe("RETURN '${x}'; // ${y}");
    expect(() => fill('RETURN ${neomig:nothing}')).toThrow(/neomig:nothing/);
  });

  it('takes a value set through the env var spelling of the name', () => {
    expect(fill('MATCH (n:${app.label})', { values: { APP_LABEL: 'Movie' } })).toBe('MATCH (n:Movie)');
  });

  it('finds where each placeholder stands', () => {
    expect(findPlaceholders('${a} `${b}` "${c}" // ${d}\n${e}').map((u) => [u.name, u.where, u.line])).toEqual([
      ['a', 'code', 1],
      ['b', 'name', 1],
      ['c', 'string', 1],
      ['d', 'comment', 1],
      ['e', 'code', 2],
    ]);
  });
});

describe('placeholders in discovery', () => {
  it('statements run filled; the text and checksum stay as written', () => {
    const text = 'CREATE (:${label} {v: 1});\n';
    const meta = { transaction: 'auto' as const };
    const a = cypherScript('V1__x.cypher', text, meta, { version: '1.0.0', placeholders: ctx() });
    const b = cypherScript('V1__x.cypher', text, meta, { version: '1.0.0', placeholders: ctx({ values: { label: 'Robot' } }) });
    expect(a.script.statements[0]!.text).toBe('CREATE (:Person {v: 1})');
    expect(b.script.statements[0]!.text).toBe('CREATE (:Robot {v: 1})');
    expect(a.script.text).toBe(text);
    expect(a.checksum).toBe(b.checksum);
    expect(readScript(text, 'V1__x.cypher').statements[0]!.text).toBe('CREATE (:${label} {v: 1})');
  });
});

describe('placeholders in the config', () => {
  it('an environment overrides single values; NEOMIG_PLACEHOLDER_<NAME> overrides both', () => {
    const file = validateConfig(
      { placeholders: { label: 'Person', limit: 10 }, environments: { staging: { placeholders: { label: 'StagingPerson' } } } },
      'neomig.config.json',
    );
    const staging = resolveConfig(file, { env: 'staging', baseDir: '/p', processEnv: {} });
    expect(staging.placeholders).toEqual({ label: 'StagingPerson', limit: '10' });
    const env = resolveConfig(file, { baseDir: '/p', processEnv: { NEOMIG_PLACEHOLDER_LABEL: 'EnvPerson', NEOMIG_PLACEHOLDER_OTHER: 'x' } });
    expect(env.placeholders).toEqual({ label: 'EnvPerson', limit: '10', OTHER: 'x' });
  });

  it('refuses a value that is not text and an unknown placeholdersInStrings shape', () => {
    expect(() => validateConfig({ placeholders: { a: { b: 1 } } }, 'neomig.config.json')).toThrow(/'a': expected a string/);
    expect(() => validateConfig({ placeholders: ['a'] }, 'neomig.config.json')).toThrow(/expected an object/);
    expect(() => validateConfig({ placeholdersInStrings: 'label' }, 'neomig.config.json')).toThrow(/expected a list/);
  });
});

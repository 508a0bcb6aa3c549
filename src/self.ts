import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of one of neomig's own top-level modules, compiled (dist/*.js) or not (src/*.ts under the
 * test runner), so that `import ... from 'neomig'` inside a migration or config file resolves to this
 * very copy of neomig even where neomig is not installed as a package.
 */
export function ownModule(name: 'index' | 'define'): string | undefined {
  for (const ext of ['.js', '.ts']) {
    const path = fileURLToPath(new URL(`./${name}${ext}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

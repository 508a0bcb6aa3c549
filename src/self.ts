import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The URL of this module, the one place neomig's library code reads `import.meta`. CommonJS has no
 * `import.meta`: the CommonJS build (scripts/build-cjs.mjs) rewrites this line to derive the same URL
 * from `__filename`, which is why the compiler check is silenced here and nowhere else.
 */
// @ts-ignore TS1343 in the CommonJS build only; see above
export const SELF_URL: string = import.meta.url;

/**
 * The path of one of neomig's own top-level modules, compiled (dist/*.js, dist/cjs/*.js) or not
 * (src/*.ts under the test runner), so that `import ... from 'neomig'` inside a migration or config
 * file resolves to this very copy of neomig even where neomig is not installed as a package.
 */
export function ownModule(name: 'index' | 'define'): string | undefined {
  for (const ext of ['.js', '.ts']) {
    const path = fileURLToPath(new URL(`./${name}${ext}`, SELF_URL));
    if (existsSync(path)) return path;
  }
  return undefined;
}

// Dependencies as one workspace package sees them (pnpm does not hoist them to the root).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `dir`: the package's folder from the repository root, e.g. `services/imap-fetcher`. */
export function packagesOf(dir) {
  const require = createRequire(new URL(`../../${dir}/package.json`, import.meta.url));
  return {
    /** Imports `pkg` as that package resolves it. */
    load: (pkg) => import(pathToFileURL(require.resolve(pkg)).href),
    /** The version of `pkg` it gets: the package.json found walking up from its entry point. */
    versionOf(pkg) {
      let at = dirname(require.resolve(pkg));
      for (;;) {
        try {
          const json = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8'));
          if (json.name === pkg) return json.version;
        } catch {}
        const up = dirname(at);
        if (up === at) return 'unknown';
        at = up;
      }
    },
  };
}

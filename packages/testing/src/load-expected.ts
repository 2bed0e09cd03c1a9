import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR, fixtureBaseName } from './fixtures-dir.js';

/**
 * The parsed `<name>.expected.json`, or `<name>.expected.<variant>.json` for another profile
 * (`r2`, `before-window`, ...). `name` may carry `.eml`. Typed unknown: narrow it in the test.
 */
export function loadExpected(name: string, variant?: string): unknown {
  const file = join(FIXTURES_DIR, `${fixtureBaseName(name)}.expected${variant ? `.${variant}` : ''}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`no expected output ${file}`, { cause: error });
  }
  return JSON.parse(text) as unknown;
}

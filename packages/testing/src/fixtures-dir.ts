import { fileURLToPath } from 'node:url';

/**
 * The repository's fixtures/emails, found from this file rather than the cwd: src/ and dist/ sit
 * at the same depth, so the path holds for the TypeScript sources (Jest) and the build alike.
 */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/emails/', import.meta.url));

/** '01-foo', '01-foo.eml' -> '01-foo' */
export function fixtureBaseName(name: string): string {
  return name.endsWith('.eml') ? name.slice(0, -'.eml'.length) : name;
}

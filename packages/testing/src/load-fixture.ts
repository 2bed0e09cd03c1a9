import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES_DIR, fixtureBaseName } from './fixtures-dir.js';

const LARGE = '11-large-html';
// Inside this package's node_modules: ignored by git, and removed with the install.
const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/render-signal-testing/', import.meta.url));

/**
 * The raw bytes of fixtures/emails/<name>.eml (`name` with or without `.eml`). Fixture 11 is not
 * stored in git; it is built with its deterministic generator on first use.
 */
export function loadFixture(name: string): Buffer {
  const base = fixtureBaseName(name);
  const file = join(FIXTURES_DIR, `${base}.eml`);
  if (existsSync(file)) return readFileSync(file);
  if (base === LARGE) return generatedLargeHtml();
  const known = readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('.eml')).map((f) => fixtureBaseName(f));
  throw new Error(`no fixture ${JSON.stringify(name)} in ${FIXTURES_DIR}; known: ${[...known, LARGE].join(', ')}`);
}

/**
 * The generator takes ~7 s (it re-measures the growing string on every row), and Jest gives each
 * test file its own module registry, so an in-memory cache would not help: the output is cached
 * on disk, keyed by the generator's own hash so an edited generator is never served stale output.
 */
function generatedLargeHtml(): Buffer {
  const generator = join(FIXTURES_DIR, 'make-large.mjs');
  const hash = createHash('sha256').update(readFileSync(generator)).digest('hex').slice(0, 16);
  const cached = join(CACHE_DIR, `${LARGE}-${hash}.eml`);
  if (existsSync(cached)) return readFileSync(cached);
  mkdirSync(CACHE_DIR, { recursive: true });
  // Unique name then rename: parallel Jest workers may generate at the same time.
  const partial = `${cached}.${process.pid}-${Date.now()}.partial`;
  try {
    execFileSync(process.execPath, [generator, partial], { stdio: 'ignore' });
    renameSync(partial, cached);
  } finally {
    rmSync(partial, { force: true });
  }
  return readFileSync(cached);
}

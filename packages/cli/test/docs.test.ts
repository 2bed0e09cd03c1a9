import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { SERVICE_NAMES, VARIABLES } from '@render-signal/config';
import { LOG_CODES } from '@render-signal/logger';
// @ts-expect-error -- plain ESM helper shared with `pnpm docs:tables`, no type declarations
import { configTable, logCodeTable } from '../../../scripts/docs-tables.mjs';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');

describe('documentation and deployment files', () => {
  it('documents every environment variable exactly as the config package reads it', () => {
    expect(readme).toContain(configTable(VARIABLES));
  });

  it('lists every log code', () => {
    expect(readme).toContain(logCodeTable(LOG_CODES));
  });

  it('gives the test command that CI runs', () => {
    expect(read('.ci/run')).toMatch(/^timeout --kill-after=30 1500 pnpm test 2>&1/m);
    expect(readme).toMatch(/`pnpm test`/);
  });

  it('runs every service in docker-compose.yml, passing only variables the config reads', () => {
    const compose = read('docker-compose.yml');
    for (const name of SERVICE_NAMES) expect(compose).toContain(`command: ["start", "${name}"]`);
    const passed = [...compose.matchAll(/^ {4}([A-Z0-9_]+): \$\{\1:-\}$/gm)].map((m) => m[1]!);
    const known = new Set<string>(VARIABLES.map((v) => v.name));
    expect(passed.filter((n) => !known.has(n))).toEqual([]);
    // Every variable reaches the containers, but those the compose file sets itself.
    const setByCompose = ['NODE_ENV', 'REDIS_URL', 'RENDER_SIGNAL_DATA_DIR', 'PORT', 'METRICS_PORT'];
    expect([...known].filter((n) => !passed.includes(n) && !setByCompose.includes(n))).toEqual([]);
  });
});

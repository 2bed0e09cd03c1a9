import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { SERVICE_NAMES, VARIABLES } from '@render-signal/config';
import { LOG_CODES } from '@render-signal/logger';
import { parse } from 'yaml';
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
    for (const name of SERVICE_NAMES) expect(compose).toContain(`command: ["node", "packages/cli/dist/main.js", "start", "${name}"]`);
    // Redis keeps its data and never evicts; a local test mail server is there to try it out.
    expect(compose).toContain('"--appendonly", "yes", "--maxmemory-policy", "noeviction"');
    expect(compose).toMatch(/image: greenmail\/standalone:[\d.]+\n {4}profiles: \["try"\]/);
    const passed = [...compose.matchAll(/^ {4}([A-Z0-9_]+): \$\{\1:-\}$/gm)].map((m) => m[1]!);
    const known = new Set<string>(VARIABLES.map((v) => v.name));
    expect(passed.filter((n) => !known.has(n))).toEqual([]);
    // Every variable reaches the containers, but those the compose file sets itself.
    const setByCompose = ['NODE_ENV', 'REDIS_URL', 'RENDER_SIGNAL_DATA_DIR', 'PORT', 'METRICS_PORT'];
    expect([...known].filter((n) => !passed.includes(n) && !setByCompose.includes(n))).toEqual([]);
  });

  it('deploys every service on Render from one image, on a Key Value store that never evicts, with every required variable', () => {
    interface EnvVar { key?: string; fromGroup?: string; value?: string }
    interface Service { type: string; name: string; dockerCommand?: string; maxmemoryPolicy?: string; envVars?: EnvVar[] }
    const blueprint = parse(read('render.yaml')) as { services: Service[]; envVarGroups: { name: string; envVars: EnvVar[] }[] };
    const store = blueprint.services.find((s) => s.type === 'keyvalue')!;
    expect(store.maxmemoryPolicy).toBe('noeviction');
    const known = new Set<string>(VARIABLES.map((v) => v.name));
    for (const name of SERVICE_NAMES) {
      const service = blueprint.services.find((s) => s.dockerCommand === `node packages/cli/dist/main.js start ${name}`);
      expect(service?.type).toBe(name === 'dashboard' ? 'web' : 'worker');
      const keys = new Set<string>();
      for (const v of service!.envVars ?? []) {
        if (v.key) keys.add(v.key);
        for (const g of blueprint.envVarGroups.filter((group) => group.name === v.fromGroup)) for (const gv of g.envVars) keys.add(gv.key!);
      }
      expect([...keys].filter((k) => !known.has(k))).toEqual([]);
      const required = VARIABLES.filter((v) => ((v as { requiredBy?: readonly string[] }).requiredBy ?? []).includes(name)).map((v) => v.name);
      expect(required.filter((k) => !keys.has(k))).toEqual([]);
      expect(keys.has('REDIS_URL')).toBe(true);
    }
  });

  it('has a runbook entry for every log code that signals trouble', () => {
    const guide = read('docs/operations.md');
    const trouble = Object.entries(LOG_CODES).filter(([, v]) => ['warn', 'error', 'fatal'].includes(v.level)).map(([code]) => code);
    expect(trouble.filter((code) => !guide.includes(`### \`${code}\``))).toEqual([]);
  });
});

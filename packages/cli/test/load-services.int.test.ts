import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { SERVICE_NAMES } from '@render-signal/config';
import { loadServices } from '../src/load-services.js';
import { ALL_SERVICES } from '../src/services.js';

// The child runs the built module (the test command builds first), as `render-signal start` does.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const LOAD_SERVICES = pathToFileURL(`${root}packages/cli/dist/load-services.js`).href;

/**
 * A Node process that records every module URL it resolves (a resolve hook on the loader thread,
 * reporting over a MessagePort), loads the named services, and prints what it loaded.
 */
const dir = mkdtempSync(join(tmpdir(), 'rs-load-'));
const HOOKS = join(dir, 'hooks.mjs');
writeFileSync(
  HOOKS,
  `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}
`,
);
const CHILD = join(dir, 'child.mjs');
writeFileSync(
  CHILD,
  `import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const SENTINEL = 'data:text/javascript,export default 0';
const { port1, port2 } = new MessageChannel();
const loaded = [];
let sentinelSeen;
const seen = new Promise((resolve) => (sentinelSeen = resolve));
port1.on('message', (url) => (url === SENTINEL ? sentinelSeen() : loaded.push(url)));
register(${JSON.stringify(pathToFileURL(HOOKS).href)}, { data: { port: port2 }, transferList: [port2] });
const { loadServices } = await import(process.argv[2]);
const services = await loadServices(process.argv.slice(3));
// Messages keep their order: once the sentinel's arrives, every earlier one has.
await import(SENTINEL);
await seen;
port1.close();
console.log(JSON.stringify({ names: services.map((s) => s.name), loaded }));
`,
);

async function loadedBy(...names: string[]): Promise<{ names: string[]; loaded: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD, LOAD_SERVICES, ...names], { env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(stdout) as { names: string[]; loaded: string[] };
}

const uses = (loaded: string[], pkg: string) => loaded.some((url) => url.includes(`/node_modules/${pkg}/`));

describe('loadServices', () => {
  it('gives the named services in pipeline order, every one by default', async () => {
    expect((await loadServices(['webhook-dispatcher', 'imap-fetcher'])).map((s) => s.name)).toEqual(['imap-fetcher', 'webhook-dispatcher']);
    // The same definitions as ALL_SERVICES, which tests and `render-signal start` without names use.
    const all = await loadServices();
    expect(all.map((s) => s.name)).toEqual([...SERVICE_NAMES]);
    all.forEach((service, i) => expect(service).toBe(ALL_SERVICES[i]));
  });

  it("loads only the packages of the services asked for: one stage's process holds none of the others' dependencies", async () => {
    const dispatcher = await loadedBy('webhook-dispatcher');
    expect(dispatcher.names).toEqual(['webhook-dispatcher']);
    expect(uses(dispatcher.loaded, 'got')).toBe(true);
    for (const other of ['imapflow', 'express', '@bull-board/api', 'helmet']) expect(`${other}: ${uses(dispatcher.loaded, other)}`).toBe(`${other}: false`);

    const parser = await loadedBy('parser');
    expect(uses(parser.loaded, 'bullmq')).toBe(true);
    for (const other of ['imapflow', 'got', 'express', '@bull-board/api']) expect(`${other}: ${uses(parser.loaded, other)}`).toBe(`${other}: false`);

    const all = await loadedBy(...SERVICE_NAMES);
    for (const pkg of ['imapflow', 'got', 'express', '@bull-board/api']) expect(`${pkg}: ${uses(all.loaded, pkg)}`).toBe(`${pkg}: true`);
  });
});

#!/usr/bin/env node
// Bundles the Worker (src/index.ts and zod) into one ES module, dist/index.js, the file wrangler
// deploys and Miniflare runs. The test harness calls bundleWorker() in memory on every start, so a
// test never runs a stale bundle. esbuild strips the types without checking them: `pnpm typecheck`
// in this folder does that.
//   node scripts/build.mjs          writes dist/index.js
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);

/** Resolves with the bundle's source text. */
export async function bundleWorker() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('src/index.ts', root))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await bundleWorker();
  mkdirSync(new URL('dist/', root), { recursive: true });
  writeFileSync(new URL('dist/index.js', root), code);
  process.stdout.write(`worker/dist/index.js: ${code.length} bytes\n`);
}

#!/usr/bin/env node
// Runs the benchmarks listed in registry.mjs against the built code and writes one report:
// bench/results/latest.json and bench/results/latest.md, and the summary on stdout.
//   node --expose-gc bench/run.mjs [name ...]     (pnpm bench [name ...] builds first)
// Exit code: 0 all goals met, 1 a goal failed or a benchmark crashed, 2 bad arguments.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { complete, markdown } from './lib/report.mjs';
import registry from './registry.mjs';

const here = new URL('./', import.meta.url);
const resultsDir = new URL('./results/', here);
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));

function git(args) {
  try {
    return execFileSync('git', args, { cwd: fileURLToPath(here), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const modules = [];
for (const path of registry) {
  const mod = await import(new URL(path, here).href);
  if (typeof mod.name !== 'string' || typeof mod.run !== 'function') throw new Error(`${path} must export name (string) and run() (async function)`);
  if (modules.some((m) => m.name === mod.name)) throw new Error(`two benchmarks are named ${mod.name}`);
  modules.push({ path, name: mod.name, issue: mod.issue ?? null, run: mod.run });
}
const unknown = wanted.filter((w) => !modules.some((m) => m.name === w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${modules.map((m) => m.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? modules.filter((m) => wanted.includes(m.name)) : modules;

const started = Date.now();
const meta = {
  startedAt: new Date(started).toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
  loadAvgStart: loadavg().map((x) => Number(x.toFixed(2))),
  gcBetweenRounds: typeof globalThis.gc === 'function',
  commit: git(['rev-parse', '--short', 'HEAD']),
  dirty: git(['status', '--porcelain', '--untracked-files=no']) ? true : false,
  benchmarks: selected.map((m) => m.name),
};
if (!meta.gcBetweenRounds) console.error('note: run with node --expose-gc (as pnpm bench does) to collect garbage between rounds');

const results = [];
const errors = [];
meta.seconds = {};
for (const m of selected) {
  const t = Date.now();
  process.stderr.write(`bench ${m.name} ... `);
  try {
    const out = await m.run();
    if (!Array.isArray(out)) throw new Error('run() did not return an array');
    for (const r of out) {
      if (typeof r?.name !== 'string' || typeof r.unit !== 'string' || typeof r.value !== 'number') throw new Error(`malformed result ${JSON.stringify(r)?.slice(0, 200)}`);
      results.push(complete(m.name, m.issue, r));
    }
    process.stderr.write(`${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    meta.seconds[m.name] = Number(((Date.now() - t) / 1000).toFixed(1));
  } catch (err) {
    process.stderr.write('crashed\n');
    errors.push({ benchmark: m.name, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
}
meta.loadAvgEnd = loadavg().map((x) => Number(x.toFixed(2)));
meta.durationS = Number(((Date.now() - started) / 1000).toFixed(1));

const report = { meta, results, errors };
const md = markdown(report);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(new URL('latest.json', resultsDir), JSON.stringify(report, null, 2) + '\n');
writeFileSync(new URL('latest.md', resultsDir), md);
process.stdout.write('\n' + md);
process.exitCode = errors.length > 0 || results.some((r) => r.pass === false) ? 1 : 0;

import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
// Measuring helpers shared by the benchmarks. The machine is shared and noisy, so nothing here is
// compared with a fixed number of seconds: throughput is always measured against a baseline in the
// same run, with the two interleaved round by round so that a slow patch hits both.
import { spawn } from 'node:child_process';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A full collection when node runs with --expose-gc (pnpm bench does). */
function collect() {
  globalThis.gc?.();
}

/**
 * Times `iterations` calls. The heap is collected, untimed, before the block, so a side never pays
 * for the other side's garbage; collections the block itself triggers are timed. (A full collection
 * costs 15-45 ms here under load: timing it would add noise and dilute the ratios.)
 */
async function block(fn, input, iterations) {
  collect();
  const start = now();
  for (let i = 0; i < iterations; i++) await fn(input);
  return now() - start;
}

/**
 * Throughput of `ours` and `baseline` on one input, in operations per second.
 * Warm-up (both functions, at least `warmupMs` and 3 calls each), then `rounds` rounds; each round
 * times a block of N calls of each function (N sized from the warm-up so that a block lasts about
 * `roundMs`, at least `minIterations`), alternating which one goes first. With --expose-gc each
 * block starts on a collected heap. Short blocks keep the two halves of a round close in time.
 * Reported: the median rate of each side, every sample, and as the ratio the median of the
 * per-round ratios ours/baseline (paired, so a slow patch of the machine that hits both blocks of
 * a round cancels out), with their spread as a noise indicator.
 */
export async function compareThroughput({ ours, baseline, input, warmupMs = 300, rounds = 9, roundMs = 250, minIterations = 2 }) {
  const perCall = {};
  for (const [key, fn] of [['ours', ours], ['baseline', baseline]]) {
    let calls = 0;
    const start = now();
    while (calls < 3 || now() - start < warmupMs) {
      await fn(input);
      calls += 1;
    }
    perCall[key] = (now() - start) / calls;
  }
  const iterations = {
    ours: Math.max(minIterations, Math.round(roundMs / perCall.ours)),
    baseline: Math.max(minIterations, Math.round(roundMs / perCall.baseline)),
  };
  const rates = { ours: [], baseline: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
    for (const key of order) {
      const fn = key === 'ours' ? ours : baseline;
      const ms = await block(fn, input, iterations[key]);
      rates[key].push((iterations[key] * 1000) / ms);
    }
  }
  const oursRate = median(rates.ours);
  const baselineRate = median(rates.baseline);
  const roundRatios = rates.ours.map((v, i) => v / rates.baseline[i]);
  return {
    ours: oursRate,
    baseline: baselineRate,
    ratio: median(roundRatios),
    details: {
      ratioOfMedians: round3(oursRate / baselineRate),
      rounds,
      iterationsPerRound: iterations,
      samples: { ours: rates.ours.map(round3), baseline: rates.baseline.map(round3) },
      roundRatios: roundRatios.map(round3),
    },
  };
}

export function round3(x) {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

/**
 * Runs `node <script> ...args` in a fresh process (no flags inherited) and returns the JSON object
 * the child printed as its last stdout line.
 */
export function runNodeChild(script, args = [], { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited ${code ?? signal}: ${err.trim().slice(-500)}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result: ${out.slice(-300)} ${err.slice(-300)}`));
      }
    });
  });
}

/** Nearest-rank percentile (with 50 samples, p99 is the largest one); NaN for no values. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** KiB → MiB, three significant digits. */
export const mib = (kib) => round3(kib / 1024);

/** Looks at `condition` every 2 ms until it holds; throws after `timeoutMs`, naming `what`. */
export async function pollUntil(condition, what, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A log destination that keeps nothing but a count and the last few lines (for an error message). */
export function nullLog() {
  const last = [];
  let lines = 0;
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines += 1;
        last.push(line);
        if (last.length > 5) last.shift();
      }
      done();
    },
  });
  return { stream, count: () => lines, last };
}

/** A metric of a running service's registry as { 'label/…': value } ('total' when unlabelled); null when absent. */
export async function metricValues(services, metric) {
  const m = services.context.metrics.registry.getSingleMetric(metric);
  if (!m) return null;
  const out = {};
  for (const v of (await m.get()).values) out[Object.values(v.labels).join('/') || 'total'] = v.value;
  return out;
}

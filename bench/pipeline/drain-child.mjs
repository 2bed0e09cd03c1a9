// The services of one backlog drain in a fresh process, so that the figure never depends on what
// the runner ran before (a warm JIT doubles the rate) and the process's CPU time and memory are
// the services' alone:
//   node drain-child.mjs '<json>'     json: { env, services?, timeoutMs? }
// `services`: the names of the services to run (every one when absent), as
// `render-signal start <name>…` does.
// Loads the modules of those services (not timed), prints {"ready":true}, then obeys one word per
// stdin line:
//   go     runServices(those services) with `env` (as `render-signal start` does), then {"started":…}
//   mark   {"mark":true,…} with the CPU time used since `go` and the RSS
//   stop   stops the services as production does and prints the result line, then exits
// Every JSON line goes to stdout; the result is the last one. The services log to a counting sink.
import { Writable } from 'node:stream';
import { metricValues } from '../lib/measure.mjs';
import { stdinWords } from '../lib/stdin-words.mjs';

const { env, services: names, timeoutMs = 120_000 } = JSON.parse(process.argv[2] ?? '{}');
if (!env) {
  console.error(`usage: drain-child.mjs '{"env":{...}}'`);
  process.exit(2);
}
const [queue, { loadServices }] = await Promise.all([import('../../packages/queue/dist/index.js'), import('../../packages/cli/dist/load-services.js')]);
// Only the chosen services' packages are loaded, as `render-signal start <name>…` does.
const chosen = await loadServices(names);
if (chosen.length !== (names ?? chosen).length) {
  console.error(`drain-child: unknown service among ${JSON.stringify(names)}`);
  process.exit(2);
}
const deadline = setTimeout(() => {
  console.error(`drain-child: not stopped within ${timeoutMs} ms`);
  process.exit(1);
}, timeoutMs);
const kib = (bytes) => Math.round(bytes / 1024);

let logLines = 0;
const lastLog = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      logLines += 1;
      lastLog.push(line.slice(0, 300));
      if (lastLog.length > 3) lastLog.shift();
    }
    done();
  },
});

const { next, close: closeInput } = stdinWords('drain-child');

const readyKiB = kib(process.memoryUsage().rss);
console.log(JSON.stringify({ ready: true }));
await next('go');
const cpu0 = process.cpuUsage();
const services = await queue.runServices(chosen, { env, logDestination: sink });
console.log(JSON.stringify({ started: true, services: chosen.map((s) => s.name) }));
await next('mark');
const atMark = process.cpuUsage(cpu0);
console.log(JSON.stringify({ mark: true, cpuUs: atMark.user + atMark.system, rssKiB: kib(process.memoryUsage().rss) }));
await next('stop');
const syncs = await metricValues(services, 'render_signal_fetch_syncs_total');
const jobs = await metricValues(services, 'render_signal_jobs_total');
const cpu = process.cpuUsage(cpu0);
const cleanStop = await services.stop();
clearTimeout(deadline);
closeInput();
console.log(
  JSON.stringify({ cleanStop, logLines, lastLog, syncs, jobs, cpuUs: cpu.user + cpu.system, readyKiB, maxRssKiB: process.resourceUsage().maxRSS }),
);

// One transfer in a fresh process:  node transfer-child.mjs <bytes> <known|chunked>
// Starts the Worker under Miniflare (built harness of packages/testing) and a local origin that
// generates the source on the fly (nothing on disk), has the Worker copy it into R2, and samples
// the resident memory of the workerd child process meanwhile. Prints one JSON line (sizes in KiB).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { startR2Worker } from '../../packages/testing/dist/index.js';

const [bytesArg, mode] = process.argv.slice(2);
const total = Number(bytesArg);
if (!(total > 0) || !['known', 'chunked'].includes(mode)) {
  console.error('usage: transfer-child.mjs <bytes> <known|chunked>');
  process.exit(2);
}
const SAMPLE_MS = 10;
const CHUNK = 64 * 1024;

/** A 1 MiB block of pseudo-random bytes, sent again and again with the offset stamped in. */
const block = Buffer.alloc(1024 * 1024);
for (let i = 0, x = 7; i < block.length; i++) {
  x = (x * 1103515245 + 12345) >>> 0;
  block[i] = x >>> 24;
}

const origin = createServer((req, res) => {
  const size = req.url === '/warm-up.zip' ? 1024 * 1024 : total;
  res.writeHead(200, { 'Content-Type': 'application/zip', ...(mode === 'known' ? { 'Content-Length': String(size) } : {}) });
  let sent = 0;
  const pump = () => {
    while (sent < size) {
      const n = Math.min(CHUNK, size - sent);
      const start = sent % block.length;
      const chunk = start + n <= block.length ? block.subarray(start, start + n) : Buffer.concat([block.subarray(start), block.subarray(0, n - (block.length - start))]);
      sent += n;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
await new Promise((resolve) => origin.listen(0, '127.0.0.1', resolve));
const source = `http://127.0.0.1:${origin.address().port}/generated.zip`;

const worker = await startR2Worker({ allowLoopbackOrigins: true, maxObjectBytes: total + 1 });

/** The workerd process Miniflare started: a child of this process, found through /proc. */
function workerdPid() {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.startsWith('workerd')) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  throw new Error('no workerd child process found');
}
const pid = workerdPid();
const status = () => {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
};

async function copy(key, sourceUrl) {
  const body = JSON.stringify({ source_url: sourceUrl, object_key: key, provider: 'bench' });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', worker.token).update(`${timestamp}.${body}`).digest('hex');
  const res = await fetch(worker.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-R2-Timestamp': timestamp, 'X-R2-Signature': `v1=${signature}` }, body });
  const json = await res.json();
  if (res.status !== 200 || json.success !== true) throw new Error(`copy failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// warm-up: a small copy, so that the code paths are compiled before the idle figure is taken
await copy('bench/warm-up', source.replace('generated.zip', 'warm-up.zip'));
const idle = status();
// reset the high-water mark, so VmHWM afterwards is the peak of the transfer alone (Linux >= 4.0)
let hwmReset = true;
try {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
} catch {
  hwmReset = false;
}
let sampledPeak = 0;
let samples = 0;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, status().rss);
  samples += 1;
}, SAMPLE_MS);
const started = performance.now();
const answer = await copy('bench/generated.zip', source);
const ms = performance.now() - started;
clearInterval(sampler);
const after = status();
const stored = await worker.bucket.head('bench/generated.zip');
if (stored?.size !== total || answer.size !== total) throw new Error(`stored ${stored?.size} bytes, answered ${answer.size}, expected ${total}`);
await worker.dispose();
origin.close();

const peak = Math.max(sampledPeak, hwmReset ? after.hwm : 0);
console.log(JSON.stringify({ bytes: total, mode, ms: Math.round(ms), idleKiB: idle.rss, peakKiB: peak, sampledPeakKiB: sampledPeak, hwmKiB: hwmReset ? after.hwm : null, samples, afterKiB: after.rss }));

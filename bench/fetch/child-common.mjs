// What both fetch children share: the modules either side needs (imported before the first RSS
// sample, so they count in `startKiB` and the growth is the work's), and the RSS sampler.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const SAMPLE_MS = 10;
const fromFetcher = createRequire(new URL('../../services/imap-fetcher/package.json', import.meta.url));
const load = (pkg) => import(pathToFileURL(fromFetcher.resolve(pkg)).href);

export const kib = (bytes) => Math.round(bytes / 1024);

export async function loadModules() {
  const [{ ImapFlow }, { QueueEvents }, { Redis }, queue, fetcher, contracts] = await Promise.all([
    load('imapflow'),
    load('bullmq'),
    load('ioredis'),
    import('../../packages/queue/dist/index.js'),
    import('../../services/imap-fetcher/dist/index.js'),
    import('../../packages/contracts/dist/index.js'),
  ]);
  return { ImapFlow, QueueEvents, Redis, queue, fetcher, contracts };
}

/**
 * Samples RSS every 10 ms from now on and gives up after `timeoutMs`; `report(fields)` prints the
 * one JSON result line with the RSS figures (KiB: at the start, peak sampled, kernel's maxRSS).
 */
export function measureRss(mode, timeoutMs) {
  globalThis.gc?.();
  const startKiB = kib(process.memoryUsage().rss);
  let peakKiB = startKiB;
  const sampler = setInterval(() => {
    peakKiB = Math.max(peakKiB, kib(process.memoryUsage().rss));
  }, SAMPLE_MS);
  const deadline = setTimeout(() => {
    console.error(`${mode}: no result within ${timeoutMs} ms`);
    process.exit(1);
  }, timeoutMs);
  return {
    report(fields) {
      clearInterval(sampler);
      clearTimeout(deadline);
      peakKiB = Math.max(peakKiB, kib(process.memoryUsage().rss));
      console.log(JSON.stringify({ mode, ...fields, startKiB, peakKiB, maxRssKiB: process.resourceUsage().maxRSS }));
    },
  };
}

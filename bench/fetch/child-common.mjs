// What both fetch children share: the modules either side needs (imported before the first RSS
// sample, so they count in `startKiB` and the growth is the work's), and the RSS sampler.
import { readFileSync } from 'node:fs';
import { packagesOf } from '../lib/workspace-packages.mjs';

const SAMPLE_MS = 10;
const { load } = packagesOf('services/imap-fetcher');

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

/** A bare imapflow client logged in to the test mailbox of `env` (the service's variables). */
export async function openBareClient(ImapFlow, env) {
  const client = new ImapFlow({
    host: env.IMAP_SERVER,
    port: Number(env.IMAP_PORT),
    secure: true,
    tls: { ca: readFileSync(env.IMAP_TLS_CA_FILE), rejectUnauthorized: true },
    auth: { user: env.EMAIL_ADDRESS, pass: env.EMAIL_PASSWORD },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_SERVICES } from '@render-signal/cli';
import { createR2Offloader } from '@render-signal/r2-offloader';
import { loadFixture, startR2Worker, startTcpProxy, type R2Worker, type TcpProxy } from '@render-signal/testing';
import { startPipeline, type Pipeline } from './support.js';

/** What the Dropbox link of fixture 01 serves: a zip. */
const FILE = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64 * 1024, 7)]);
const PER_PHASE = 5;
const DEADLINE_SECONDS = 4;

interface Link {
  raw_url: string;
  r2_url?: string;
}

describe('chaos: the R2 Worker goes down, then comes back, while mail with links flows', () => {
  let worker: R2Worker;
  let proxy: TcpProxy;
  let p: Pipeline;
  let sent = 0;

  /** Fixture 01 (one Dropbox link) as a new message: its own Message-ID, so not a copy. */
  const order = () => {
    sent += 1;
    return Buffer.from(
      loadFixture('01-recadrage-dropbox-11h51.eml')
        .toString('latin1')
        .replace('<20260113095812.4127.b.vasseur@studio-lumiere.example.com>', `<chaos-worker-${sent}@studio-lumiere.example.com>`),
      'latin1',
    );
  };
  const linksOf = (from: number) => p.receiver.requests.slice(from).map((r) => (r.json as { delivery_links: Link[] }).delivery_links[0]!);

  beforeAll(async () => {
    worker = await startR2Worker({
      publicBaseUrl: 'https://media.example.net',
      outbound: () => new Response(FILE, { headers: { 'content-type': 'application/zip', 'content-length': String(FILE.length) } }),
    });
    const target = new URL(worker.url);
    // The offloader reaches the Worker through a proxy that can go silent (a Worker that hangs).
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    p = await startPipeline({
      env: {
        R2_FETCH_ENABLED: 'true',
        R2_FETCH_ENDPOINT: `http://127.0.0.1:${proxy.port}/`,
        R2_FETCH_TOKEN: worker.token,
        R2_FETCH_TIMEOUT_SECONDS: '1',
        R2_FETCH_FOLDER_TIMEOUT_SECONDS: '1',
        R2_OFFLOAD_DEADLINE_SECONDS: String(DEADLINE_SECONDS),
        JOB_LOCK_SECONDS: '4',
      },
      services: ALL_SERVICES.map((s) => (s.name === 'r2-offloader' ? createR2Offloader({ resolveHost: async () => ['162.125.248.18'] }) : s)),
    });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
    await proxy?.close();
    await worker?.dispose();
  });

  it('copies while it is up, falls back to the source link within the deadline while it is down, copies again once it is back', async () => {
    for (let i = 0; i < PER_PHASE; i++) await p.deliver(order());
    await p.receiver.waitForRequests(PER_PHASE, 30_000);
    expect(linksOf(0).every((l) => l.r2_url?.startsWith('https://media.example.net/dropbox/'))).toBe(true);

    // Down: every call hangs. Each webhook still leaves, with the source link only.
    proxy.stall();
    const downAt = Date.now();
    for (let i = 0; i < PER_PHASE; i++) await p.deliver(order());
    await p.receiver.waitForRequests(2 * PER_PHASE, 60_000);
    const down = linksOf(PER_PHASE);
    expect(down.every((l) => l.r2_url === undefined && l.raw_url.startsWith('https://www.dropbox.com/'))).toBe(true);
    // Bounded by the offload deadline (plus the time to sync, parse and send), not by retries.
    expect(Date.now() - downAt).toBeLessThan((DEADLINE_SECONDS + 20) * 1000);

    // Back up: new links are copied again.
    proxy.resume();
    for (let i = 0; i < PER_PHASE; i++) await p.deliver(order());
    await p.receiver.waitForRequests(3 * PER_PHASE, 30_000);
    expect(linksOf(2 * PER_PHASE).every((l) => l.r2_url !== undefined)).toBe(true);

    // Every order once, none lost, nothing parked.
    const ids = p.receiver.requests.map((r) => (r.json as { microsoft_graph_email_id: string }).microsoft_graph_email_id);
    expect(new Set(ids).size).toBe(3 * PER_PHASE);
    expect(ids).toHaveLength(3 * PER_PHASE);
    expect(p.logs.parsed().filter((l) => l.code === 'job.dead_lettered')).toEqual([]);
    expect(p.logs.parsed().filter((l) => l.code === 'offload.fell_back')).toHaveLength(PER_PHASE);
  }, 150_000);
});

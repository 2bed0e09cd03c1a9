import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPipeline, type Pipeline } from './support.js';

describe('a mailbox password the server refuses', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ env: { EMAIL_PASSWORD: 'not-the-password' } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('makes the fetcher unready with a clear code, without hammering the server', async () => {
    const readyz = `http://127.0.0.1:${p.services.healthPort}/readyz`;
    // The first scheduled sync and the IDLE watcher both try to log in at start-up; wait until
    // readiness has turned and the watcher has reported its refusal.
    const watcherRefused = () => p.logs.parsed().some((l) => l.code === 'fetch.watch_failed');
    const deadline = Date.now() + 15_000;
    let body: unknown;
    let status = 0;
    while (Date.now() < deadline) {
      const response = await fetch(readyz);
      status = response.status;
      body = await response.json();
      if (status === 503 && watcherRefused()) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(status).toBe(503);
    expect(body).toEqual({ ready: false, checks: { redis: true, imap: false } });

    const lines = p.logs.parsed();
    const failed = lines.find((l) => l.code === 'fetch.failed');
    expect(failed?.err).toMatchObject({ message: expect.any(String) });
    // A refused login opens the circuit at once: later ticks skip the server instead of retrying.
    expect(lines.filter((l) => l.code === 'fetch.circuit_opened')).toHaveLength(1);
    // The IDLE watcher waits minutes after a refused login instead of retrying within seconds.
    const watchFailures = lines.filter((l) => l.code === 'fetch.watch_failed');
    expect(watchFailures.length).toBeGreaterThan(0);
    for (const line of watchFailures) expect(line.retryInMs).toBe(300_000);
    expect(JSON.stringify(lines)).not.toContain('not-the-password');
  });
});

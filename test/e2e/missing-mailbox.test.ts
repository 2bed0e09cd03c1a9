import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPipeline, type Pipeline } from './support.js';

describe('a mailbox that does not exist on the server', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ env: { IMAP_MAILBOX: 'Orders' } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('is named in the error, makes the fetcher unready, and is not retried within seconds', async () => {
    const opened = await p.logs.waitFor((l) => l.code === 'fetch.circuit_opened');
    expect(opened).toMatchObject({ mailbox: 'Orders', level: 'error' });
    const mark = p.logs.raw.length;
    const response = await fetch(`http://127.0.0.1:${p.services.healthPort}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, checks: { redis: true, imap: false } });

    const failed = await p.logs.waitFor((l) => l.code === 'fetch.failed');
    expect(failed.err).toMatchObject({ code: 'fetch.mailbox_missing', message: expect.stringContaining('IMAP_MAILBOX') });
    // The watcher waits minutes too, like after a refused login.
    const watch = await p.logs.waitFor((l) => l.code === 'fetch.watch_failed');
    expect(watch.retryInMs).toBe(300_000);
    // Later ticks skip the server: the circuit opened once and stays open.
    const tickAfter = () => p.logs.parsed().slice(mark).some((l) => l.code === 'job.completed' && l.queue === 'fetch');
    await p.logs.waitFor(tickAfter);
    expect(p.logs.parsed().filter((l) => l.code === 'fetch.circuit_opened')).toHaveLength(1);
    expect(p.logs.parsed().filter((l) => l.code === 'fetch.failed').length).toBeLessThanOrEqual(2);
  });
});

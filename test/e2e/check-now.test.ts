import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DASHBOARD_TEST_ENV, loadFixture } from '@render-signal/testing';
import { startPipeline, type Pipeline } from './support.js';

const API_KEY = 'check-now-automation-key-0123456789';

describe('"check now" from the dashboard API', () => {
  let p: Pipeline;
  let base: string;

  beforeAll(async () => {
    // No push and an hourly sweep: only the button can make a new mail arrive in time.
    p = await startPipeline({ env: { IMAP_IDLE: 'false', EMAIL_POLLING_INTERVAL_SECONDS: '3600', TEST_API_KEY: API_KEY, ...DASHBOARD_TEST_ENV } });
    const listening = await p.logs.waitFor((l) => l.code === 'http.listening' && l['component'] === 'dashboard');
    base = `http://127.0.0.1:${String(listening['port'])}`;
    // The scheduler's first tick runs at start; the mail comes after it.
    await p.logs.waitFor((l) => l.code === 'fetch.synced');
  });
  afterAll(() => p?.stop());

  it('syncs the mailbox at once, every time it is asked', async () => {
    for (const fixture of ['01-recadrage-dropbox-11h51.eml', '02-recadrage-date-3-9-2025.eml']) {
      const before = p.receiver.requests.length;
      await p.deliver(loadFixture(fixture));
      const answer = await fetch(`${base}/api/fetch/check-now`, { method: 'POST', headers: { 'x-api-key': API_KEY } });
      expect(answer.status).toBe(202);
      const { jobId } = (await answer.json()) as { jobId: string };
      expect(jobId).toMatch(/^sync\.INBOX\.manual\.[0-9a-f-]{36}$/);
      await p.receiver.waitForRequests(before + 1, 20_000);
    }
    const manual = p.logs.parsed().filter((l) => l.code === 'fetch.synced' && l['trigger'] === 'manual');
    expect(manual.length).toBeGreaterThanOrEqual(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DASHBOARD_TEST_LOGIN, launchChromium, loadFixture, screenshot, startWebhookReceiver, type WebhookReceiver } from '@render-signal/testing';
import type { Browser, Page } from 'playwright-core';
import { startPipeline, type Pipeline } from './support.js';

const SHOTS = 'dashboard';

describe('the dashboard in a real browser (headless Chromium)', () => {
  let p: Pipeline;
  let other: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  let base: string;
  /** What the second receiver answers: it can refuse a payload for good (HTTP 400). */
  let refuse = false;

  beforeAll(async () => {
    other = await startWebhookReceiver({ respond: () => (refuse ? { status: 400, body: { success: false, message: 'payload refusé' } } : { status: 200, body: { success: true } }) });
    p = await startPipeline();
    const listening = await p.logs.waitFor((l) => l.code === 'http.listening' && l['component'] === 'dashboard');
    base = `http://127.0.0.1:${String(listening['port'])}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
    await other?.close();
  });

  it('logs in, changes the webhook URL (the dispatcher uses it at once), opens Bull Board, replays a dead job', async () => {
    // Any page sends an anonymous visitor to the login form, and back after login.
    await page.goto(`${base}/settings`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User').fill(DASHBOARD_TEST_LOGIN.user);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Invalid user or password.').waitFor();
    await screenshot(page, SHOTS, '01-login-refused');
    await page.getByLabel('User').fill(DASHBOARD_TEST_LOGIN.user);
    await page.getByLabel('Password').fill(DASHBOARD_TEST_LOGIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings');

    // Keyboard only: focus the URL field, replace it, save with Enter.
    await page.getByLabel('URL', { exact: true }).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(other.url);
    await page.keyboard.press('Enter');
    await page.waitForURL(/notice=saved/);
    expect(await page.textContent('[role=status]')).toMatch(/^Settings saved\./);
    await screenshot(page, SHOTS, '02-settings-saved');

    await p.deliver(loadFixture('01-recadrage-dropbox-11h51.eml'));
    const [delivered] = await other.waitForRequests(1, 20_000);
    expect(p.receiver.requests).toHaveLength(0);
    expect((delivered!.json as { subject: string }).subject).toMatch(/Recadrage/);

    // The status page shows the delivery and the mailbox state.
    await page.goto(`${base}/`);
    await page.getByRole('cell', { name: 'delivered' }).first().waitFor();
    await screenshot(page, SHOTS, '03-status');
    // The same status as JSON, with the session: the rates come from the workers' metrics.
    const status = JSON.parse((await (await page.request.get(`${base}/api/status`)).text())) as { stages: { stage: string; completedPerMinute: number }[]; fetch: { watching: boolean; cursor: { lastUid: number } } };
    expect(status.stages.find((s) => s.stage === 'dispatch')!.completedPerMinute).toBeGreaterThan(0);
    expect(status.fetch).toMatchObject({ watching: true, cursor: { lastUid: 1 } });

    // Bull Board, behind the same session, renders every queue.
    await page.goto(`${base}/admin/queues`);
    await page.getByText('dispatch.dead').first().waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: 'dispatch', exact: true }).first().click();
    await page.waitForURL(/\/admin\/queues\/queue\/dispatch/);
    await page.getByText('Completed', { exact: false }).first().waitFor({ timeout: 15_000 });
    await screenshot(page, SHOTS, '04-bull-board');

    // A payload the receiver refuses for good lands in dispatch.dead; once fixed, replay it.
    refuse = true;
    await p.deliver(loadFixture('02-recadrage-date-3-9-2025.eml'));
    await p.logs.waitFor((l) => l.code === 'job.dead_lettered' && l['component'] === 'webhook-dispatcher', 20_000);
    refuse = false;
    await page.goto(`${base}/dead-letters?stage=dispatch`);
    await page.getByRole('cell', { name: 'dispatch.rejected' }).waitFor();
    await screenshot(page, SHOTS, '05-dead-letter');
    await page.getByRole('button', { name: /^Replay INBOX\./ }).click();
    await page.waitForURL(/notice=replayed/);
    expect(await page.textContent('[role=status]')).toBe('Replayed.');
    const requests = await other.waitForRequests(3, 20_000);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([requests[0]!.headers['webhook-id'], requests[1]!.headers['webhook-id'], requests[1]!.headers['webhook-id']]);
    await page.reload();
    expect(await page.textContent('main')).toContain('No dead letter in dispatch');
    await screenshot(page, SHOTS, '06-replayed');

    // Readable on a phone: nothing wider than the screen but the tables' own scroll areas.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${base}/settings`);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, SHOTS, '07-settings-phone');
  }, 120_000);
});

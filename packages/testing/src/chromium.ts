import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findBinary } from './find-binary.js';

/** Where browser tests keep their screenshots (git-ignored; CI may keep them as artefacts). */
export const ARTEFACTS_DIR = join(process.cwd(), 'test-artifacts');

/**
 * Debian's headless Chromium driven by playwright-core. The flags keep it from calling home:
 * it must never send traffic anywhere but loopback, and as root it needs --no-sandbox.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env['CHROMIUM_PATH'] ?? findBinary('chromium', 'apt-get install chromium');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Saves a full-page screenshot as `test-artifacts/<group>/<name>.png`; returns its path. */
export async function screenshot(page: Page, group: string, name: string): Promise<string> {
  const dir = join(ARTEFACTS_DIR, group);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

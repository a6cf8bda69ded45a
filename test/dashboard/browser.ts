/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` (scripts/chromium/install.sh),
 * driven by playwright-core, with a fresh profile per launch that is removed afterwards.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from '../helpers/test-server.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Where the tests write screenshots (gitignored). */
export const OUTPUT_DIR = fileURLToPath(new URL('../../../test-output/', import.meta.url));

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with a laptop-sized window; fails naming what is missing when chromium is absent. */
export async function launchBrowser(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the dashboard tests need Debian's chromium (run scripts/chromium/install.sh)`,
    );
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  // A persistent context is how playwright takes a profile directory (--user-data-dir).
  return chromium.launchPersistentContext(tempDir('jobproxy-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 800 },
  });
}

/** Fails with the reason when the server has no dashboard pages (the build did not copy them). */
export async function assertDashboardBuilt(serverUrl: string): Promise<void> {
  const response = await fetch(`${serverUrl}/`);
  if (response.status !== 200) {
    throw new Error(
      `GET / answered ${response.status} (${await response.text()}): the build must copy src/api/dashboard/static/ to dist/src/api/dashboard/static/`,
    );
  }
}

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; scripts/services/browser.sh installs it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium for browser tests and benchmarks; fails with the fix when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/services/browser.sh (installs the chromium package)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium's sandbox needs user namespaces, which root in a container usually lacks.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

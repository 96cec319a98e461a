import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/**
 * Debian's Chromium, headless. The flags keep it off the network (this machine's closed network
 * refuses Google's hosts, many at a time) and allow running as root.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Builds the dashboard with Vite when web/dist is missing (a fresh clone before `npm run build`). */
export async function ensureDashboardBuilt(): Promise<string> {
  if (!existsSync(`${WEB_DIST}index.html`)) {
    const { build } = await import('vite');
    await build({ root: fileURLToPath(new URL('../../web/', import.meta.url)), logLevel: 'warn' });
  }
  return WEB_DIST.replace(/\/$/, '');
}
